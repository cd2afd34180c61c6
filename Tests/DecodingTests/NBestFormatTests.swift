import XCTest
@testable import Decoding

final class NBestFormatTests: XCTestCase {
    func testLinesFollowTheDocumentedFormat() {
        let lines = NBestFormat.lines(sentenceIndex: 3, entries: [
            ("ein Hund", Hypothesis(tokens: [4, 5], logProbability: -1.5, score: -0.5)),
            ("ein\nHund ||| x", Hypothesis(tokens: [4, 6], logProbability: -2.25, score: -0.75)),
        ])
        XCTAssertEqual(lines, [
            "3 ||| ein Hund ||| logprob=-1.500000 ||| -0.500000",
            "3 ||| ein Hund   x ||| logprob=-2.250000 ||| -0.750000",
        ])
    }

    func testLinesParseBack() throws {
        let hypothesis = Hypothesis(tokens: [4], logProbability: -3.125, score: -1.0625)
        let line = try XCTUnwrap(NBestFormat.lines(sentenceIndex: 0, entries: [("", hypothesis)]).first)
        let parsed = try XCTUnwrap(NBestFormat.parse(line))
        XCTAssertEqual(parsed.sentenceIndex, 0)
        XCTAssertEqual(parsed.text, "")
        XCTAssertEqual(parsed.logProbability, -3.125)
        XCTAssertEqual(parsed.score, -1.0625)
        XCTAssertNil(NBestFormat.parse("0 ||| text ||| -1"))
        XCTAssertNil(NBestFormat.parse("x ||| text ||| logprob=-1 ||| -1"))
    }

    func testImpossibleScoresAreWrittenAsInfinity() {
        let line = NBestFormat.lines(sentenceIndex: 1, entries: [
            ("a", Hypothesis(tokens: [4], logProbability: -.infinity, score: -.infinity)),
        ])
        XCTAssertEqual(line, ["1 ||| a ||| logprob=-inf ||| -inf"])
        XCTAssertEqual(NBestFormat.parse(line[0])?.score, -.infinity)
    }
}
