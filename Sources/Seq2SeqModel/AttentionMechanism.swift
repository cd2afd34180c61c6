import TensorKernels

/// How attention scores the source positions for a decoder state h_t (`model.attention`): the keys,
/// once per batch; each step's scores and context; and the backward of both. The decoder calls
/// `memory` once, `forward` each step, then `backward` each step in reverse and `backwardBatch` once.
/// A model without attention has no mechanism (`AttentionScore.none`).
protocol AttentionMechanism: Sendable {
    /// The width of a query row (A): the decoder keeps every step's queries for backward.
    var size: Int { get }
    /// The weight of the per-step query projection (`[D, A]`), whose backward product the decoder prepares
    /// once per batch (`BackwardProduct`); nil when the query is the state itself.
    var queryWeight: ParameterView? { get }
    /// K from M, once per batch.
    func memory(_ store: ParameterStore, values: FloatBuffer, steps: Int, batch: Int, lengths: [Int32]) -> AttentionMemory
    /// One step for R rows: the query from the decoder state, the scores, α and the context.
    /// - Parameters:
    ///   - state: `[R, D]` the decoder state h_t
    ///   - source: `[R]` the batch sentence of each row
    ///   - query: `[R, A]` written (backward reads it)
    ///   - alpha: `[R, S]` attention weights (written)
    ///   - context: `[R, ≥2H]` with leading dimension `contextStride` (columns 0..<2H written)
    func forward(_ store: ParameterStore, memory: AttentionMemory, rows: Int, state: UnsafePointer<Float>,
                 source: UnsafePointer<Int32>, query: UnsafeMutablePointer<Float>, alpha: UnsafeMutablePointer<Float>,
                 context: UnsafeMutablePointer<Float>, contextStride: Int)
    /// Backward of `forward` for R rows.
    /// - Parameters:
    ///   - dContext: `[R, ≥2H]` leading dimension `dContextStride`
    ///   - dQuery: `[R, A]` written (kept for `backwardBatch`)
    ///   - queryProduct: `queryWeight` prepared for backward (nil when `queryWeight` is)
    ///   - dState: `[R, D]` accumulated: the query's part of the gradient of h_t
    ///   - dKeys: `[S·B, A]`, dValues: `[S·B, 2H]` accumulated
    func backward(_ store: ParameterStore, memory: AttentionMemory, rows: Int, query: UnsafePointer<Float>,
                  source: UnsafePointer<Int32>, alpha: UnsafePointer<Float>, dContext: UnsafePointer<Float>,
                  dContextStride: Int, dQuery: UnsafeMutablePointer<Float>, queryProduct: BackwardProduct?,
                  dState: UnsafeMutablePointer<Float>, dKeys: UnsafeMutablePointer<Float>, dValues: UnsafeMutablePointer<Float>)
    /// The backward done once per batch, over all N query rows: the query weights' gradient from the
    /// states `[N, D]` and dQueries `[N, A]`, and the keys' projection (dValues `[S·B, 2H]` accumulated).
    func backwardBatch(_ store: ParameterStore, memory: AttentionMemory, rows: Int, states: UnsafePointer<Float>,
                       dQueries: UnsafePointer<Float>, dKeys: FloatBuffer, dValues: FloatBuffer)
}
