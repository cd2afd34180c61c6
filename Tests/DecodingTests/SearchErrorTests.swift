import XCTest
@testable import Decoding

/// Bad options and scorers that break the protocol give typed errors with a message, never a crash.
final class SearchErrorTests: XCTestCase {
    /// Returns one log-probability too few per step.
    private struct ShortScorer: Scorer {
        let vocabularySize = 6
        func start(sources: [[Int32]]) throws -> Int { sources.count }
        func step(_ state: Int, previous: [Int32], sentences: [Int]) throws -> (output: ScorerOutput, next: Int) {
            (ScorerOutput(logProbabilities: [Float](repeating: -1, count: state * 6 - 1)), state)
        }
        func reorder(_ state: Int, rows: [Int]) -> Int { rows.count }
    }

    func testOptionsOutOfRangeThrow() {
        let bad = [
            SearchOptions(beamSize: 0), SearchOptions(beamSize: 2, nBest: 3), SearchOptions(nBest: 0),
            SearchOptions(lengthPenalty: .average(alpha: -1)), SearchOptions(coverageWeight: -0.1),
            SearchOptions(maxLengthRatio: -1), SearchOptions(maxLengthRatio: .nan), SearchOptions(maxLengthOffset: -1),
            SearchOptions(minLength: -2),
        ]
        for options in bad {
            XCTAssertThrowsError(try BeamSearch(options: options), "\(options)") { error in
                guard case .invalidOption = error as? DecodingError else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains("expected"))
            }
            XCTAssertThrowsError(try GreedySearch(options: options), "\(options)") { error in
                guard case .invalidOption = error as? DecodingError else { return XCTFail("\(error)") }
            }
        }
        XCTAssertNoThrow(try BeamSearch(options: SearchOptions(beamSize: 4, nBest: 4)))
    }

    func testScorerReturningTheWrongShapeThrows() {
        for search in [{ try BeamSearch().search(ShortScorer(), sources: [[4], [5]]).count },
                       { try GreedySearch().search(ShortScorer(), sources: [[4], [5]]).count }] {
            XCTAssertThrowsError(try search()) { error in
                guard case .scorerContract = error as? DecodingError else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains("11 log-probabilities for 2 rows"), "\(error)")
            }
        }
    }

    func testAttentionFromAScorerWithoutAttentionThrows() {
        let scorer = ScriptedScorer(vocabularySize: 6, script: Scripts.random(seed: 1, vocabularySize: 6))
        XCTAssertThrowsError(try BeamSearch(options: SearchOptions(keepAttention: true)).search(scorer, sources: [[4]])) {
            guard case .attentionUnavailable = $0 as? DecodingError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try GreedySearch(options: SearchOptions(coverageWeight: 1)).search(scorer, sources: [[4]])) {
            guard case .attentionUnavailable = $0 as? DecodingError else { return XCTFail("\($0)") }
        }
    }

    func testTooSmallVocabularyThrows() {
        let scorer = ScriptedScorer(vocabularySize: 3, script: { _, _ in [0, 0, 0] })
        for search in [{ try BeamSearch().search(scorer, sources: [[4]]).count }, { try GreedySearch().search(scorer, sources: [[4]]).count }] {
            XCTAssertThrowsError(try search()) { error in
                guard case .scorerContract = error as? DecodingError else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains("vocabularySize is 3"), "\(error)")
            }
        }
    }

    /// V = 4 with `<unk>` forbidden leaves no word: `</s>` is allowed at once whatever the minimum length.
    func testOnlySpecialTokensGiveTheEmptyOutput() throws {
        let scorer = ScriptedScorer(vocabularySize: 4, script: { _, _ in logSoftmax([0, 0, 0, 0]) })
        let options = SearchOptions(minLength: 3, allowUnknown: false)
        XCTAssertEqual(try BeamSearch(options: options).search(scorer, sources: [[1]])[0].map(\.tokens), [[]])
        XCTAssertEqual(try GreedySearch(options: options).search(scorer, sources: [[1]])[0].tokens, [])
    }
}
