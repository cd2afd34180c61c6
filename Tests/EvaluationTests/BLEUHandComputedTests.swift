import Foundation
import XCTest
@testable import Evaluation

/// BLEU on inputs small enough to compute by hand.
final class BLEUHandComputedTests: XCTestCase {
    func testPerfectMatchScores100() {
        let lines = ["The cat sat on the mat.", "A dog runs in the park today."]
        let score = BLEU.corpusScore(hypotheses: lines, references: [lines])
        XCTAssertEqual(score.score, 100, accuracy: 1e-9)
        XCTAssertEqual(score.precisions, [100, 100, 100, 100])
        XCTAssertEqual(score.brevityPenalty, 1)
    }

    func testNoOverlapScores0WithEverySmoothing() {
        for smoothing in [BLEUSmoothing.exponential, .floor(), .addK(), .none] {
            let score = BLEU.corpusScore(hypotheses: ["a b c d e"], references: [["v w x y z"]],
                                         options: BLEUOptions(smoothing: smoothing))
            XCTAssertEqual(score.score, 0, "smoothing \(smoothing.name)")
            XCTAssertEqual(score.statistics.matches, [0, 0, 0, 0])
            XCTAssertEqual(score.statistics.totals, [5, 4, 3, 2])
        }
    }

    func testBrevityPenaltyIsExpOfOneMinusLengthRatio() {
        // 4 hypothesis tokens, all n-grams matching, against 8 reference tokens: BP = exp(1 − 8/4).
        let score = BLEU.corpusScore(hypotheses: ["a b c d"], references: [["a b c d e f g h"]])
        XCTAssertEqual(score.statistics.matches, [4, 3, 2, 1])
        XCTAssertEqual(score.brevityPenalty, exp(-1), accuracy: 1e-12)
        XCTAssertEqual(score.score, 100 * exp(-1), accuracy: 1e-9)
        XCTAssertEqual(score.ratio, 0.5)
    }

    func testLongerHypothesisHasNoPenalty() {
        let score = BLEU.corpusScore(hypotheses: ["a b c d e f"], references: [["a b c d"]])
        XCTAssertEqual(score.brevityPenalty, 1)
        XCTAssertEqual(score.ratio, 1.5)
    }

    func testEffectiveOrderAveragesOnlyOrdersThatOccur() {
        // 2 tokens against 6: orders 3 and 4 have no n-gram. Without effective order they count as log 0.
        let plain = BLEU.corpusScore(hypotheses: ["the cat"], references: [["the cat sat on the mat"]])
        XCTAssertEqual(plain.score, 0)
        let effective = BLEU.corpusScore(hypotheses: ["the cat"], references: [["the cat sat on the mat"]],
                                         options: BLEUOptions(effectiveOrder: true))
        XCTAssertEqual(effective.brevityPenalty, exp(1 - 6.0 / 2.0), accuracy: 1e-12)
        XCTAssertEqual(effective.score, 100 * exp(-2), accuracy: 1e-9)
        XCTAssertEqual(effective.signature.description, "nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:\(EvaluationVersion.string)")
    }

    func testCorpusScoreIsNotTheMeanOfSentenceScores() {
        let hypotheses = ["a b c d", "a x y z"]
        let references = [["a b c d", "a r s t"]]
        let corpus = BLEU.corpusScore(hypotheses: hypotheses, references: references)
        // Summed statistics: matches 5/3/2/1 of totals 8/6/4/2, so precisions 62.5/50/50/50.
        XCTAssertEqual(corpus.statistics.matches, [5, 3, 2, 1])
        XCTAssertEqual(corpus.statistics.totals, [8, 6, 4, 2])
        XCTAssertEqual(corpus.score, 50 * pow(1.25, 0.25), accuracy: 1e-9)

        let first = BLEU.sentenceScore(hypothesis: hypotheses[0], references: [references[0][0]])
        let second = BLEU.sentenceScore(hypothesis: hypotheses[1], references: [references[0][1]])
        XCTAssertEqual(first.score, 100, accuracy: 1e-9)
        // One unigram match in 4; exponential smoothing gives the k-th empty order 100 / (2^k · total).
        let expectedSecond = pow(25 * (100.0 / 6) * (100.0 / 8) * (100.0 / 8), 0.25)
        XCTAssertEqual(second.score, expectedSecond, accuracy: 1e-9)
        XCTAssertGreaterThan(abs(corpus.score - (first.score + second.score) / 2), 1)
    }

    func testStatisticsAddUpToTheCorpusStatistics() {
        let hypotheses = ["The cat sat.", "", "A dog, 3.5 kg."]
        let references = [["The cat sat on the mat.", "Nothing.", "A dog of 3.5 kg."]]
        let segments = BLEU.segmentStatistics(hypotheses: hypotheses, references: references)
        let sum = segments.reduce(.zero, +)
        XCTAssertEqual(sum, BLEU.corpusScore(hypotheses: hypotheses, references: references).statistics)
        XCTAssertEqual(segments[1].hypothesisLength, 0)
        XCTAssertEqual(segments[1].referenceLength, 2)
        XCTAssertEqual(BLEU.score(sum).score,
                       BLEU.corpusScore(hypotheses: hypotheses, references: references).score)
    }

    func testClosestReferenceLengthPrefersTheShorterOnATie() {
        let statistics = BLEU.segmentStatistics(hypotheses: ["a b c d e"],
                                                references: [["a b c d e f"], ["a b c d"]])
        XCTAssertEqual(statistics[0].referenceLength, 4)
        XCTAssertEqual(BLEU.closestReferenceLength(to: 5, among: [7, 2, 3]), 3)
    }

    func testMultipleReferencesClipToTheMostGenerousReference() {
        // "the" occurs twice in the hypothesis, once in each reference: clipped to 1, not 2.
        let statistics = BLEU.segmentStatistics(hypotheses: ["the the"], references: [["the cat"], ["a the"]])
        XCTAssertEqual(statistics[0].matches[0], 1)
        let generous = BLEU.segmentStatistics(hypotheses: ["the the"], references: [["the cat"], ["the the"]])
        XCTAssertEqual(generous[0].matches, [2, 1, 0, 0])
    }

    func testSignatureAndFormattedLine() {
        let score = BLEU.corpusScore(hypotheses: ["a b c d"], references: [["a b c d e f g h"]])
        XCTAssertEqual(score.formatted(width: 1),
                       "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:swiftnmt-0.1.0 = 36.8 "
                       + "100.0/100.0/100.0/100.0 (BP = 0.368 ratio = 0.500 hyp_len = 4 ref_len = 8)")
        XCTAssertEqual(score.scoreText(width: 4), "36.7879")
        let floor = BLEUSignature(options: BLEUOptions(tokenizer: .international, smoothing: .floor(), lowercase: true),
                                  referenceCount: 2)
        XCTAssertEqual(floor.description, "nrefs:2|case:lc|eff:no|tok:intl|smooth:floor[0.10]|version:swiftnmt-0.1.0")
        XCTAssertEqual(BLEUSignature(options: BLEUOptions(smoothing: .addK()), referenceCount: 1).fields[4].value, "add-k[1.00]")
    }

    func testThirteenATokenizerSplitsPunctuationButKeepsDecimalsWhole() {
        XCTAssertEqual(BLEUTokenizer.thirteenA.tokens("It costs $1,000.50, i.e. 3-4 cats."),
                       ["It", "costs", "$", "1,000.50", ",", "i", ".", "e", ".", "3", "-", "4", "cats", "."])
        XCTAssertEqual(BLEUTokenizer.thirteenA.tokens("&quot;A&quot; &amp;lt; <skipped>B"), ["\"", "A", "\"", "<", "B"])
        XCTAssertEqual(BLEUTokenizer.character.tokens("ab c"), ["a", "b", "c"])
        XCTAssertEqual(BLEUTokenizer.international.tokens("你好，世界。"), ["你好", "，", "世界", "。"])
    }

    func testLowercaseAppliesGreekFinalSigmaLikePython() {
        XCTAssertEqual(String(String.UnicodeScalarView(PythonText.lowercased(Array("ΟΔΟΣ Σ".unicodeScalars)))), "οδος σ")
        let score = BLEU.corpusScore(hypotheses: ["THE CAT"], references: [["the cat"]],
                                     options: BLEUOptions(lowercase: true, effectiveOrder: true))
        XCTAssertEqual(score.score, 100, accuracy: 1e-9)
    }
}
