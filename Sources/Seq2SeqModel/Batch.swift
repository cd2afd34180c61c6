/// A padded, time-major batch: row t·B + b holds sentence b at time t; padding is id 0.
public struct Batch: Sendable {
    public let batchSize: Int  // B
    public let sourceSteps: Int  // S (at least 1, so an all-empty batch still has a shape)
    public let targetSteps: Int  // T
    public let sourceIds: [Int32]  // [S·B]
    public let sourceLengths: [Int32]  // [B]
    public let targetInput: [Int32]  // [T·B]: <s> y₁ … y_n
    public let targetOutput: [Int32]  // [T·B]: y₁ … y_n </s>
    public let targetTokens: Int  // real target positions (with </s>)

    /// - Parameters: sources, targets: B sentences of ids without `<s>`/`</s>`
    public init(sources: [[Int32]], targets: [[Int32]]) {
        precondition(sources.count == targets.count, "batch of \(sources.count) sources and \(targets.count) targets")
        let B = sources.count
        let S = max(1, sources.map(\.count).max() ?? 0)
        let T = (targets.map(\.count).max() ?? 0) + 1
        var src = [Int32](repeating: SpecialTokens.pad, count: S * B)
        var tin = [Int32](repeating: SpecialTokens.pad, count: T * B)
        var tout = tin
        for b in 0..<B {
            for (t, id) in sources[b].enumerated() { src[t * B + b] = id }
            tin[b] = SpecialTokens.bos
            for (t, id) in targets[b].enumerated() {
                tin[(t + 1) * B + b] = id
                tout[t * B + b] = id
            }
            tout[targets[b].count * B + b] = SpecialTokens.eos
        }
        batchSize = B
        sourceSteps = S
        targetSteps = T
        sourceIds = src
        sourceLengths = sources.map { Int32($0.count) }
        targetInput = tin
        targetOutput = tout
        targetTokens = targets.reduce(0) { $0 + $1.count + 1 }
    }
}
