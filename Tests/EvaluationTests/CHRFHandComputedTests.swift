import XCTest
@testable import Evaluation

/// chrF on inputs small enough to compute by hand.
final class CHRFHandComputedTests: XCTestCase {
    func testPerfectMatchScores100() {
        let score = CHRF.corpusScore(hypotheses: ["The cat sat."], references: [["The cat sat."]])
        XCTAssertEqual(score.score, 100, accuracy: 1e-9)
        XCTAssertEqual(score.name, "chrF2")
        XCTAssertEqual(score.formatted(width: 1),
                       "chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:swiftnmt-0.1.0 = 100.0")
    }

    func testNoSharedCharacterScores0() {
        XCTAssertEqual(CHRF.corpusScore(hypotheses: ["abc"], references: [["xyz"]]).score, 0)
    }

    func testWhitespaceIsRemovedBeforeCountingCharacters() {
        let statistics = CHRF.segmentStatistics(hypotheses: ["ab c"], references: [["abc"]])[0]
        // "abc": 3 unigrams, 2 bigrams, 1 trigram, none longer, on both sides.
        XCTAssertEqual(statistics.hypothesisCounts, [3, 2, 1, 0, 0, 0])
        XCTAssertEqual(statistics.matches, [3, 2, 1, 0, 0, 0])
    }

    func testHalfTheCharactersGivesTheFBetaOfAveragedPrecisionAndRecall() {
        // Hypothesis "ab", reference "abcd": precision 1 at orders 1 and 2, recall 2/4 and 1/3.
        let score = CHRF.corpusScore(hypotheses: ["ab"], references: [["abcd"]])
        let precision = 1.0, recall = (0.5 + 1.0 / 3) / 2
        XCTAssertEqual(score.score, 100 * 5 * precision * recall / (4 * precision + recall), accuracy: 1e-9)
    }

    func testChrFPlusPlusAddsWordUnigramsAndBigrams() {
        let score = CHRF.corpusScore(hypotheses: ["the cat."], references: [["the cat."]], options: .chrFPlusPlus)
        XCTAssertEqual(score.name, "chrF2++")
        XCTAssertEqual(score.statistics.matches.count, 8)
        // Words "the", "cat", "." (the final period is split off) and bigrams "the cat", "cat .".
        XCTAssertEqual(Array(score.statistics.hypothesisCounts.suffix(2)), [3, 2])
        XCTAssertEqual(score.score, 100, accuracy: 1e-9)
    }

    func testAnEmptyReferenceAddsNothing() {
        let alone = CHRF.corpusScore(hypotheses: ["the cat"], references: [["the cat sat"]])
        let withEmpty = CHRF.corpusScore(hypotheses: ["the cat", "something"], references: [["the cat sat", ""]])
        XCTAssertEqual(alone.statistics, withEmpty.statistics)
    }
}
