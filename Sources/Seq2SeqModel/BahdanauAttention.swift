import TensorKernels

/// Bahdanau (additive) attention over the encoder memory M `[S·B, 2H]`:
///     K = M·U + b_k                       (keys, projected once per batch: `[S·B, A]`)
///     q = h·W                             (query from the decoder state h: `[R, A]`)
///     e_j = vᵀ tanh(q + K_j)              then α and ctx as in `AttentionMemory`
public struct BahdanauAttention: AttentionMechanism {
    let wq: ParameterView  // [D, A]
    let uk: ParameterView  // [2H, A]
    let bk: ParameterView  // [1, A]
    let v: ParameterView  // [1, A]

    static func shapes(_ c: ModelConfiguration) -> [(String, Int, Int)] {
        [("attention.wq", c.decoderHidden, c.attentionSize), ("attention.uk", 2 * c.encoderHidden, c.attentionSize),
         ("attention.bk", 1, c.attentionSize), ("attention.v", 1, c.attentionSize)]
    }

    init(store: ParameterStore) {
        wq = store.view("attention.wq"); uk = store.view("attention.uk")
        bk = store.view("attention.bk"); v = store.view("attention.v")
    }

    var size: Int { v.columns }
    var queryWeight: ParameterView? { wq }

    /// K = M·U + b_k, once per batch.
    func memory(_ store: ParameterStore, values: FloatBuffer, steps S: Int, batch B: Int, lengths: [Int32]) -> AttentionMemory {
        let A = size, W = uk.rows
        let keys = FloatBuffer(count: S * B * A)
        Rows.broadcast(store.value(bk), rows: S * B, columns: A, into: keys.pointer, ld: A)
        GEMM.multiply(m: S * B, n: A, k: W, a: values.pointer, lda: W, b: store.value(uk), ldb: A, beta: 1,
                      c: keys.pointer, ldc: A)
        return AttentionMemory(steps: S, batch: B, width: W, values: values, keys: keys, lengths: lengths)
    }

    /// One step for R rows (arguments as in `AttentionMechanism.forward`): q = h·W, then the scores.
    func forward(_ store: ParameterStore, memory m: AttentionMemory, rows R: Int, state: UnsafePointer<Float>,
                 source: UnsafePointer<Int32>, query: UnsafeMutablePointer<Float>, alpha: UnsafeMutablePointer<Float>,
                 context: UnsafeMutablePointer<Float>, contextStride: Int) {
        let A = size, S = m.steps, vv = store.value(v)
        GEMM.multiply(m: R, n: A, k: wq.rows, a: state, lda: wq.rows, b: store.value(wq), ldb: A, c: query, ldc: A)
        for r in 0..<R {
            // e_j = vᵀ tanh(q + K_j) for j < len, by the C kernel (`AttentionKernels.additiveScores`)
            let b = Int(source[r])
            AttentionKernels.additiveScores(length: Int(m.lengths[b]), size: A, query: query + r * A,
                                            keys: m.keys.pointer + m.row(0, b) * A, keyStride: m.batch * A, v: vv,
                                            scores: alpha + r * S)
        }
        m.softmaxAndContext(rows: R, source: source, alpha: alpha, context: context, contextStride: contextStride)
    }

    /// Backward of one step. With de from `AttentionMemory` and u_j = tanh(q + K_j) recomputed:
    ///     dv += Σ_j de_j u_j     dq += Σ_j de_j v ⊙ (1 − u_j²)          dK_j += de_j v ⊙ (1 − u_j²)
    /// then dh += dq·Wᵀ (arguments as in `AttentionMechanism.backward`).
    func backward(_ store: ParameterStore, memory m: AttentionMemory, rows R: Int, query: UnsafePointer<Float>,
                  source: UnsafePointer<Int32>, alpha: UnsafePointer<Float>,
                  dContext: UnsafePointer<Float>, dContextStride: Int, dQuery: UnsafeMutablePointer<Float>,
                  queryProduct: BackwardProduct?, dState: UnsafeMutablePointer<Float>, dKeys: UnsafeMutablePointer<Float>, dValues: UnsafeMutablePointer<Float>) {
        let A = size, vv = store.value(v), dv = store.gradient(v)
        m.backwardScores(rows: R, size: A, query: query, source: source, alpha: alpha, dContext: dContext,
                         dContextStride: dContextStride, dQuery: dQuery, dKeys: dKeys, dValues: dValues) { q, k, dq, dk, de, n in
            AttentionKernels.additiveBackward(length: n, size: A, query: q, keys: k, keyStride: m.batch * A, v: vv,
                                              dScores: de, dQuery: dq, dKeys: dk, dV: dv)
        }
        guard let queryProduct else { preconditionFailure("Bahdanau attention's backward without its prepared query product") }
        queryProduct.multiply(store, rows: R, a: dQuery, lda: A, beta: 1, c: dState, ldc: wq.rows)
    }

    /// dW += hᵀ·dq over all query rows; then the keys' projection: dU += Mᵀ·dK, db_k += Σ dK, dM += dK·Uᵀ.
    func backwardBatch(_ store: ParameterStore, memory m: AttentionMemory, rows: Int, states: UnsafePointer<Float>,
                       dQueries: UnsafePointer<Float>, dKeys: FloatBuffer, dValues: FloatBuffer) {
        GEMM.multiply(transposeA: true, m: wq.rows, n: size, k: rows, a: states, lda: wq.rows, b: dQueries, ldb: size,
                      beta: 1, c: store.gradient(wq), ldc: size)
        let A = size, W = m.width, N = m.steps * m.batch
        GEMM.multiply(transposeA: true, m: W, n: A, k: N, a: m.values.pointer, lda: W, b: dKeys.pointer, ldb: A,
                      beta: 1, c: store.gradient(uk), ldc: A)
        Rows.addColumnSums(dKeys.pointer, rows: N, columns: A, ld: A, into: store.gradient(bk))
        GEMM.multiply(transposeB: true, m: N, n: W, k: A, a: dKeys.pointer, lda: A, b: store.value(uk), ldb: A,
                      beta: 1, c: dValues.pointer, ldc: W)
    }
}
