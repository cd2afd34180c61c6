import TensorKernels

/// The recurrent decoder (LSTM, GRU or RNN cell) with attention and input feeding. At target step t, for each row:
///     x_t  = E[y_{t−1}]                                     (target embedding, after dropout)
///     z_t  = x_t·Wx + b + [ã_{t−1}; h_{t−1}]·Wr              (input feeding: ã_{t−1}; ã₋₁ = 0)
///     (c_t, h_t) = LSTMCell(z_t, c_{t−1})                    (GRU: the h_{t−1} rows of Wr, plus b_h, form its
///                                                            separate recurrent input; RNN: h_t = tanh(z_t))
///     ctx_t = Attention(query from h_t, memory M)            (Bahdanau, Luong general / dot; none: no ctx)
///     a_t  = tanh([ctx_t; h_t]·Wc + b_c)                     (the attentional vector)
///     ã_t  = dropout(a_t)                                    (feeds the output layer and step t+1)
/// The decoder starts from the bridge's (h₀, c₀). The same `step` serves teacher forcing, scheduled sampling and search.
public struct AttentionDecoder: Sendable {
    let embedding: Embedding
    let wx: ParameterView  // [E, G·D]  (G gate blocks: 4 LSTM, 3 GRU, 1 RNN)
    let product: RecurrentProduct  // Wr [(D if input feeding) + D, G·D] (and b_h for GRU)
    let bias: ParameterView  // [1, G·D]
    let wc: ParameterView  // [2H + D, D] ([D, D] without attention)
    let bc: ParameterView  // [1, D]
    let attention: (any AttentionMechanism)?  // nil: `model.attention: none`
    let output: OutputLayer
    let hidden: Int  // D
    let inputFeeding: Bool
    let cell: RecurrentCell

    static func shapes(_ c: ModelConfiguration) -> [(String, Int, Int)] {
        let D = c.decoderHidden, G = c.cell.gateCount * D
        return [("target.embedding", c.targetVocabularySize, c.embedding), ("decoder.wx", c.embedding, G),
                ("decoder.wr", c.recurrentInput, G), ("decoder.b", 1, G)]
            + (c.cell.separateRecurrent ? [("decoder.bh", 1, G)] : [])
            + [("decoder.wc", c.contextWidth + D, D), ("decoder.bc", 1, D)]
            + attentionShapes(c) + OutputLayer.shapes(c)
    }

    init(store: ParameterStore, configuration c: ModelConfiguration) {
        embedding = Embedding(table: store.view("target.embedding"))
        wx = store.view("decoder.wx"); bias = store.view("decoder.b")
        product = RecurrentProduct(weight: store.view("decoder.wr"), cell: c.cell, inputColumns: c.inputFeeding ? c.decoderHidden : 0,
                                   recurrentBias: store.view("decoder.bh"))
        wc = store.view("decoder.wc"); bc = store.view("decoder.bc")
        attention = makeAttention(store: store, configuration: c)
        output = OutputLayer(store: store, tied: c.tieEmbeddings)
        hidden = c.decoderHidden
        inputFeeding = c.inputFeeding
        cell = c.cell
    }

    /// The cell's own start values of the bias (`RecurrentCell.initializeBias`).
    func initializeBias(_ store: ParameterStore, forgetBias: Float) {
        cell.initializeBias(store.value(bias), hidden: hidden, forgetBias: forgetBias)
    }

    var recurrentWidth: Int { product.width }
    var gateWidth: Int { product.gateWidth }  // G·D
    var zWidth: Int { wc.rows }  // 2H + D (D without attention)
    var attentionSize: Int { attention?.size ?? 0 }  // A (0 without attention)

    /// The memory attention reads, made once per batch from the encoder's M `[S·B, 2H]` (its keys projected);
    /// without attention, a memory of width 0: the context occupies no columns of z.
    func memory(_ store: ParameterStore, values: FloatBuffer, steps S: Int, batch B: Int, lengths: [Int32]) -> AttentionMemory {
        attention?.memory(store, values: values, steps: S, batch: B, lengths: lengths)
            ?? AttentionMemory(steps: S, batch: B, width: 0, values: values, keys: values, lengths: lengths)
    }

    /// Buffers of one step for R rows (views into the per-batch cache in training).
    struct StepBuffers {
        let gates: UnsafeMutablePointer<Float>  // [R, G·D]: in: b + x·Wx; out: activations
        let recurrent: UnsafeMutablePointer<Float>  // [R, rw]: [ã_{t−1}; h_{t−1}]
        let cell: CellStep  // the cell's own part: LSTM c_{t−1} → c_t, GRU b_h + h_{t−1}·W_h [R, 3D]
        let hPrev: UnsafePointer<Float>  // [R, D] h_{t−1} (the same values as in `recurrent`, contiguous)
        let hNew: UnsafeMutablePointer<Float>  // [R, D]
        let query: UnsafeMutablePointer<Float>  // [R, A]
        let alpha: UnsafeMutablePointer<Float>  // [R, S]
        let z: UnsafeMutablePointer<Float>  // [R, 2H + D]: [ctx; h]
        let a: UnsafeMutablePointer<Float>  // [R, D]
    }

    /// The input projection of R rows: gates = b + x·Wx for x `[R, E]`. Teacher forcing projects all T·B
    /// rows of a batch at once, scheduled sampling the rows it re-feeds, search each step's rows.
    func inputProjection(_ store: ParameterStore, rows R: Int, x: UnsafePointer<Float>, into gates: UnsafeMutablePointer<Float>) {
        let G = gateWidth, E = embedding.table.columns
        Rows.broadcast(store.value(bias), rows: R, columns: G, into: gates, ld: G)
        GEMM.multiply(m: R, n: G, k: E, a: x, lda: E, b: store.value(wx), ldb: G, beta: 1, c: gates, ldc: G)
    }

    /// The decoder step, after its input projection, for R rows: the one definition that teacher forcing,
    /// scheduled sampling and search share. Reads `s.gates` (b + x·Wx), ã_{t−1} (`previousA`, nil at the
    /// first step: zero), `s.hPrev` and the cell's own inputs; writes the recurrent input, the cell's state, the query,
    /// α, z = [ctx; h] and a = tanh(z·Wc + b_c).
    /// - Parameters:
    ///   - recurrentWeight: `product.prepared(store)`, made once per batch
    ///   - combineWeight: how Wc is read (`.stored` in training; reduced with `--precision int8` or `bf16`)
    func step(_ store: ParameterStore, rows R: Int, memory: AttentionMemory, source: UnsafePointer<Int32>,
              recurrentWeight: PreparedWeight, combineWeight: PreparedWeight = .stored, previousA: UnsafePointer<Float>?,
              _ s: StepBuffers) {
        let D = hidden, W = memory.width, Z = zWidth
        fillRecurrent(rows: R, previousA: previousA, previousH: s.hPrev, into: s.recurrent)
        product.forward(store, weight: recurrentWeight, rows: R, input: s.recurrent, ld: recurrentWidth, gates: s.gates,
                        step: s.cell)
        s.cell.forward(batch: R, hidden: D, gates: s.gates, hPrev: s.hPrev, h: s.hNew, mask: nil)
        attention?.forward(store, memory: memory, rows: R, state: s.hNew, source: source, query: s.query, alpha: s.alpha,
                           context: s.z, contextStride: Z)
        Rows.copy(s.hNew, ldSource: D, into: s.z + W, ldDestination: Z, rows: R, columns: D)
        Rows.broadcast(store.value(bc), rows: R, columns: D, into: s.a, ld: D)
        combineWeight.multiplyAdd(store, view: wc, rows: R, input: s.z, ld: Z, into: s.a, ldc: D)
        FastMath.tanh(count: R * D, values: s.a)
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
