/// The reverse task: a line of tokens from a small alphabet; the target is the same tokens backwards.
/// A model that cannot learn this cannot learn anything (JoeyNMT and Sockeye use such smoke tasks).
enum ReverseTask {
    static let alphabet = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t"]

    /// `count` distinct source lines of `lengths` tokens each (distinct from every line in `avoid`).
    static func lines(count: Int, lengths: ClosedRange<Int> = 3...15, avoid: inout Set<String>,
                      rng: inout SplitMix64) -> [(source: String, target: String)] {
        var result: [(String, String)] = []
        while result.count < count {
            let length = rng.int(in: lengths)
            let tokens = (0..<length).map { _ in rng.pick(alphabet) }
            let source = tokens.joined(separator: " ")
            guard avoid.insert(source).inserted else { continue }
            result.append((source, tokens.reversed().joined(separator: " ")))
        }
        return result
    }
}
