import XCTest
@testable import Decoding

/// On a tiny vocabulary the whole search space can be enumerated. A beam at least as wide as the number
/// of all sequences prunes nothing, so only the early-stopping rule can lose a hypothesis: the n-best list
/// must be exactly the best of all sequences, under every length penalty.
final class ExhaustiveSearchTests: XCTestCase {
    private let words: [Int32] = [4, 5, 6, 7]  // V = 8 with <unk> forbidden: 4 words
    private let maximumLength = 4               // 4 + 4² + 4³ + 4⁴ + 1 = 341 sequences

    func testWideBeamReturnsTheExactBestSequencesByEnumeration() throws {
        let penalties: [LengthPenalty] = [.disabled, .average(alpha: 1), .average(alpha: 2), .wu(alpha: 0.6), .wu(alpha: 3)]
        var stoppedEarly = 0  // runs that ended before the longest sequences were scored
        for seed in UInt64(1)...30 {
            for penalty in penalties {
                for (minLength, nBest) in [(0, 1), (0, 6), (2, 1), (2, 6)] {
                    // Even seeds: `</s>` grows likelier with length. Odd seeds: "late bloomers", where `</s>` is
                    // likely at once and at the maximum length but unlikely between, so a long output overtakes
                    // the short one only thanks to length normalization.
                    let longest = maximumLength
                    let endBias: (Int) -> Double = seed % 2 == 0
                        ? { 0.6 * Double($0) - 1 } : { $0 == 0 ? 3 : ($0 == longest ? 8 : -4) }
                    let script = Scripts.random(seed: seed, vocabularySize: 8, sharpness: seed % 2 == 0 ? 2 : 6,
                                                endBias: endBias)
                    let scorer = ScriptedScorer(vocabularySize: 8, script: script)
                    let options = SearchOptions(
                        beamSize: 341, nBest: nBest, lengthPenalty: penalty, maxLengthRatio: 0,
                        maxLengthOffset: maximumLength, minLength: minLength, allowUnknown: false)
                    let source: [Int32] = [Int32(seed % 4) + 4]
                    let found = try BeamSearch(options: options).search(scorer, sources: [source])[0]
                    let expected = enumerate(script, source: source, minLength: minLength, penalty: penalty)
                    let context = "seed \(seed), \(penalty), min length \(minLength), n-best \(nBest)"
                    XCTAssertEqual(found.map(\.tokens), expected.prefix(nBest).map(\.tokens), context)
                    XCTAssertEqual(found.map(\.score), expected.prefix(nBest).map(\.score), context)
                    if scorer.log.rowCounts.count <= maximumLength { stoppedEarly += 1 }
                }
            }
        }
        // The rule must have been exercised, or this test would not check it.
        XCTAssertGreaterThan(stoppedEarly, 0)
    }

    /// Every complete sequence of `words` (min length ≤ length ≤ maximum length), best score first.
    private func enumerate(_ script: ScriptedScorer.Script, source: [Int32], minLength: Int,
                           penalty: LengthPenalty) -> [Hypothesis] {
        var all: [Hypothesis] = []
        func visit(_ prefix: [Int32], _ logProbability: Float) {
            let next = script(source, prefix)
            if prefix.count >= minLength {
                let total = logProbability + next[Int(SpecialToken.end)]
                all.append(Hypothesis(tokens: prefix, logProbability: total,
                                      score: penalty.normalize(logProbability: total, length: prefix.count + 1)))
            }
            guard prefix.count < maximumLength else { return }
            for word in words { visit(prefix + [word], logProbability + next[Int(word)]) }
        }
        visit([], 0)
        XCTAssertEqual(all.count, (minLength...maximumLength).reduce(0) { $0 + Int(pow(4.0, Double($1))) })
        return all.sorted { $0.score > $1.score }
    }
}
