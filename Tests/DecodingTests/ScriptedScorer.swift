import Foundation
@testable import Decoding

/// A `Scorer` whose log-probabilities are a fixed function of (source, prefix): the test knows every
/// score search can see, and the answer does not depend on batching or row order.
/// It also checks the search's side of the protocol (rows and `previous` tokens consistent with the
/// state) and logs how many rows each step ran.
struct ScriptedScorer: Scorer {
    /// log P(· | source, prefix): [V]. `prefix` holds the output tokens so far, without `<s>`.
    typealias Script = (_ source: [Int32], _ prefix: [Int32]) -> [Float]
    /// Attention over the source after `prefix`: [S].
    typealias AttentionScript = (_ source: [Int32], _ prefix: [Int32]) -> [Float]

    struct Row {
        var sentence: Int
        var consumed: [Int32] = []  // every `previous` token fed so far, starting with <s>
    }

    struct State {
        var sources: [[Int32]]
        var rows: [Row]
    }

    final class StepLog {
        var rowCounts: [Int] = []  // [steps] rows per step call
        var reorders: [[Int]] = []
    }

    struct ContractViolation: Error, CustomStringConvertible { var description: String }

    let vocabularySize: Int
    let script: Script
    var attentionScript: AttentionScript?
    let log = StepLog()
    /// Columns added to each attention row beyond the longest source, filled with 9 (search must ignore them).
    static let extraAttentionColumns = 2

    init(vocabularySize: Int, script: @escaping Script, attentionScript: AttentionScript? = nil) {
        self.vocabularySize = vocabularySize
        self.script = script
        self.attentionScript = attentionScript
    }

    func start(sources: [[Int32]]) throws -> State {
        State(sources: sources, rows: sources.indices.map { Row(sentence: $0) })
    }

    func step(_ state: State, previous: [Int32], sentences: [Int]) throws -> (output: ScorerOutput, next: State) {
        guard previous.count == state.rows.count, sentences == state.rows.map(\.sentence) else {
            throw ContractViolation(description: "rows \(state.rows.map(\.sentence)) but sentences \(sentences)")
        }
        var next = state
        var logProbabilities: [Float] = []
        var attention: [Float] = []
        let width = (state.sources.map(\.count).max() ?? 0) + Self.extraAttentionColumns
        for r in state.rows.indices {
            let consumed = state.rows[r].consumed
            let valid = consumed.isEmpty
                ? previous[r] == SpecialToken.beginning
                : previous[r] != SpecialToken.beginning && consumed.last != SpecialToken.end
            guard valid else {
                throw ContractViolation(description: "row \(r): previous \(previous[r]) after \(consumed)")
            }
            next.rows[r].consumed.append(previous[r])
            let prefix = Array(next.rows[r].consumed.dropFirst())
            let source = state.sources[state.rows[r].sentence]
            let row = script(source, prefix)
            guard row.count == vocabularySize else { throw ContractViolation(description: "script row of \(row.count)") }
            logProbabilities += row
            if let attentionScript {
                let weights = attentionScript(source, prefix)
                attention += weights + [Float](repeating: 9, count: width - weights.count)
            }
        }
        log.rowCounts.append(state.rows.count)
        let hasAttention = attentionScript != nil
        return (ScorerOutput(logProbabilities: logProbabilities, attention: hasAttention ? attention : nil,
                             attentionWidth: hasAttention ? width : 0), next)
    }

    func reorder(_ state: State, rows: [Int]) -> State {
        log.reorders.append(rows)
        return State(sources: state.sources, rows: rows.map { state.rows[$0] })
    }
}

// MARK: - Scripts

/// SplitMix64: a seedable generator (the system one cannot be seeded), also used as a hash.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A number in [0, 1) determined by `seed` and `values` alone.
func hashUnit(seed: UInt64, _ values: [Int32]) -> Double {
    var generator = SplitMix(seed: seed)
    var h = generator.next()
    for value in values {
        generator = SplitMix(seed: h ^ UInt64(UInt32(bitPattern: value)))
        h = generator.next()
    }
    return Double(h >> 11) / Double(1 << 53)
}

/// log-softmax of `logits`, computed in Double: [V] → [V], every entry ≤ 0.
func logSoftmax(_ logits: [Double]) -> [Float] {
    let largest = logits.max() ?? 0
    let logSum = log(logits.reduce(0) { $0 + exp($1 - largest) })
    return logits.map { Float(min($0 - largest - logSum, 0)) }
}

enum Scripts {
    /// Pseudo-random log-probabilities per (source, prefix), logits uniform in ±sharpness; `</s>`'s logit gets
    /// `endBias(prefix length)` added, by default 0.6 · length - 1 so that it grows likelier with length.
    static func random(seed: UInt64, vocabularySize: Int, sharpness: Double = 3,
                       endBias: @escaping (Int) -> Double = { 0.6 * Double($0) - 1 }) -> ScriptedScorer.Script {
        { source, prefix in
            let context = source + [-1] + prefix
            var logits = (0..<vocabularySize).map { v in
                sharpness * (2 * hashUnit(seed: seed, context + [Int32(v)]) - 1)
            }
            logits[Int(SpecialToken.end)] += endBias(prefix.count)
            return logSoftmax(logits)
        }
    }

    /// Pseudo-random attention over the source per (source, prefix), summing to 1: [S].
    static func randomAttention(seed: UInt64) -> ScriptedScorer.AttentionScript {
        { source, prefix in
            let logits = source.indices.map { 4 * hashUnit(seed: seed &+ 1, source + [-2] + prefix + [Int32($0)]) }
            return logSoftmax(logits).map { exp($0) }
        }
    }

    /// A table: `table[prefix]` gives probabilities of some tokens; every other token gets weight 1e-6,
    /// then the row is normalized. Prefixes not in the table are uniform.
    static func table(_ table: [[Int32]: [Int32: Double]], vocabularySize: Int) -> ScriptedScorer.Script {
        { _, prefix in
            guard let entries = table[prefix] else { return logSoftmax([Double](repeating: 0, count: vocabularySize)) }
            var weights = [Double](repeating: 1e-6, count: vocabularySize)
            for (token, p) in entries { weights[Int(token)] = p }
            return logSoftmax(weights.map { log($0) })
        }
    }
}

/// A random batch of sources: 1–4 sentences of 0–5 word ids in 4..<vocabularySize.
func randomSources(_ generator: inout SplitMix, vocabularySize: Int, count: ClosedRange<Int> = 1...4) -> [[Int32]] {
    (0..<Int.random(in: count, using: &generator)).map { _ in
        (0..<Int.random(in: 0...5, using: &generator)).map { _ in
            Int32.random(in: 4..<Int32(vocabularySize), using: &generator)
        }
    }
}
