import XCTest
@testable import Decoding

/// `PrefixForcingScorer`: every output starts with its sentence's prefix, in greedy and beam search alike.
final class PrefixForcingTests: XCTestCase {
    private let vocabularySize = 9

    /// Random prefixes of 0–6 ids from `<unk>` and the words (never `<pad>`, `<s>` or `</s>`).
    private func randomPrefixes(_ count: Int, _ generator: inout SplitMix) -> [[Int32]] {
        (0..<count).map { _ in
            (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                let word = Int32.random(in: 3..<Int32(vocabularySize), using: &generator)
                return word == 3 ? SpecialToken.unknown : word
            }
        }
    }

    func testThePrefixIsAlwaysReproducedByGreedyAndBeamSearch() throws {
        var generator = SplitMix(seed: 5)
        for seed in 0..<30 as Range<UInt64> {
            let base = ScriptedScorer(vocabularySize: vocabularySize, script: Scripts.random(seed: seed, vocabularySize: vocabularySize))
            let sources = randomSources(&generator, vocabularySize: vocabularySize)
            let prefixes = randomPrefixes(sources.count, &generator)
            let forcing = PrefixForcingScorer(base: base, prefixes: prefixes)
            // A short length limit: ⌊0.5 · S⌋ + 1 tokens, less than many prefixes; the prefix does not count.
            let options = SearchOptions(beamSize: 3, nBest: 3, maxLengthRatio: 0.5, maxLengthOffset: 1)
            let lengths = prefixes.map(\.count)
            let greedy = try GreedySearch(options: options).search(forcing, sources: sources, prefixLengths: lengths)
            let beam = try BeamSearch(options: options).search(forcing, sources: sources, prefixLengths: lengths)
            for b in sources.indices {
                let limit = options.maxLength(sourceLength: sources[b].count) + prefixes[b].count
                XCTAssertTrue(greedy[b].tokens.starts(with: prefixes[b]), "seed \(seed), sentence \(b): \(greedy[b].tokens)")
                XCTAssertLessThanOrEqual(greedy[b].tokens.count, limit, "seed \(seed)")
                XCTAssertTrue(greedy[b].logProbability.isFinite, "seed \(seed)")
                let best = try XCTUnwrap(beam[b].first, "seed \(seed)")
                XCTAssertTrue(best.tokens.starts(with: prefixes[b]), "seed \(seed), sentence \(b): \(best.tokens)")
                XCTAssertTrue(best.logProbability.isFinite, "seed \(seed)")
                XCTAssertLessThanOrEqual(best.tokens.count, limit, "seed \(seed)")
                // Every finite hypothesis of the n-best list starts with the prefix; the others are impossible ones.
                for hypothesis in beam[b] where hypothesis.logProbability.isFinite {
                    XCTAssertTrue(hypothesis.tokens.starts(with: prefixes[b]), "seed \(seed)")
                }
            }
        }
    }

    /// Empty prefixes force nothing: the same hypotheses and scores as the scorer alone.
    func testEmptyPrefixesChangeNothing() throws {
        var generator = SplitMix(seed: 8)
        for seed in 0..<20 as Range<UInt64> {
            let base = ScriptedScorer(vocabularySize: vocabularySize, script: Scripts.random(seed: seed, vocabularySize: vocabularySize))
            let sources = randomSources(&generator, vocabularySize: vocabularySize)
            let forcing = PrefixForcingScorer(base: base, prefixes: sources.map { _ in [] })
            let options = SearchOptions(beamSize: 3, nBest: 2)
            let none = sources.map { _ in 0 }
            XCTAssertEqual(try BeamSearch(options: options).search(forcing, sources: sources, prefixLengths: none),
                           try BeamSearch(options: options).search(base, sources: sources), "seed \(seed)")
            XCTAssertEqual(try GreedySearch(options: options).search(forcing, sources: sources, prefixLengths: none),
                           try GreedySearch(options: options).search(base, sources: sources), "seed \(seed)")
        }
    }

    /// A forced `<unk>` needs search to visit `<unk>`; the scorer forbids it after the prefix when asked to.
    func testAForcedUnknownIsReproducedAndForbiddenAfterThePrefix() throws {
        // `<unk>` is the likeliest token everywhere.
        let likesUnknown: ScriptedScorer.Script = { _, prefix in logSoftmax([0, 6, 0, prefix.count > 4 ? 8 : -2, 1, 0.5]) }
        let base = ScriptedScorer(vocabularySize: 6, script: likesUnknown)
        let forcing = PrefixForcingScorer(base: base, prefixes: [[SpecialToken.unknown, 5]], allowUnknownAfterPrefix: false)
        let options = SearchOptions(beamSize: 2, allowUnknown: true)
        let greedy = try GreedySearch(options: options).search(forcing, sources: [[4, 4]], prefixLengths: [2])[0]
        let beam = try BeamSearch(options: options).search(forcing, sources: [[4, 4]], prefixLengths: [2])[0][0]
        for hypothesis in [greedy, beam] {
            XCTAssertEqual(Array(hypothesis.tokens.prefix(2)), [SpecialToken.unknown, 5])
            XCTAssertFalse(hypothesis.tokens.dropFirst(2).contains(SpecialToken.unknown), "\(hypothesis.tokens)")
            XCTAssertGreaterThan(hypothesis.tokens.count, 2)
        }
    }

    func testMismatchedPrefixCountsThrow() {
        let base = ScriptedScorer(vocabularySize: 6, script: Scripts.random(seed: 1, vocabularySize: 6))
        XCTAssertThrowsError(try GreedySearch().search(PrefixForcingScorer(base: base, prefixes: [[4]]), sources: [[4], [5]]))
        XCTAssertThrowsError(try BeamSearch().search(base, sources: [[4], [5]], prefixLengths: [1]))
    }
}
