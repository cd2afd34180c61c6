import TensorKernels

/// Luong's multiplicative attention (Luong et al. 2015) with the decoder's current state h_t as the query:
///     general:  e_j = h_tᵀ W_a M_j, computed as h_t · K_j with K = M·W_k (W_k `[2H, D]`, once per batch)
///     dot:      e_j = h_t · M_j (needs D = 2H; K is M itself, no parameters)
/// then α and ctx as in `AttentionMemory`. The attentional hidden layer ã_t = tanh([ctx_t; h_t]·W_c) and
/// input feeding are the decoder's, shared with Bahdanau attention.
public struct LuongAttention: AttentionMechanism {
    let wk: ParameterView?  // [2H, D], general only
    let size: Int  // A = D: the query is h itself
    var queryWeight: ParameterView? { nil }

    static func shapes(_ c: ModelConfiguration) -> [(String, Int, Int)] {
        c.attention == .luongGeneral ? [("attention.wk", 2 * c.encoderHidden, c.decoderHidden)] : []
    }

    init(store: ParameterStore, configuration c: ModelConfiguration) {
        precondition(c.attention != .luongDot || c.decoderHidden == 2 * c.encoderHidden,
                     "luong_dot needs decoder_hidden (\(c.decoderHidden)) = 2 × encoder_hidden (\(c.encoderHidden))")
        wk = c.attention == .luongGeneral ? store.view("attention.wk") : nil
        size = c.decoderHidden
    }

    /// general: K = M·W_k; dot: K = M.
    func memory(_ store: ParameterStore, values: FloatBuffer, steps S: Int, batch B: Int, lengths: [Int32]) -> AttentionMemory {
        let W = wk?.rows ?? size  // 2H
        guard let wk else { return AttentionMemory(steps: S, batch: B, width: W, values: values, keys: values, lengths: lengths) }
        let keys = FloatBuffer(count: S * B * size)
        GEMM.multiply(m: S * B, n: size, k: W, a: values.pointer, lda: W, b: store.value(wk), ldb: size,
                      c: keys.pointer, ldc: size)
        return AttentionMemory(steps: S, batch: B, width: W, values: values, keys: keys, lengths: lengths)
    }

    /// q = h; e_j = q · K_j for the real positions, then softmax and context (arguments as in
    /// `AttentionMechanism.forward`).
    func forward(_ store: ParameterStore, memory m: AttentionMemory, rows R: Int, state: UnsafePointer<Float>,
                 source: UnsafePointer<Int32>, query: UnsafeMutablePointer<Float>, alpha: UnsafeMutablePointer<Float>,
                 context: UnsafeMutablePointer<Float>, contextStride: Int) {
        let A = size, S = m.steps
        query.update(from: state, count: R * A)
        for r in 0..<R {
            let b = Int(source[r]), q = query + r * A, scores = alpha + r * S
            for j in 0..<Int(m.lengths[b]) { scores[j] = Reductions.dot(q, m.keys.pointer + m.row(j, b) * A, count: A) }
        }
        m.softmaxAndContext(rows: R, source: source, alpha: alpha, context: context, contextStride: contextStride)
    }

    /// With de from `AttentionMemory`: dq = Σ_j de_j K_j, dK_j += de_j q; then dh += dq (q = h).
    func backward(_ store: ParameterStore, memory m: AttentionMemory, rows R: Int, query: UnsafePointer<Float>,
                  source: UnsafePointer<Int32>, alpha: UnsafePointer<Float>,
                  dContext: UnsafePointer<Float>, dContextStride: Int, dQuery: UnsafeMutablePointer<Float>,
                  queryProduct: BackwardProduct?, dState: UnsafeMutablePointer<Float>, dKeys: UnsafeMutablePointer<Float>, dValues: UnsafeMutablePointer<Float>) {
        let A = size
        m.backwardScores(rows: R, size: A, query: query, source: source, alpha: alpha, dContext: dContext,
                         dContextStride: dContextStride, dQuery: dQuery, dKeys: dKeys, dValues: dValues) { q, k0, dq, dk0, de, n in
            for j in 0..<n {
                let k = k0 + j * m.batch * A, dk = dk0 + j * m.batch * A
                for a in 0..<A { dq[a] += de[j] * k[a]; dk[a] += de[j] * q[a] }
            }
        }
        Rows.add(dQuery, into: dState, count: R * A)
    }

    /// The query has no weights, so only the keys' projection: general: dW_k += Mᵀ·dK, dM += dK·W_kᵀ; dot: dM += dK.
    func backwardBatch(_ store: ParameterStore, memory m: AttentionMemory, rows: Int, states: UnsafePointer<Float>,
                       dQueries: UnsafePointer<Float>, dKeys: FloatBuffer, dValues: FloatBuffer) {
        let W = m.width, N = m.steps * m.batch
        guard let wk else { Rows.add(dKeys.pointer, into: dValues.pointer, count: N * W); return }
        GEMM.multiply(transposeA: true, m: W, n: size, k: N, a: m.values.pointer, lda: W, b: dKeys.pointer, ldb: size,
                      beta: 1, c: store.gradient(wk), ldc: size)
        GEMM.multiply(transposeB: true, m: N, n: W, k: size, a: dKeys.pointer, lda: size, b: store.value(wk), ldb: size,
                      beta: 1, c: dValues.pointer, ldc: W)
    }
}
