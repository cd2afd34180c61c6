import TensorKernels

/// The LSTM decoder with Bahdanau attention and input feeding. At target step t, for each row:
///     x_t  = E[y_{t−1}]                                     (target embedding, after dropout)
///     z_t  = x_t·Wx + b + [ã_{t−1}; h_{t−1}]·Wr              (input feeding: ã_{t−1}; ã₋₁ = 0)
///     (c_t, h_t) = LSTMCell(z_t, c_{t−1})
///     ctx_t = Attention(query h_t, memory M)
///     a_t  = tanh([ctx_t; h_t]·Wc + b_c)                     (the attentional vector)
///     ã_t  = dropout(a_t)                                    (feeds the output layer and step t+1)
/// The decoder starts from the bridge's (h₀, c₀). The same `stepCore` serves teacher forcing and search.
public struct AttentionDecoder: Sendable {
    let embedding: Embedding
    let wx: ParameterView  // [E, 4D]
    let wr: ParameterView  // [(D if input feeding) + D, 4D]
    let bias: ParameterView  // [1, 4D]
    let wc: ParameterView  // [2H + D, D]
    let bc: ParameterView  // [1, D]
    let attention: BahdanauAttention
    let output: OutputLayer
    let hidden: Int  // D
    let inputFeeding: Bool

    static func shapes(_ c: ModelConfiguration) -> [(String, Int, Int)] {
        let D = c.decoderHidden
        return [("target.embedding", c.targetVocabularySize, c.embedding), ("decoder.wx", c.embedding, 4 * D),
                ("decoder.wr", c.recurrentInput, 4 * D), ("decoder.b", 1, 4 * D),
                ("decoder.wc", 2 * c.encoderHidden + D, D), ("decoder.bc", 1, D)]
            + BahdanauAttention.shapes(c) + OutputLayer.shapes(c)
    }

    init(store: ParameterStore, configuration c: ModelConfiguration) {
        embedding = Embedding(table: store.view("target.embedding"))
        wx = store.view("decoder.wx"); wr = store.view("decoder.wr"); bias = store.view("decoder.b")
        wc = store.view("decoder.wc"); bc = store.view("decoder.bc")
        attention = BahdanauAttention(store: store)
        output = OutputLayer(store: store, tied: c.tieEmbeddings)
        hidden = c.decoderHidden
        inputFeeding = c.inputFeeding
    }

    var recurrentWidth: Int { wr.rows }
    var zWidth: Int { wc.rows }  // 2H + D

    /// Buffers of one step for R rows (views into the per-batch cache in training).
    struct StepBuffers {
        let gates: UnsafeMutablePointer<Float>  // [R, 4D]: in: b + x·Wx; out: activations
        let recurrent: UnsafeMutablePointer<Float>  // [R, rw]: [ã_{t−1}; h_{t−1}]
        let cPrev: UnsafeMutablePointer<Float>  // [R, D]
        let cNew: UnsafeMutablePointer<Float>  // [R, D]
        let hNew: UnsafeMutablePointer<Float>  // [R, D]
        let query: UnsafeMutablePointer<Float>  // [R, A]
        let alpha: UnsafeMutablePointer<Float>  // [R, S]
        let z: UnsafeMutablePointer<Float>  // [R, 2H + D]: [ctx; h]
        let a: UnsafeMutablePointer<Float>  // [R, D]
    }

    /// One decoder step after the input projection: recurrent product, cell, attention, attentional vector.
    func stepCore(_ store: ParameterStore, rows R: Int, memory: BahdanauAttention.Memory, source: UnsafePointer<Int32>,
                  _ s: StepBuffers) {
        let D = hidden, A = attention.size, W = memory.width, Z = zWidth
        GEMM.multiply(m: R, n: 4 * D, k: recurrentWidth, a: s.recurrent, lda: recurrentWidth, b: store.value(wr),
                      ldb: 4 * D, beta: 1, c: s.gates, ldc: 4 * D)
        let hPrev = s.recurrent + (inputFeeding ? D : 0)  // read only for masked rows; none here
        LSTMCellKernel.forward(batch: R, hidden: D, gates: s.gates, cPrev: s.cPrev, hPrev: hPrev, c: s.cNew, h: s.hNew, mask: nil)
        GEMM.multiply(m: R, n: A, k: D, a: s.hNew, lda: D, b: store.value(attention.wq), ldb: A, c: s.query, ldc: A)
        attention.forward(store, memory: memory, rows: R, query: s.query, source: source, alpha: s.alpha,
                          context: s.z, contextStride: Z)
        Rows.copy(s.hNew, ldSource: D, into: s.z + W, ldDestination: Z, rows: R, columns: D)
        Rows.broadcast(store.value(bc), rows: R, columns: D, into: s.a, ld: D)
        GEMM.multiply(m: R, n: D, k: Z, a: s.z, lda: Z, b: store.value(wc), ldb: D, beta: 1, c: s.a, ldc: D)
        for i in 0..<(R * D) { s.a[i] = FastMath.tanh(s.a[i]) }
    }

    /// Fills `[ã_{t−1}; h_{t−1}]` rows.
    func fillRecurrent(rows R: Int, previousA: UnsafePointer<Float>?, previousH: UnsafePointer<Float>,
                       into recurrent: UnsafeMutablePointer<Float>) {
        let D = hidden, rw = recurrentWidth
        for r in 0..<R {
            let row = recurrent + r * rw
            if inputFeeding {
                if let previousA { row.update(from: previousA + r * D, count: D) } else { row.update(repeating: 0, count: D) }
                (row + D).update(from: previousH + r * D, count: D)
            } else {
                row.update(from: previousH + r * D, count: D)
            }
        }
    }
}
