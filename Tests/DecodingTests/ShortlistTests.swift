import XCTest
@testable import Decoding
import Tokenization

final class ShortlistTests: XCTestCase {
    // Source ids 4…7, target ids 4…8: source 4 always comes with target 5, source 6 with target 7.
    let sources: [[Int32]] = [[4, 5], [4, 6], [6, 7], [4], [6, 5]]
    let targets: [[Int32]] = [[5, 8], [5, 7], [7], [5, 8], [7, 8]]

    func testLearnsCoOccurringTokensAndFrequentOnes() {
        let shortlist = Shortlist.learn(sources: sources, targets: targets, sourceVocabularySize: 8, targetVocabularySize: 9,
                                        frequent: 1, perSource: 1)
        XCTAssertEqual(shortlist.frequent, [5], "the most frequent target token (5 and 8 appear 3 times; ties go to the lower id)")
        XCTAssertEqual(shortlist.perSource[4], [5])
        XCTAssertEqual(shortlist.perSource[6], [7])
        XCTAssertEqual(shortlist.perSource[7], [], "a pair seen once is not evidence")
    }

    func testCandidatesAlwaysHoldEndAndUnknownAndAreAscending() {
        let shortlist = Shortlist(frequent: [8], perSource: [[], [], [], [], [6, 5], [], [], []], targetVocabularySize: 9)
        XCTAssertEqual(shortlist.candidates(for: [[4]]), [1, 3, 5, 6, 8])
        XCTAssertEqual(shortlist.candidates(for: [[7]]), [1, 3, 8])
        XCTAssertEqual(shortlist.candidates(for: [[7]], forced: [4, 1]), [1, 3, 4, 8], "a target prefix's tokens are always scored")
        let empty = Shortlist(frequent: [], perSource: [], targetVocabularySize: 9)
        XCTAssertEqual(empty.candidates(for: [[4, 5]]), [SpecialToken.unknown, SpecialToken.end])
        XCTAssertEqual(Shortlist.everything(sourceVocabularySize: 8, targetVocabularySize: 9).candidates(for: [[4]]),
                       [1, 3, 4, 5, 6, 7, 8], "everything but <pad> and <s>, which search never produces")
    }

    func testFileRoundTripAndErrorsNameTheLine() throws {
        let sourceTokens = ["<pad>", "<unk>", "<s>", "</s>", "a", "b", "c", "d"]
        let targetTokens = ["<pad>", "<unk>", "<s>", "</s>", "v", "w", "x", "y", "z"]
        let source = Vocabulary(tokens: sourceTokens, counts: sourceTokens.map { _ in 1 })
        let target = Vocabulary(tokens: targetTokens, counts: targetTokens.map { _ in 1 })
        let shortlist = Shortlist.learn(sources: sources, targets: targets, sourceVocabularySize: 8, targetVocabularySize: 9,
                                        frequent: 2, perSource: 2)
        let text = shortlist.fileText(frequentCount: 2, perSourceCount: 2, source: source, target: target)
        XCTAssertEqual(try Shortlist.parse(text, path: "s.tsv", source: source, target: target), shortlist)
        XCTAssertThrowsError(try Shortlist.parse("a\tv\n", path: "s.tsv", source: source, target: target)) {
            XCTAssertEqual(($0 as? ShortlistError)?.line, 1)
        }
        let unknown = Shortlist.formatLine + "\n<frequent>\tv\nb\tv nope\n"
        XCTAssertThrowsError(try Shortlist.parse(unknown, path: "s.tsv", source: source, target: target)) {
            XCTAssertEqual("\($0)", "s.tsv:3: the target token `nope` is not in the model's target vocabulary; the shortlist belongs to another model")
        }
    }
}
