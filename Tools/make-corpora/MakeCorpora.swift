import Foundation

/// `swift run make-corpora [ROOT]`: writes the shipped corpora under ROOT/corpora (ROOT defaults to the
/// current folder, the package root). Deterministic: the same files on every machine.
@main
struct MakeCorpora {
    static func main() throws {
        let root = CommandLine.arguments.dropFirst().first ?? "."
        try writeReverse(to: root + "/corpora/reverse")
        try writeReverse(to: root + "/corpora/reverse-long", lengths: 25...50, seed: 20261201,
                         counts: [("test", 200), ("valid", 200), ("train", 6_000)])
        try writeToyGerman(to: root + "/corpora/toy-en-de")
    }

    /// By default 10,000 / 200 / 200 lines of 3–15 tokens, no source line in two splits.
    static func writeReverse(to folder: String, lengths: ClosedRange<Int> = 3...15, seed: UInt64 = 20261122,
                             counts: [(String, Int)] = [("test", 200), ("valid", 200), ("train", 10_000)]) throws {
        var rng = SplitMix64(seed: seed)
        var seen = Set<String>()
        for (split, count) in counts {
            let pairs = ReverseTask.lines(count: count, lengths: lengths, avoid: &seen, rng: &rng)
            try write(pairs.map(\.source), to: "\(folder)/\(split).src")
            try write(pairs.map(\.target), to: "\(folder)/\(split).tgt")
        }
    }

    /// 20,000 / 500 / 500 pairs of 4–25 words on each side; no English sentence in two splits.
    static func writeToyGerman(to folder: String) throws {
        var grammar = ToyGrammar(rng: SplitMix64(seed: 1_2026_11_22))
        var seen = Set<String>()
        for (split, count) in [("test", 500), ("valid", 500), ("train", 20_000)] {
            var english: [String] = []
            var german: [String] = []
            while english.count < count {
                let pair = grammar.sentencePair()
                let lengths = [pair.english, pair.german].map { $0.split(separator: " ").count }
                guard lengths.allSatisfy({ (4...25).contains($0) }), seen.insert(pair.english).inserted else { continue }
                english.append(pair.english)
                german.append(pair.german)
            }
            try write(english, to: "\(folder)/\(split).en")
            try write(german, to: "\(folder)/\(split).de")
        }
    }

    static func write(_ lines: [String], to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(lines.count) lines to \(path)")
    }
}
