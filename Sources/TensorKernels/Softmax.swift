import CKernels

/// Softmax-family kernels, one pass per row.
public enum SoftmaxKernel {
    /// Softmax of each row over its first `lengths[r]` entries; entries past that get exactly 0.
    /// - Parameters:
    ///   - scores: `[R, S]`, row stride `stride`; replaced by the probabilities
    ///   - lengths: `[R]` the number of valid entries per row (≥ 1 for a real row; 0 gives an all-zero row)
    public static func maskedSoftmax(rows: Int, columns: Int, stride: Int, scores: UnsafeMutablePointer<Float>,
                                     lengths: UnsafePointer<Int32>) {
        for r in 0..<rows {
            let row = scores + r * stride
            let n = Int(lengths[r])
            precondition(n <= columns, "maskedSoftmax: length \(n) exceeds \(columns) columns")
            var best = -Float.infinity
            for j in 0..<n { best = max(best, row[j]) }
            var sum: Float = 0
            for j in 0..<n { let e = FastMath.exp(row[j] - best); row[j] = e; sum += e }
            let inverse = n > 0 ? 1 / sum : 0
            for j in 0..<n { row[j] *= inverse }
            for j in n..<columns { row[j] = 0 }
        }
    }

    /// Log-softmax fused with label-smoothed cross-entropy, and its gradient, in one pass per row.
    ///
    /// With p = softmax(z) and the smoothed target q = (1 − ε)·onehot(y) + ε/V, the loss of a row is
    /// L = −Σⱼ qⱼ log pⱼ and ∂L/∂z = p − q. Rows whose target is `ignoreIndex` (padding) have loss 0 and
    /// gradient 0.
    /// - Parameters:
    ///   - logits: `[N, V]`; replaced by `scale · ∂L/∂logits` when `writeGradient` (else used as scratch)
    ///   - targets: `[N]` gold ids
    /// - Returns: the summed smoothed loss, the summed negative log-likelihood of the gold tokens (for
    ///   perplexity), the number of counted rows, and how many rows had the gold token as their argmax.
    ///
    /// By the C kernel on both cores (`nmt_cross_entropy`); `referenceCrossEntropy` is its oracle.
    public static func crossEntropy(rows: Int, vocabulary V: Int, logits: UnsafeMutablePointer<Float>,
                                    targets: UnsafePointer<Int32>, ignoreIndex: Int32, smoothing: Float,
                                    scale: Float, writeGradient: Bool)
        -> (loss: Double, nll: Double, tokens: Int, correct: Int)
    {
        var loss = 0.0, nll = 0.0, tokens: Int64 = 0, correct: Int64 = 0
        nmt_cross_entropy(Int64(rows), Int64(V), logits, targets, ignoreIndex, smoothing, scale, writeGradient ? 1 : 0,
                          &loss, &nll, &tokens, &correct)
        return (loss, nll, Int(tokens), Int(correct))
    }

    /// The same loss and gradient in Swift, one row at a time (arguments as in `crossEntropy`).
    public static func referenceCrossEntropy(rows: Int, vocabulary V: Int, logits: UnsafeMutablePointer<Float>,
                                             targets: UnsafePointer<Int32>, ignoreIndex: Int32, smoothing: Float,
                                             scale: Float, writeGradient: Bool)
        -> (loss: Double, nll: Double, tokens: Int, correct: Int)
    {
        var loss = 0.0, nll = 0.0, tokens = 0, correct = 0
        let uniform = smoothing / Float(V)
        for r in 0..<rows {
            let row = logits + r * V
            let gold = Int(targets[r])
            if targets[r] == ignoreIndex {
                if writeGradient { row.update(repeating: 0, count: V) }
                continue
            }
            let best = Reductions.maximum(row, count: V)
            let sumLogits = Reductions.sum(row, count: V)
            let goldLogit = row[gold]
            for j in 0..<V { row[j] = FastMath.exp(row[j] - best) }  // row now holds e^(z − max)
            let sum = Reductions.sum(row, count: V)
            let logZ = best + FastMath.log(sum)
            let goldLogProb = goldLogit - logZ
            // Σⱼ qⱼ log pⱼ = (1 − ε) log p_y + (ε/V) Σⱼ (zⱼ − log Z)
            let meanLogProb = sumLogits / Float(V) - logZ
            loss -= Double((1 - smoothing) * goldLogProb + smoothing * meanLogProb)
            nll -= Double(goldLogProb)
            tokens += 1
            if goldLogit >= best { correct += 1 }
            if writeGradient {
                let factor = scale / sum, offset = scale * uniform
                for j in 0..<V { row[j] = row[j] * factor - offset }
                row[gold] -= scale * (1 - smoothing)
            }
        }
        return (loss, nll, tokens, correct)
    }

    /// Log-softmax of each row in place (decoding), by the C kernel compiled for this CPU (`nmt_log_softmax`).
    /// - Parameter values: `[N, V]`
    @inlinable
    public static func logSoftmax(rows: Int, vocabulary V: Int, values: UnsafeMutablePointer<Float>) {
        nmt_log_softmax(Int64(rows), Int64(V), Int64(V), values)
    }

    /// The same log-softmax in Swift: the oracle of the C kernel.
    public static func portableLogSoftmax(rows: Int, vocabulary V: Int, values: UnsafeMutablePointer<Float>,
                                  scratch: UnsafeMutablePointer<Float>? = nil) {
        let work = scratch ?? UnsafeMutablePointer<Float>.allocate(capacity: V)
        defer { if scratch == nil { work.deallocate() } }
        for r in 0..<rows {
            let row = values + r * V
            let best = Reductions.maximum(row, count: V)
            for j in 0..<V { work[j] = FastMath.exp(row[j] - best) }
            let logZ = best + FastMath.log(Reductions.sum(work, count: V))
            for j in 0..<V { row[j] -= logZ }
        }
    }
}
