import Tokenization
#if canImport(Glibc)
import Glibc
#endif

/// `swift run -c release tokenization-bench FILE [FILE2]`: timings for BENCHMARKS.md, never assertions
/// (STYLE.md habit 8). Tokenize and detokenize throughput on FILE (best of 5 passes, in process, file
/// already in memory), then BPE learning time for 10,000 merges over FILE and FILE2 together.
@main
struct TokenizationBench {
    static func main() throws {
        let files = Array(CommandLine.arguments.dropFirst())
        guard let first = files.first else {
            print("usage: tokenization-bench FILE [FILE2]")
            exit(2)
        }
        let lines = try CorpusReader.readLines(path: first)
        let megabytes = Double(lines.reduce(0) { $0 + $1.utf8.count + 1 }) / 1e6
        let tokenizer = try Tokenizer()
        var tokenized: [[String]] = []
        let tokenizeSeconds = best(of: 5) { tokenized = lines.map { tokenizer.tokenize($0) } }
        let tokenCount = tokenized.reduce(0) { $0 + $1.count }
        print("tokenize   \(first): \(lines.count) lines, \(fmt(megabytes)) MB, \(tokenCount) tokens: "
              + "\(fmt(tokenizeSeconds)) s = \(fmt(megabytes / tokenizeSeconds)) MB/s")
        var back: [String] = []
        let detokenizeSeconds = best(of: 5) { back = tokenized.map { Tokenizer.detokenize($0) } }
        print("detokenize: \(fmt(detokenizeSeconds)) s = \(fmt(megabytes / detokenizeSeconds)) MB/s (round trip exact: \(back == lines))")

        var learner = BPELearner()
        for path in files {
            for line in try CorpusReader.readLines(path: path) { learner.add(tokens: tokenizer.tokenize(line)) }
        }
        var merges = BPEMerges(pairs: [])
        let learnSeconds = best(of: 3) { merges = learner.learn(merges: 10_000, minFrequency: 2) }
        print("BPE learn  \(files.joined(separator: " + ")): \(learner.wordCounts.count) distinct words, "
              + "\(merges.pairs.count) merges in \(fmt(learnSeconds)) s")
        var pieces = 0
        let applySeconds = best(of: 3) {
            let encoder = BytePairEncoder(merges: merges)
            pieces = tokenized.reduce(0) { $0 + encoder.apply($1).count }
        }
        print("BPE apply  \(first): \(pieces) subwords in \(fmt(applySeconds)) s = \(fmt(megabytes / applySeconds)) MB/s (cold cache)")
    }

    static func best(of runs: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var bestSeconds = Double.infinity
        for _ in 0..<runs {
            let start = clock.now
            body()
            let elapsed = clock.now - start
            bestSeconds = min(bestSeconds, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        return bestSeconds
    }

    static func fmt(_ x: Double) -> String {
        let scaled = (x * 100).rounded() / 100
        return String(scaled)
    }
}
