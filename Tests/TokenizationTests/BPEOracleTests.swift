import XCTest
import TestSupport
import Tokenization

/// The incremental learner against a plain one that recounts every pair at every step (STYLE.md habit 8:
/// the simple loop stays behind as the test oracle).
final class BPEOracleTests: XCTestCase {
    /// Recounts all pairs each step; ties by the same symbol numbering as `BPELearner`.
    func naiveMerges(_ wordCounts: [String: Int], merges: Int, minFrequency: Int) -> [BPEMerges.Pair] {
        let j = TokenMarkers.joiner
        func units(_ word: String) -> [String] {
            var units = word.map { String($0) }
            for i in 0..<max(0, units.count - 1) { units[i].append(j) }
            return units
        }
        var words = wordCounts.map { (units($0.key), $0.value) }
        var ids: [String: Int] = [:]
        for symbol in Set(words.flatMap(\.0)).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { ids[symbol] = ids.count }
        var result: [BPEMerges.Pair] = []
        while result.count < merges {
            var counts: [BPEMerges.Pair: Int] = [:]
            for (symbols, count) in words where symbols.count > 1 {
                for i in 0..<(symbols.count - 1) { counts[BPEMerges.Pair(symbols[i], symbols[i + 1]), default: 0] += count }
            }
            guard let best = counts.max(by: { a, b in
                if a.value != b.value { return a.value < b.value }
                return (ids[a.key.left]!, ids[a.key.right]!) > (ids[b.key.left]!, ids[b.key.right]!)
            }), best.value >= minFrequency else { break }
            let pair = best.key
            if ids[pair.merged] == nil { ids[pair.merged] = ids.count }
            result.append(pair)
            for w in words.indices {
                var symbols: [String] = []
                var i = 0
                let old = words[w].0
                while i < old.count {
                    if i + 1 < old.count && old[i] == pair.left && old[i + 1] == pair.right {
                        symbols.append(pair.merged)
                        i += 2
                    } else {
                        symbols.append(old[i])
                        i += 1
                    }
                }
                words[w].0 = symbols
            }
        }
        return result
    }

    func testIncrementalLearnerEqualsRecountingLearnerOnTheToyCorpus() throws {
        let path = RepositoryPaths.root.appendingPathComponent("corpora/toy-en-de/train.de").path
        let tokenizer = try Tokenizer()
        var learner = BPELearner()
        for line in try CorpusReader.readLines(path: path).prefix(3000) { learner.add(tokens: tokenizer.tokenize(line)) }
        let fast = learner.learn(merges: 400, minFrequency: 2).pairs
        XCTAssertEqual(fast.count, 400)
        XCTAssertEqual(fast, naiveMerges(learner.wordCounts, merges: 400, minFrequency: 2))
    }

    func testRepeatedSymbolsMergeLeftToRightLikeTheOracle() {
        var learner = BPELearner()
        for (word, count) in [("aaaa", 3), ("aaa", 2), ("abab", 2), ("ba", 1)] { learner.add(core: word, count: count) }
        let fast = learner.learn(merges: 20, minFrequency: 1).pairs
        XCTAssertEqual(fast, naiveMerges(learner.wordCounts, merges: 20, minFrequency: 1))
        XCTAssertGreaterThan(fast.count, 3)
    }
}
