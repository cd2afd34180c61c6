import XCTest
@testable import Decoding

/// `EnsembleScorer`: the weighted mean of its members' log-probabilities, driven through search.
final class EnsembleScorerTests: XCTestCase {
    /// Member A likes 4 (0.55) and hates 5 (0.05); B the other way round; both give 6 0.4. Each alone picks its
    /// favourite, but the mean of the logs prefers 6: ½(ln 0.55 + ln 0.05) = −1.80 < ln 0.4 = −0.92.
    private func pair() -> (ScriptedScorer, ScriptedScorer) {
        func member(_ favourite: Int32, _ hated: Int32) -> ScriptedScorer {
            let table: [[Int32]: [Int32: Double]] = [
                []: [favourite: 0.55, hated: 0.05, 6: 0.4], [4]: [3: 1], [5]: [3: 1], [6]: [3: 1],
            ]
            return ScriptedScorer(vocabularySize: 7, script: Scripts.table(table, vocabularySize: 7))
        }
        return (member(4, 5), member(5, 4))
    }

    func testThePairFindsThePathTheAveragePrefersWhichNeitherMemberPicks() throws {
        let (a, b) = pair()
        let options = SearchOptions(beamSize: 2, lengthPenalty: .disabled, allowUnknown: false)
        for search in [{ (s: any Scorer) in try Self.best(s, options, beam: true) },
                       { (s: any Scorer) in try Self.best(s, options, beam: false) }] {
            XCTAssertEqual(try search(a).tokens, [4])
            XCTAssertEqual(try search(b).tokens, [5])
            let ensemble = try search(try EnsembleScorer(members: [a, b]))
            XCTAssertEqual(ensemble.tokens, [6])
            // Its score is the mean of the members' log-probabilities of the path (6, </s>).
            XCTAssertEqual(Double(ensemble.logProbability), log(0.4) + log(1 - 6e-6), accuracy: 1e-4)
            // Weights count: 0.9 on A makes A's favourite win again (0.9 ln 0.55 + 0.1 ln 0.05 = −0.84 > −0.92).
            XCTAssertEqual(try search(try EnsembleScorer(members: [a, b], weights: [0.9, 0.1])).tokens, [4])
            XCTAssertEqual(try search(try EnsembleScorer(members: [a, b], weights: [9, 1])).tokens, [4], "weights are normalized")
        }
    }

    /// Two copies of one scorer give its hypotheses, scores and attention exactly (weights ½ scale exactly).
    func testAnEnsembleOfAScorerWithItselfIsThatScorer() throws {
        var generator = SplitMix(seed: 11)
        for seed in 0..<20 as Range<UInt64> {
            let scorer = ScriptedScorer(vocabularySize: 9, script: Scripts.random(seed: seed, vocabularySize: 9),
                                        attentionScript: Scripts.randomAttention(seed: seed))
            let sources = randomSources(&generator, vocabularySize: 9)
            let options = SearchOptions(beamSize: 3, nBest: 2, keepAttention: true)
            let ensemble = try EnsembleScorer(members: [scorer, scorer])
            XCTAssertEqual(try BeamSearch(options: options).search(ensemble, sources: sources),
                           try BeamSearch(options: options).search(scorer, sources: sources), "seed \(seed)")
            XCTAssertEqual(try GreedySearch(options: options).search(ensemble, sources: sources),
                           try GreedySearch(options: options).search(scorer, sources: sources), "seed \(seed)")
        }
    }

    func testBadWeightsAndMembersAreRefused() {
        let (a, b) = pair()
        for weights: [Float] in [[1], [1, 1, 1], [1, 0], [1, -1], [1, .nan], [1, .infinity]] {
            XCTAssertThrowsError(try EnsembleScorer(members: [a, b], weights: weights), "\(weights)") { error in
                guard case .invalidOption = error as? DecodingError else { return XCTFail("\(error)") }
            }
        }
        XCTAssertThrowsError(try EnsembleScorer<ScriptedScorer>(members: []))
        let small = ScriptedScorer(vocabularySize: 6, script: Scripts.random(seed: 1, vocabularySize: 6))
        XCTAssertThrowsError(try EnsembleScorer(members: [a, small])) { XCTAssertTrue("\($0)".contains("vocabularies of 7 and 6")) }
    }

    private static func best(_ scorer: any Scorer, _ options: SearchOptions, beam: Bool) throws -> Hypothesis {
        func run<S: Scorer>(_ scorer: S) throws -> Hypothesis {
            beam ? try BeamSearch(options: options).search(scorer, sources: [[4]])[0][0]
                 : try GreedySearch(options: options).search(scorer, sources: [[4]])[0]
        }
        return try run(scorer)
    }
}
