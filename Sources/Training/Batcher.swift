import TensorKernels
import Seq2SeqModel

/// One sentence pair as ids, without `<s>`/`</s>`.
public struct ParallelExample: Sendable, Equatable {
    public var source: [Int32]
    public var target: [Int32]
    public init(source: [Int32], target: [Int32]) { self.source = source; self.target = target }
}

/// Groups examples into batches of similar length within a token budget, reproducibly from a seed.
///
/// Per epoch: shuffle all examples (seed, epoch), cut the shuffled list into pools of about 64 batches,
/// sort each pool by length so padding stays small, cut pools into batches whose padded size
/// B · max(S, T + 1) stays within the budget, then shuffle the batch order.
public struct Batcher: Sendable {
    public let examples: [ParallelExample]
    /// Pairs left out because a side was longer than `maxLength` (or the target was empty of tokens and the source too).
    public let filtered: Int
    public let batchTokens: Int
    public let batchSentences: Int

    public init(examples: [ParallelExample], maxLength: Int, batchTokens: Int, batchSentences: Int) {
        let kept = examples.filter { $0.source.count <= maxLength && $0.target.count <= maxLength }
        self.examples = kept
        filtered = examples.count - kept.count
        self.batchTokens = batchTokens
        self.batchSentences = batchSentences
    }

    /// The batches of `epoch`, as indices into `examples`.
    public func batches(epoch: Int, seed: UInt64) -> [[Int]] {
        var generator = SeededGenerator(seed: seed &+ 0x5151 &* UInt64(epoch + 1))
        var order = Array(examples.indices)
        shuffle(&order, &generator)
        let poolSize = 64 * max(batchSentences > 0 ? batchSentences : batchTokens / 16, 1)
        var result: [[Int]] = []
        var start = 0
        while start < order.count {
            let pool = order[start..<min(start + poolSize, order.count)].sorted {
                let a = examples[$0], b = examples[$1]
                return (a.target.count, a.source.count, $0) < (b.target.count, b.source.count, $1)
            }
            result += cut(pool)
            start += poolSize
        }
        shuffle(&result, &generator)
        return result
    }

    private func cut(_ sorted: [Int]) -> [[Int]] {
        var batches: [[Int]] = [], current: [Int] = [], longest = 0
        for index in sorted {
            let e = examples[index]
            let size = max(e.source.count, e.target.count + 1)
            let newLongest = max(longest, size)
            let full = batchSentences > 0 ? current.count >= batchSentences : newLongest * (current.count + 1) > batchTokens
            if full && !current.isEmpty {
                batches.append(current)
                current = []
                longest = 0
            }
            current.append(index)
            longest = max(longest, size)
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// The real target positions (with `</s>`) of the batch of `indices`, as `Batch.targetTokens` counts them.
    public func targetTokens(_ indices: [Int]) -> Int {
        indices.reduce(0) { $0 + examples[$1].target.count + 1 }
    }

    public func batch(_ indices: [Int]) -> Batch {
        Batch(sources: indices.map { examples[$0].source }, targets: indices.map { examples[$0].target })
    }

    private func shuffle<T>(_ items: inout [T], _ generator: inout SeededGenerator) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, generator.nextIndex(below: i + 1))
        }
    }
}
