/// Batches of sentences of similar length, and the way back to input order (ARCHITECTURE.md,
/// "Performance shape": decoding batches sentences sorted by length and restores input order).
///
/// Similar lengths waste less work on padding in the encoder and let a batch's sentences finish at about
/// the same step. Longest first, so a sentence too long for memory shows up in the first batch.
public enum LengthBatching {
    /// Input indices grouped into batches of at most `batchSize`, by decreasing length; equal lengths keep
    /// input order. Every index appears exactly once.
    /// - Parameters:
    ///   - lengths: [N] sentence lengths (tokens).
    ///   - batchSize: sentences per batch, ≥ 1.
    /// - Returns: [⌈N / batchSize⌉][≤ batchSize] input indices.
    public static func batches(lengths: [Int], batchSize: Int) -> [[Int]] {
        precondition(batchSize >= 1, "batch size must be ≥ 1, got \(batchSize)")
        let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        return stride(from: 0, to: order.count, by: batchSize).map {
            Array(order[$0..<min($0 + batchSize, order.count)])
        }
    }

    /// Puts per-batch results back in input order.
    /// - Parameters:
    ///   - results: [batches][≤ batchSize] results, in the order of `batches`.
    ///   - batches: the indices `batches(lengths:batchSize:)` returned.
    /// - Returns: [N] results, element i for input sentence i.
    public static func inputOrder<T>(_ results: [[T]], batches: [[Int]]) -> [T] {
        precondition(results.map(\.count) == batches.map(\.count),
                     "result counts \(results.map(\.count)) do not match batch sizes \(batches.map(\.count))")
        var slots = [T?](repeating: nil, count: batches.reduce(0) { $0 + $1.count })
        for (batch, indices) in zip(results, batches) {
            for (result, index) in zip(batch, indices) { slots[index] = result }
        }
        return slots.map { slot in
            guard let slot else { preconditionFailure("batches must hold every index 0..<N exactly once") }
            return slot
        }
    }
}
