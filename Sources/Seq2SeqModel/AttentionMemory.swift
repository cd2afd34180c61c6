import TensorKernels

/// The encoder memory seen by attention: M `[S·B, 2H]`, its keys K `[S·B, A]` (projected once per batch;
/// for Luong's dot score K is M itself), and the source lengths. Row r of a decoder step attends to
/// sentence `source[r]` of the batch, so beam rows can share one memory. What every score function does
/// with it (the masked softmax and the context) is in `AttentionMemory+Context.swift`.
public final class AttentionMemory {
    public let steps: Int, batch: Int, width: Int
    public let values: FloatBuffer  // M [S·B, 2H]
    public let keys: FloatBuffer  // K [S·B, A]
    public let lengths: [Int32]  // [B]

    init(steps: Int, batch: Int, width: Int, values: FloatBuffer, keys: FloatBuffer, lengths: [Int32]) {
        self.steps = steps; self.batch = batch; self.width = width
        self.values = values; self.keys = keys; self.lengths = lengths
    }

    /// Row `j` of sentence `b` in a `[S·B, ·]` buffer.
    @inline(__always) func row(_ j: Int, _ b: Int) -> Int { j * batch + b }
}
