import XCTest
@testable import Decoding

/// The normalization formulas against values computed by hand (L counts `</s>`).
final class LengthPenaltyTests: XCTestCase {
    func testAverageDividesByLengthToTheAlpha() {
        XCTAssertEqual(LengthPenalty.average(alpha: 1).normalize(logProbability: -2, length: 4), -0.5)
        XCTAssertEqual(LengthPenalty.average(alpha: 2).divisor(length: 3), 9)
        XCTAssertEqual(LengthPenalty.average(alpha: 0).normalize(logProbability: -2, length: 4), -2)
        XCTAssertEqual(LengthPenalty.average(alpha: 0.5).divisor(length: 16), 4)
    }

    func testWuUsesFivePlusLengthOverSix() {
        XCTAssertEqual(LengthPenalty.wu(alpha: 1).divisor(length: 1), 1)          // (5 + 1) / 6
        XCTAssertEqual(LengthPenalty.wu(alpha: 1).divisor(length: 3), 8.0 / 6.0)  // (5 + 3) / 6
        XCTAssertEqual(LengthPenalty.wu(alpha: 1).normalize(logProbability: -2, length: 3), -1.5)
        // (5 + 7) / 6 = 2, 2^0.6 = 1.515716566510398, -3 / 2^0.6 = -1.9792618661593415
        XCTAssertEqual(LengthPenalty.wu(alpha: 0.6).divisor(length: 7), 1.515716566510398, accuracy: 1e-12)
        XCTAssertEqual(LengthPenalty.wu(alpha: 0.6).normalize(logProbability: -3, length: 7), -1.9792619, accuracy: 1e-6)
    }

    func testDisabledLeavesTheLogProbability() {
        XCTAssertEqual(LengthPenalty.disabled.normalize(logProbability: -7.25, length: 12), -7.25)
    }

    func testLargestDivisorOverARangeIsAtTheLongEnd() {
        XCTAssertEqual(LengthPenalty.average(alpha: 1).largestDivisor(lengths: 2...9), 9)
        XCTAssertEqual(LengthPenalty.wu(alpha: 1).largestDivisor(lengths: 1...7), 2)
        XCTAssertEqual(LengthPenalty.disabled.largestDivisor(lengths: 1...7), 1)
    }

    func testNamesParseAndUnknownNamesListTheChoices() throws {
        XCTAssertEqual(try LengthPenalty(name: "none", alpha: 3), .disabled)
        XCTAssertEqual(try LengthPenalty(name: "avg", alpha: 1), .average(alpha: 1))
        XCTAssertEqual(try LengthPenalty(name: "wu", alpha: 0.6), .wu(alpha: 0.6))
        XCTAssertEqual(LengthPenalty.names.map { try? LengthPenalty(name: $0, alpha: 1).name }, LengthPenalty.names)
        XCTAssertThrowsError(try LengthPenalty(name: "average", alpha: 1)) { error in
            XCTAssertEqual(error as? DecodingError, .unknownLengthPenalty(name: "average", choices: ["none", "avg", "wu"]))
            XCTAssertTrue("\(error)".contains("none, avg, wu"))
        }
    }

    func testCoveragePenaltyByHand() {
        // c = [0.5 + 0.6, 0.2 + 0.1] = [1.1, 0.3]; cp = 0.5 · (log 1 + log 0.3)
        let value = CoveragePenalty.value(beta: 0.5, attention: [[0.5, 0.2], [0.6, 0.1]], sourceLength: 2)
        XCTAssertEqual(Double(value), 0.5 * log(0.3), accuracy: 1e-6)
        XCTAssertEqual(CoveragePenalty.value(beta: 0.5, attention: [[], []], sourceLength: 0), 0)
        XCTAssertEqual(CoveragePenalty.value(beta: 0, attention: [[0.1]], sourceLength: 1), 0)
        // A never-attended token costs β · log(floor), not -∞.
        XCTAssertEqual(Double(CoveragePenalty.value(beta: 1, attention: [[0, 1]], sourceLength: 2)),
                       log(CoveragePenalty.floor), accuracy: 1e-4)
    }

    func testMaximumLengthFormula() {
        let options = SearchOptions(maxLengthRatio: 1.5, maxLengthOffset: 2)
        XCTAssertEqual(options.maxLength(sourceLength: 3), 6)  // ⌊4.5⌋ + 2
        XCTAssertEqual(options.maxLength(sourceLength: 0), 2)
        XCTAssertEqual(SearchOptions(maxLengthRatio: 2, maxLengthOffset: 5).maxLength(sourceLength: 10), 25)
    }
}
