import XCTest
@testable import Decoding

/// Hand-made scorers whose best paths are known: what beam search finds, when hypotheses end, and when
/// the search stops.
final class BeamSearchTests: XCTestCase {
    private func scorer(_ table: [[Int32]: [Int32: Double]], vocabularySize: Int = 6) -> ScriptedScorer {
        ScriptedScorer(vocabularySize: vocabularySize, script: Scripts.table(table, vocabularySize: vocabularySize))
    }

    /// Greedy takes 4 (0.6) and then can reach only 0.6·0.35 = 0.21; the path 5 </s> has 0.4·0.95 = 0.38.
    func testBeamFindsTheBestPathThatGreedyMisses() throws {
        let table: [[Int32]: [Int32: Double]] = [
            []: [4: 0.6, 5: 0.4],
            [4]: [3: 0.3, 4: 0.35, 5: 0.35],
            [4, 4]: [3: 1], [4, 5]: [3: 1],
            [5]: [3: 0.95, 4: 0.05],
        ]
        let options = SearchOptions(beamSize: 2, lengthPenalty: .disabled, allowUnknown: false)
        let greedy = try GreedySearch(options: options).search(scorer(table), sources: [[4, 5]])[0]
        let beam = try BeamSearch(options: options).search(scorer(table), sources: [[4, 5]])[0][0]
        XCTAssertEqual(greedy.tokens, [4, 4])
        XCTAssertEqual(beam.tokens, [5])
        XCTAssertEqual(Double(beam.logProbability), log(0.38), accuracy: 1e-4)
        XCTAssertGreaterThan(beam.logProbability, greedy.logProbability)
    }

    /// Step 1 finishes `</s>` (0.5) and keeps 4 (0.5); step 2 runs only the live row and finishes 4 </s> (0.45).
    /// Then the best live hypothesis (4 4, 0.05) cannot beat either, so the search stops.
    func testFinishedHypothesesAreRetiredAndNotRunAgain() throws {
        let table: [[Int32]: [Int32: Double]] = [[]: [3: 0.5, 4: 0.5], [4]: [3: 0.9, 4: 0.1]]
        let scorer = scorer(table, vocabularySize: 5)
        let options = SearchOptions(beamSize: 2, nBest: 2, lengthPenalty: .disabled, allowUnknown: false)
        let list = try BeamSearch(options: options).search(scorer, sources: [[4]])[0]
        XCTAssertEqual(list.map(\.tokens), [[], [4]])
        XCTAssertEqual(Double(list[0].logProbability), log(0.5), accuracy: 1e-5)
        XCTAssertEqual(Double(list[1].logProbability), log(0.45), accuracy: 1e-5)
        XCTAssertEqual(scorer.log.rowCounts, [1, 1])
        // Step 1 keeps its only row (an identity, so no reorder call); step 2 drops the last live row.
        XCTAssertEqual(scorer.log.reorders, [[]])
    }

    /// `</s>` is by far the likeliest token everywhere; a minimum length of 3 forces three words first.
    func testMinimumLengthForbidsAnEarlierEnd() throws {
        let endFirst: ScriptedScorer.Script = { _, _ in logSoftmax([0, 0, 0, 5, 1, 0]) }
        for minLength in [0, 1, 3] {
            let options = SearchOptions(beamSize: 3, lengthPenalty: .disabled, minLength: minLength)
            let scorer = ScriptedScorer(vocabularySize: 6, script: endFirst)
            let beam = try BeamSearch(options: options).search(scorer, sources: [[4, 4]])[0][0]
            let greedy = try GreedySearch(options: options).search(scorer, sources: [[4, 4]])[0]
            XCTAssertEqual(beam.tokens, [Int32](repeating: 4, count: minLength), "min length \(minLength)")
            XCTAssertEqual(greedy.tokens, beam.tokens, "min length \(minLength)")
        }
    }

    /// `</s>` is nearly impossible: every hypothesis runs to ⌊1.5 · 2⌋ + 1 = 4 words, then `</s>` is forced
    /// and scored.
    func testMaximumLengthForcesAScoredEnd() throws {
        let endLast: ScriptedScorer.Script = { _, _ in logSoftmax([0, 0, 0, -20, 3, 1]) }
        let options = SearchOptions(beamSize: 2, lengthPenalty: .disabled, maxLengthRatio: 1.5, maxLengthOffset: 1)
        XCTAssertEqual(options.maxLength(sourceLength: 2), 4)
        let row = endLast([], [])
        let scorer = ScriptedScorer(vocabularySize: 6, script: endLast)
        let beam = try BeamSearch(options: options).search(scorer, sources: [[5, 5]])[0][0]
        let greedy = try GreedySearch(options: options).search(ScriptedScorer(vocabularySize: 6, script: endLast),
                                                               sources: [[5, 5]])[0]
        XCTAssertEqual(beam.tokens, [4, 4, 4, 4])
        XCTAssertEqual(greedy, beam)
        XCTAssertEqual(beam.logProbability, row[4] + row[4] + row[4] + row[4] + row[3])
        XCTAssertEqual(scorer.log.rowCounts.count, 5)  // four words and the forced </s>
    }

    func testMinimumLengthIsCappedByMaximumLength() throws {
        let options = SearchOptions(beamSize: 2, maxLengthRatio: 0, maxLengthOffset: 2, minLength: 10)
        let scorer = ScriptedScorer(vocabularySize: 6, script: Scripts.random(seed: 3, vocabularySize: 6))
        XCTAssertEqual(try BeamSearch(options: options).search(scorer, sources: [[4]])[0][0].tokens.count, 2)
        XCTAssertEqual(try GreedySearch(options: options).search(scorer, sources: [[4]])[0].tokens.count, 2)
    }

    /// `</s>` first (0.6) beats 4 (0.4) on log-probability, and without normalization nothing can catch up:
    /// the search stops after one step. With `avg`, 4 4 4 </s> (≈ 0.4, the rest ≈ 1) scores log(0.4)/4 ≈ -0.23 against
    /// log(0.6)/1 ≈ -0.51, so stopping on the current length would be wrong; the rule keeps searching.
    func testEarlyStoppingAccountsForLengthNormalization() throws {
        let table: [[Int32]: [Int32: Double]] = [[]: [3: 0.6, 4: 0.4], [4]: [4: 1], [4, 4]: [4: 1], [4, 4, 4]: [3: 1]]
        let base = SearchOptions(beamSize: 2, maxLengthRatio: 0, maxLengthOffset: 3, allowUnknown: false)

        var plain = base
        plain.lengthPenalty = .disabled
        let stopping = scorer(table, vocabularySize: 5)
        XCTAssertEqual(try BeamSearch(options: plain).search(stopping, sources: [[4]])[0][0].tokens, [])
        XCTAssertEqual(stopping.log.rowCounts, [1])

        var averaged = base
        averaged.lengthPenalty = .average(alpha: 1)
        let continuing = scorer(table, vocabularySize: 5)
        let best = try BeamSearch(options: averaged).search(continuing, sources: [[4]])[0][0]
        XCTAssertEqual(best.tokens, [4, 4, 4])
        XCTAssertEqual(Double(best.score), log(0.4) / 4, accuracy: 1e-4)
        XCTAssertEqual(continuing.log.rowCounts.count, 4)
    }

    /// `</s>` first (0.8) scores log(0.8) ≈ -0.22 under `avg`; the live 4 (0.2) scores log(0.2)/2 ≈ -0.80 at its
    /// current length, but continuing with certain 4s to the maximum of 9 words gives log(0.2)/10 ≈ -0.16.
    /// Only a bound that looks ahead to the maximum length finds it.
    func testEarlyStoppingLooksAheadToTheMaximumLength() throws {
        var table: [[Int32]: [Int32: Double]] = [[]: [3: 0.8, 4: 0.2]]
        for length in 1...8 { table[[Int32](repeating: 4, count: length)] = [4: 1] }
        table[[Int32](repeating: 4, count: 9)] = [3: 1]
        let options = SearchOptions(beamSize: 2, lengthPenalty: .average(alpha: 1), maxLengthRatio: 0,
                                    maxLengthOffset: 9, allowUnknown: false)
        let scorer = scorer(table, vocabularySize: 5)
        let best = try BeamSearch(options: options).search(scorer, sources: [[4]])[0][0]
        XCTAssertEqual(best.tokens, [Int32](repeating: 4, count: 9))
        XCTAssertEqual(Double(best.score), log(0.2) / 10, accuracy: 1e-4)
    }

    func testEmptyBatchAndEmptySource() throws {
        let scorer = ScriptedScorer(vocabularySize: 6, script: Scripts.random(seed: 5, vocabularySize: 6))
        XCTAssertEqual(try BeamSearch().search(scorer, sources: []), [])
        XCTAssertEqual(try GreedySearch().search(scorer, sources: []), [])
        let options = SearchOptions(maxLengthRatio: 2, maxLengthOffset: 3)
        let list = try BeamSearch(options: options).search(scorer, sources: [[]])
        XCTAssertEqual(list.count, 1)
        XCTAssertLessThanOrEqual(try XCTUnwrap(list[0].first).tokens.count, 3)
    }

    func testCoveragePenaltyChangesTheScoreAsDocumented() throws {
        let attention: ScriptedScorer.AttentionScript = { source, _ in
            [Float](repeating: 1 / Float(source.count), count: source.count)
        }
        let scorer = ScriptedScorer(vocabularySize: 6, script: Scripts.random(seed: 9, vocabularySize: 6),
                                    attentionScript: attention)
        let options = SearchOptions(beamSize: 3, lengthPenalty: .disabled, coverageWeight: 0.5, keepAttention: true)
        let best = try BeamSearch(options: options).search(scorer, sources: [[4, 5, 4, 5, 4, 5, 4, 5]])[0][0]
        let coverage = Float(best.tokens.count + 1) / 8  // every source token gets 1/8 per step
        let expected = best.logProbability + 0.5 * 8 * Float(log(Double(min(coverage, 1))))
        XCTAssertEqual(best.score, expected, accuracy: 1e-5)
    }
}
