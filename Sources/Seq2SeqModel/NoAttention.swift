import TensorKernels

/// `model.attention: none`: the plain encoder–decoder (Sutskever et al. 2014, Cho et al. 2014). The decoder
/// sees the source only through the bridge's first state, so everything it needs must travel through the
/// recurrence: the setting in which gradients to early source tokens vanish. The attentional vector becomes
/// ã_t = tanh(h_t·W_c + b_c) (no context columns), and input feeding carries it as before.
struct NoAttention: AttentionMechanism {
    var size: Int { 0 }

    static func shapes(_ c: ModelConfiguration) -> [(String, Int, Int)] { [] }

    /// A memory of width 0: the context occupies no columns of z, and no keys are projected.
    func memory(_ store: ParameterStore, values: FloatBuffer, steps: Int, batch: Int, lengths: [Int32]) -> AttentionMemory {
        AttentionMemory(steps: steps, batch: batch, width: 0, values: values, keys: values, lengths: lengths)
    }

    func query(_ store: ParameterStore, rows: Int, state: UnsafePointer<Float>, into query: UnsafeMutablePointer<Float>) {}

    /// Writes no context; the weights stay 0 (search is told the model has none, see `ModelScorer`).
    func forward(_ store: ParameterStore, memory: AttentionMemory, rows: Int, query: UnsafePointer<Float>,
                 source: UnsafePointer<Int32>, alpha: UnsafeMutablePointer<Float>,
                 context: UnsafeMutablePointer<Float>, contextStride: Int) {}

    func backward(_ store: ParameterStore, memory: AttentionMemory, rows: Int, query: UnsafePointer<Float>,
                  source: UnsafePointer<Int32>, alpha: UnsafePointer<Float>, dContext: UnsafePointer<Float>,
                  dContextStride: Int, dQuery: UnsafeMutablePointer<Float>, dKeys: UnsafeMutablePointer<Float>,
                  dValues: UnsafeMutablePointer<Float>) {}

    func backwardQuery(_ store: ParameterStore, rows: Int, dQuery: UnsafePointer<Float>, dState: UnsafeMutablePointer<Float>) {}

    func queryWeightGradients(_ store: ParameterStore, rows: Int, states: UnsafePointer<Float>, dQueries: UnsafePointer<Float>) {}

    func backwardKeys(_ store: ParameterStore, memory: AttentionMemory, dKeys: FloatBuffer, dValues: FloatBuffer) {}
}
