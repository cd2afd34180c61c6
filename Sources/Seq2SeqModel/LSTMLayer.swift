import TensorKernels

/// One direction of one LSTM layer over a padded, time-major batch (row t·B + b is sentence b at time t).
///
///     z_t = x_t·Wx + b + h_{t−1}·Wh          (x_t·Wx + b for all t in one GEMM; h·Wh per step)
///     (c_t, h_t) = LSTMCell(z_t, c_{t−1})   (LSTMCellKernel; a padded position keeps the state)
///     y_t = mask_t · h_t
/// A reverse layer walks t = S−1 … 0: its state stays at h₀ (zero) through the trailing padding.
public struct LSTMLayer: Sendable {
    public let wx: ParameterView  // [In, 4H]
    public let wh: ParameterView  // [H, 4H]
    public let bias: ParameterView  // [1, 4H]
    public let input: Int
    public let hidden: Int
    public let reverse: Bool

    public init(store: ParameterStore, prefix: String, input: Int, hidden: Int, reverse: Bool) {
        wx = store.view(prefix + ".wx")
        wh = store.view(prefix + ".wh")
        bias = store.view(prefix + ".b")
        self.input = input
        self.hidden = hidden
        self.reverse = reverse
    }

    public static func shapes(prefix: String, input: Int, hidden: Int) -> [(String, Int, Int)] {
        [(prefix + ".wx", input, 4 * hidden), (prefix + ".wh", hidden, 4 * hidden), (prefix + ".b", 1, 4 * hidden)]
    }

    /// What forward keeps for backward. All `[S·B, ·]` in time order.
    public final class Cache {
        public let steps: Int, batch: Int
        let gates: FloatBuffer  // [S·B, 4H] activations
        let hPrev: FloatBuffer  // [S·B, H] the state each step read
        let cPrev: FloatBuffer  // [S·B, H]
        let cNew: FloatBuffer  // [S·B, H] the state each step wrote
        let hNew: FloatBuffer  // [S·B, H]
        let mask: FloatBuffer?  // [S·B]

        init(steps: Int, batch: Int, hidden: Int, mask: FloatBuffer?) {
            self.steps = steps
            self.batch = batch
            gates = FloatBuffer(count: steps * batch * 4 * hidden)
            hPrev = FloatBuffer(count: steps * batch * hidden)
            cPrev = FloatBuffer(count: steps * batch * hidden)
            cNew = FloatBuffer(count: steps * batch * hidden)
            hNew = FloatBuffer(count: steps * batch * hidden)
            self.mask = mask
        }
    }

    /// The time index of processing step k.
    @inline(__always) func time(_ k: Int, _ steps: Int) -> Int { reverse ? steps - 1 - k : k }

    /// - Parameters:
    ///   - x: `[S·B, In]`
    ///   - mask: `[S·B]` 1 real, 0 padding; nil: all real
    ///   - h0, c0: `[B, H]` initial state; nil: zeros
    ///   - output: `[S·B, ≥H]` with leading dimension `outputStride`; y_t is written at columns 0..<H
    /// - Returns: the cache; `finalState` gives the last state.
    public func forward(_ store: ParameterStore, x: UnsafePointer<Float>, steps S: Int, batch B: Int,
                        mask: FloatBuffer?, h0: UnsafePointer<Float>?, c0: UnsafePointer<Float>?,
                        output: UnsafeMutablePointer<Float>, outputStride: Int) -> Cache {
        let H = hidden
        let cache = Cache(steps: S, batch: B, hidden: H, mask: mask)
        let zeros = FloatBuffer(count: B * H)
        Rows.broadcast(store.value(bias), rows: S * B, columns: 4 * H, into: cache.gates.pointer, ld: 4 * H)
        GEMM.multiply(m: S * B, n: 4 * H, k: input, a: x, lda: input, b: store.value(wx), ldb: 4 * H,
                      beta: 1, c: cache.gates.pointer, ldc: 4 * H)
        var hp = UnsafePointer(h0 ?? UnsafePointer(zeros.pointer))
        var cp = UnsafePointer(c0 ?? UnsafePointer(zeros.pointer))
        for k in 0..<S {
            let t = time(k, S)
            let rowsAt = t * B
            cache.hPrev.row(rowsAt, columns: H).update(from: hp, count: B * H)
            cache.cPrev.row(rowsAt, columns: H).update(from: cp, count: B * H)
            let g = cache.gates.row(rowsAt, columns: 4 * H)
            GEMM.multiply(m: B, n: 4 * H, k: H, a: hp, lda: H, b: store.value(wh), ldb: 4 * H, beta: 1, c: g, ldc: 4 * H)
            let cn = cache.cNew.row(rowsAt, columns: H), hn = cache.hNew.row(rowsAt, columns: H)
            LSTMCellKernel.forward(batch: B, hidden: H, gates: g, cPrev: cp, hPrev: hp, c: cn, h: hn,
                                   mask: mask.map { UnsafePointer($0.pointer + rowsAt) })
            for b in 0..<B {
                let y = output + (rowsAt + b) * outputStride, h = hn + b * H
                let m: Float = mask.map { $0[rowsAt + b] } ?? 1
                for j in 0..<H { y[j] = m * h[j] }
            }
            hp = UnsafePointer(hn)
            cp = UnsafePointer(cn)
        }
        return cache
    }

    /// The state after the last processed step: `[B, H]` pointers into the cache.
    public func finalState(_ cache: Cache) -> (h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>) {
        let t = time(cache.steps - 1, cache.steps)
        return (cache.hNew.row(t * cache.batch, columns: hidden), cache.cNew.row(t * cache.batch, columns: hidden))
    }

    /// Backward of `forward`: accumulates into the gradients of Wx, Wh and b; writes dx.
    /// - Parameters:
    ///   - x: `[S·B, In]` the input forward read
    ///   - dOutput: `[S·B, ≥H]` gradient of y, leading dimension `dOutputStride`
    ///   - dhFinal, dcFinal: `[B, H]` gradient reaching the final state; nil: none
    ///   - dx: `[S·B, In]` written
    ///   - dh0, dc0: `[B, H]` gradient for the initial state, written when given
    public func backward(_ store: ParameterStore, cache: Cache, x: UnsafePointer<Float>,
                         dOutput: UnsafePointer<Float>, dOutputStride: Int,
                         dhFinal: UnsafePointer<Float>?, dcFinal: UnsafePointer<Float>?,
                         dx: UnsafeMutablePointer<Float>,
                         dh0: UnsafeMutablePointer<Float>?, dc0: UnsafeMutablePointer<Float>?) {
        let H = hidden, S = cache.steps, B = cache.batch
        let dGates = FloatBuffer(count: S * B * 4 * H)
        let dh = FloatBuffer(count: B * H), dc = FloatBuffer(count: B * H), carry = FloatBuffer(count: B * H)
        if let dhFinal { carry.pointer.update(from: dhFinal, count: B * H) }
        if let dcFinal { dc.pointer.update(from: dcFinal, count: B * H) }
        for k in stride(from: S - 1, through: 0, by: -1) {
            let t = time(k, S), rowsAt = t * B
            // dh = carried gradient + mask · dy_t
            for b in 0..<B {
                let m: Float = cache.mask.map { $0[rowsAt + b] } ?? 1
                let dy = dOutput + (rowsAt + b) * dOutputStride, d = dh.pointer + b * H, c = carry.pointer + b * H
                for j in 0..<H { d[j] = c[j] + m * dy[j] }
            }
            let dg = dGates.row(rowsAt, columns: 4 * H)
            LSTMCellKernel.backward(batch: B, hidden: H, gates: cache.gates.row(rowsAt, columns: 4 * H),
                                    cPrev: cache.cPrev.row(rowsAt, columns: H), c: cache.cNew.row(rowsAt, columns: H),
                                    mask: cache.mask.map { UnsafePointer($0.pointer + rowsAt) }, dh: dh.pointer,
                                    dc: dc.pointer, dGates: dg, dhPass: carry.pointer)
            // h_{t−1} feeds z_t through Wh: carry = pass-through + dz_t · Whᵀ
            GEMM.multiply(transposeB: true, m: B, n: H, k: 4 * H, a: dg, lda: 4 * H, b: store.value(wh), ldb: 4 * H,
                          beta: 1, c: carry.pointer, ldc: H)
        }
        // Weight gradients over all steps at once: dWh += Hprevᵀ·dZ, dWx += Xᵀ·dZ, db += Σ dZ.
        GEMM.multiply(transposeA: true, m: H, n: 4 * H, k: S * B, a: cache.hPrev.pointer, lda: H, b: dGates.pointer,
                      ldb: 4 * H, beta: 1, c: store.gradient(wh), ldc: 4 * H)
        GEMM.multiply(transposeA: true, m: input, n: 4 * H, k: S * B, a: x, lda: input, b: dGates.pointer,
                      ldb: 4 * H, beta: 1, c: store.gradient(wx), ldc: 4 * H)
        Rows.addColumnSums(dGates.pointer, rows: S * B, columns: 4 * H, ld: 4 * H, into: store.gradient(bias))
        GEMM.multiply(transposeB: true, m: S * B, n: input, k: 4 * H, a: dGates.pointer, lda: 4 * H,
                      b: store.value(wx), ldb: 4 * H, c: dx, ldc: input)
        dh0?.update(from: carry.pointer, count: B * H)
        dc0?.update(from: dc.pointer, count: B * H)
    }
}
