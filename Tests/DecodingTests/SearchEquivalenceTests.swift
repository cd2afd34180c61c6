import XCTest
@testable import Decoding

/// Properties that must hold for every scorer: beam size 1 is greedy search, a batch decodes like its
/// sentences one by one, and n-best lists are sorted, distinct and scored as documented.
final class SearchEquivalenceTests: XCTestCase {
    /// Random options within the documented ranges (n-best and beam size set by the caller).
    private func randomOptions(_ generator: inout SplitMix, beamSize: Int, nBest: Int = 1) -> SearchOptions {
        let penalties: [LengthPenalty] = [.disabled, .average(alpha: 1), .average(alpha: 0.6), .wu(alpha: 0.8)]
        return SearchOptions(
            beamSize: beamSize, nBest: nBest,
            lengthPenalty: penalties[Int.random(in: 0..<penalties.count, using: &generator)],
            coverageWeight: Bool.random(using: &generator) ? 0 : 0.3,
            maxLengthRatio: [0.5, 1, 2][Int.random(in: 0..<3, using: &generator)],
            maxLengthOffset: Int.random(in: 0...4, using: &generator),
            minLength: Int.random(in: 0...2, using: &generator),
            allowUnknown: Bool.random(using: &generator),
            keepAttention: true)
    }

    private func randomScorer(seed: UInt64, _ generator: inout SplitMix) -> ScriptedScorer {
        // Mostly tiny vocabularies; some wide enough for the 16-lane scan of TopKSelection.
        let vocabularySize = [5, 6, 7, 8, 10, 37, 70][Int.random(in: 0..<7, using: &generator)]
        return ScriptedScorer(vocabularySize: vocabularySize,
                              script: Scripts.random(seed: seed, vocabularySize: vocabularySize),
                              attentionScript: Scripts.randomAttention(seed: seed))
    }

    func testBeamSizeOneEqualsGreedyOnRandomScorers() throws {
        for seed in UInt64(1)...300 {
            var generator = SplitMix(seed: seed)
            let options = randomOptions(&generator, beamSize: 1)
            let greedyScorer = randomScorer(seed: seed, &generator)
            let beamScorer = ScriptedScorer(vocabularySize: greedyScorer.vocabularySize, script: greedyScorer.script,
                                            attentionScript: greedyScorer.attentionScript)
            let sources = randomSources(&generator, vocabularySize: greedyScorer.vocabularySize)

            let greedy = try GreedySearch(options: options).search(greedyScorer, sources: sources)
            let beam = try BeamSearch(options: options).search(beamScorer, sources: sources)

            XCTAssertEqual(beam.map(\.count), [Int](repeating: 1, count: sources.count), "seed \(seed)")
            XCTAssertEqual(beam.map(\.first), greedy.map { $0 }, "seed \(seed): beam 1 differs from greedy")
            XCTAssertEqual(beamScorer.log.rowCounts, greedyScorer.log.rowCounts, "seed \(seed): different steps")
        }
    }

    func testBatchDecodesLikeEachSentenceAlone() throws {
        for seed in UInt64(1)...60 {
            var generator = SplitMix(seed: seed)
            let options = randomOptions(&generator, beamSize: 3, nBest: 2)
            let scorer = randomScorer(seed: seed, &generator)
            let sources = randomSources(&generator, vocabularySize: scorer.vocabularySize, count: 2...5)

            let batchBeam = try BeamSearch(options: options).search(scorer, sources: sources)
            let batchSteps = scorer.log.rowCounts.count
            let batchRowCounts = scorer.log.rowCounts
            let batchGreedy = try GreedySearch(options: options).search(scorer, sources: sources)
            var longestAlone = 0
            for (b, source) in sources.enumerated() {
                let alone = ScriptedScorer(vocabularySize: scorer.vocabularySize, script: scorer.script,
                                           attentionScript: scorer.attentionScript)
                XCTAssertEqual(try BeamSearch(options: options).search(alone, sources: [source]), [batchBeam[b]],
                               "seed \(seed), sentence \(b): beam")
                longestAlone = max(longestAlone, alone.log.rowCounts.count)
                XCTAssertEqual(try GreedySearch(options: options).search(alone, sources: [source]), [batchGreedy[b]],
                               "seed \(seed), sentence \(b): greedy")
            }
            // One scorer call per step for the whole batch: as many calls as its slowest sentence alone.
            XCTAssertEqual(batchSteps, longestAlone, "seed \(seed)")
            XCTAssertTrue(batchRowCounts.allSatisfy { $0 <= sources.count * options.beamSize }, "seed \(seed)")
        }
    }

    func testNBestListsAreSortedDistinctAndScoredAsDocumented() throws {
        for seed in UInt64(1)...60 {
            var generator = SplitMix(seed: seed)
            var options = randomOptions(&generator, beamSize: 5, nBest: 5)
            options.maxLengthOffset = 3
            options.coverageWeight = 0
            let scorer = randomScorer(seed: seed, &generator)
            let sources = randomSources(&generator, vocabularySize: scorer.vocabularySize)
            let lists = try BeamSearch(options: options).search(scorer, sources: sources)

            for (b, list) in lists.enumerated() {
                // A list is shorter than n-best only when fewer complete sequences exist at all.
                let words = scorer.vocabularySize - 4 + (options.allowUnknown ? 1 : 0)
                let maximum = options.maxLength(sourceLength: sources[b].count)
                let sequences = (min(options.minLength, maximum)...maximum).reduce(0.0) { $0 + pow(Double(words), Double($1)) }
                XCTAssertEqual(list.count, Int(min(5, sequences)), "seed \(seed), sentence \(b)")
                XCTAssertEqual(Set(list.map(\.tokens)).count, list.count, "seed \(seed): duplicates in \(list.map(\.tokens))")
                XCTAssertEqual(list.map(\.score), list.map(\.score).sorted(by: >), "seed \(seed): not sorted")
                for hypothesis in list {
                    XCTAssertFalse(hypothesis.tokens.contains(SpecialToken.end), "seed \(seed)")
                    XCTAssertEqual(hypothesis.logProbability, pathLogProbability(scorer.script, sources[b], hypothesis.tokens),
                                   "seed \(seed): log-probability is not the path's")
                    XCTAssertEqual(hypothesis.score, options.lengthPenalty.normalize(
                        logProbability: hypothesis.logProbability, length: hypothesis.tokens.count + 1), "seed \(seed)")
                }
            }
        }
    }

    func testAttentionRowsBelongToTheHypothesisPrefixes() throws {
        var generator = SplitMix(seed: 7)
        let options = SearchOptions(beamSize: 3, nBest: 3, keepAttention: true)
        let scorer = randomScorer(seed: 7, &generator)
        let sources: [[Int32]] = [[4, 4, 4], [], [4]]
        let attention = try XCTUnwrap(scorer.attentionScript)
        let beam = try BeamSearch(options: options).search(scorer, sources: sources)
        let greedy = try GreedySearch(options: options).search(scorer, sources: sources)
        for (b, hypotheses) in beam.enumerated() {
            for hypothesis in hypotheses + [greedy[b]] {
                let rows = try XCTUnwrap(hypothesis.attention)
                XCTAssertEqual(rows.count, hypothesis.tokens.count + 1)  // one per token, one for </s>
                for (t, row) in rows.enumerated() {
                    XCTAssertEqual(row, attention(sources[b], Array(hypothesis.tokens[..<t])), "sentence \(b), step \(t)")
                }
            }
        }
    }

    /// Σ log P of `tokens` then `</s>`, added in step order like search does.
    private func pathLogProbability(_ script: ScriptedScorer.Script, _ source: [Int32], _ tokens: [Int32]) -> Float {
        var total: Float = 0
        for t in 0...tokens.count {
            let next = t < tokens.count ? tokens[t] : SpecialToken.end
            total = total + script(source, Array(tokens[..<t]))[Int(next)]
        }
        return total
    }
}
