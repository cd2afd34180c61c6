import TensorKernels

/// Bahdanau (additive) attention over the encoder memory M `[S·B, 2H]`:
///     K = M·U + b_k                       (keys, projected once per batch: `[S·B, A]`)
///     q = s·W                             (query from the decoder state s: `[R, A]`)
///     e_j = vᵀ tanh(q + K_j)              α = softmax over the real positions j < len (padding gets 0)
///     ctx = Σ_j α_j M_j                   (`[R, 2H]`)
/// Row r of a step attends to sentence `source[r]` of the batch, so beam rows can share one memory.
public struct BahdanauAttention: Sendable {
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

    /// The memory seen by attention: M, its keys K, and the source lengths.
    public final class Memory {
        public let steps: Int, batch: Int, width: Int
        public let values: FloatBuffer  // M [S·B, 2H]
        public let keys: FloatBuffer  // K [S·B, A]
        public let lengths: [Int32]  // [B]

        init(steps: Int, batch: Int, width: Int, values: FloatBuffer, keys: FloatBuffer, lengths: [Int32]) {
            self.steps = steps; self.batch = batch; self.width = width
            self.values = values; self.keys = keys; self.lengths = lengths
        }
    }

    /// K = M·U + b_k, once per batch.
    func memory(_ store: ParameterStore, values: FloatBuffer, steps S: Int, batch B: Int, lengths: [Int32]) -> Memory {
        let A = size, W = uk.rows
        let keys = FloatBuffer(count: S * B * A)
        Rows.broadcast(store.value(bk), rows: S * B, columns: A, into: keys.pointer, ld: A)
        GEMM.multiply(m: S * B, n: A, k: W, a: values.pointer, lda: W, b: store.value(uk), ldb: A, beta: 1,
                      c: keys.pointer, ldc: A)
        return Memory(steps: S, batch: B, width: W, values: values, keys: keys, lengths: lengths)
    }

    /// One step for R rows.
    /// - Parameters:
    ///   - query: `[R, A]` q = s·W, computed by the caller
    ///   - source: `[R]` the batch sentence of each row
    ///   - alpha: `[R, S]` attention weights (written)
    ///   - context: `[R, ≥2H]` with leading dimension `contextStride` (columns 0..<2H written)
    func forward(_ store: ParameterStore, memory m: Memory, rows R: Int, query: UnsafePointer<Float>,
                 source: UnsafePointer<Int32>, alpha: UnsafeMutablePointer<Float>,
                 context: UnsafeMutablePointer<Float>, contextStride: Int) {
        let A = size, S = m.steps, B = m.batch, W = m.width, vv = store.value(v)
        var lengths = [Int32](repeating: 0, count: R)
        let u = UnsafeMutablePointer<Float>.allocate(capacity: A)
        defer { u.deallocate() }
        for r in 0..<R {
            let b = Int(source[r]), n = Int(m.lengths[b]), q = query + r * A, scores = alpha + r * S
            lengths[r] = Int32(n)
            for j in 0..<n {
                let k = m.keys.pointer + (j * B + b) * A
                for a in 0..<A { u[a] = FastMath.tanh(q[a] + k[a]) }
                scores[j] = Reductions.dot(vv, u, count: A)
            }
        }
        lengths.withUnsafeBufferPointer {
            SoftmaxKernel.maskedSoftmax(rows: R, columns: S, stride: S, scores: alpha, lengths: $0.baseAddress!)
        }
        for r in 0..<R {
            let b = Int(source[r]), ctx = context + r * contextStride, weights = alpha + r * S
            for i in 0..<W { ctx[i] = 0 }
            for j in 0..<Int(m.lengths[b]) {
                let row = m.values.pointer + (j * B + b) * W, w = weights[j]
                for i in 0..<W { ctx[i] += w * row[i] }
            }
        }
    }

    /// Backward of one step. With u_j = tanh(q + K_j) recomputed:
    ///     dα_j = dctx·M_j        de_j = α_j (dα_j − Σ_k α_k dα_k)        dM_j += α_j dctx
    ///     dv += Σ_j de_j u_j     dq += Σ_j de_j v ⊙ (1 − u_j²)          dK_j += de_j v ⊙ (1 − u_j²)
    /// - Parameters:
    ///   - dContext: `[R, ≥2H]` leading dimension `dContextStride`
    ///   - dQuery: `[R, A]` written
    ///   - dKeys: `[S·B, A]`, dValues: `[S·B, 2H]` accumulated
    func backward(_ store: ParameterStore, memory m: Memory, rows R: Int, query: UnsafePointer<Float>,
                  source: UnsafePointer<Int32>, alpha: UnsafePointer<Float>,
                  dContext: UnsafePointer<Float>, dContextStride: Int, dQuery: UnsafeMutablePointer<Float>,
                  dKeys: UnsafeMutablePointer<Float>, dValues: UnsafeMutablePointer<Float>) {
        let A = size, S = m.steps, B = m.batch, W = m.width, vv = store.value(v), dv = store.gradient(v)
        var dAlpha = [Float](repeating: 0, count: S)
        for r in 0..<R {
            let b = Int(source[r]), n = Int(m.lengths[b]), weights = alpha + r * S, dctx = dContext + r * dContextStride
            let q = query + r * A, dq = dQuery + r * A
            for a in 0..<A { dq[a] = 0 }
            var weighted: Float = 0
            for j in 0..<n {
                let row = m.values.pointer + (j * B + b) * W, dRow = dValues + (j * B + b) * W, w = weights[j]
                let d = Reductions.dot(dctx, row, count: W)
                for i in 0..<W { dRow[i] += w * dctx[i] }
                dAlpha[j] = d
                weighted += w * d
            }
            for j in 0..<n {
                let de = weights[j] * (dAlpha[j] - weighted)
                let k = m.keys.pointer + (j * B + b) * A, dk = dKeys + (j * B + b) * A
                for a in 0..<A {
                    let u = FastMath.tanh(q[a] + k[a])
                    let dPre = de * vv[a] * (1 - u * u)
                    dv[a] += de * u
                    dq[a] += dPre
                    dk[a] += dPre
                }
            }
        }
    }

    /// dU += Mᵀ·dK, db_k += Σ dK, dM += dK·Uᵀ: the keys' projection, once per batch.
    func backwardKeys(_ store: ParameterStore, memory m: Memory, dKeys: FloatBuffer, dValues: FloatBuffer) {
        let A = size, W = m.width, N = m.steps * m.batch
        GEMM.multiply(transposeA: true, m: W, n: A, k: N, a: m.values.pointer, lda: W, b: dKeys.pointer, ldb: A,
                      beta: 1, c: store.gradient(uk), ldc: A)
        Rows.addColumnSums(dKeys.pointer, rows: N, columns: A, ld: A, into: store.gradient(bk))
        GEMM.multiply(transposeB: true, m: N, n: W, k: A, a: dKeys.pointer, lda: A, b: store.value(uk), ldb: A,
                      beta: 1, c: dValues.pointer, ldc: W)
    }
}
