import TensorKernels

/// From the encoder's final states to the decoder's first state:
///     h₀ = tanh([h→; h←]·Wh + bh)      c₀ = [c→; c←]·Wc + bc   (c₀ only for LSTM cells; GRU and RNN have no cell state)
public struct Bridge: Sendable {
    let wh: ParameterView, bh: ParameterView  // [2H, D], [1, D]
    let cellState: (wc: ParameterView, bc: ParameterView)?  // [2H, D], [1, D]

    static func shapes(_ c: ModelConfiguration) -> [(String, Int, Int)] {
        [("bridge.wh", 2 * c.encoderHidden, c.decoderHidden), ("bridge.bh", 1, c.decoderHidden)]
            + (c.cell.hasCellState
                ? [("bridge.wc", 2 * c.encoderHidden, c.decoderHidden), ("bridge.bc", 1, c.decoderHidden)] : [])
    }

    init(store: ParameterStore, cell: RecurrentCell) {
        wh = store.view("bridge.wh"); bh = store.view("bridge.bh")
        cellState = cell.hasCellState ? (store.view("bridge.wc"), store.view("bridge.bc")) : nil
    }

    /// - Parameters: finalH, finalC: `[B, 2H]`; h0, c0: `[B, D]` written
    func forward(_ store: ParameterStore, batch B: Int, finalH: UnsafePointer<Float>, finalC: UnsafePointer<Float>,
                 h0: UnsafeMutablePointer<Float>, c0: UnsafeMutablePointer<Float>) {
        let D = wh.columns, in2H = wh.rows
        Rows.broadcast(store.value(bh), rows: B, columns: D, into: h0, ld: D)
        GEMM.multiply(m: B, n: D, k: in2H, a: finalH, lda: in2H, b: store.value(wh), ldb: D, beta: 1, c: h0, ldc: D)
        for i in 0..<(B * D) { h0[i] = FastMath.tanh(h0[i]) }
        guard let (wc, bc) = cellState else { return }  // c₀ stays zero, unused
        Rows.broadcast(store.value(bc), rows: B, columns: D, into: c0, ld: D)
        GEMM.multiply(m: B, n: D, k: in2H, a: finalC, lda: in2H, b: store.value(wc), ldb: D, beta: 1, c: c0, ldc: D)
    }

    /// tanh' = 1 − h₀²; dFinal = dPre·Wᵀ; dW += finalᵀ·dPre.
    /// - Parameters: h0: `[B, D]` forward's output; dh0, dc0: `[B, D]`; dFinalH, dFinalC: `[B, 2H]` written
    func backward(_ store: ParameterStore, batch B: Int, finalH: UnsafePointer<Float>, finalC: UnsafePointer<Float>,
                  h0: UnsafePointer<Float>, dh0: UnsafePointer<Float>, dc0: UnsafePointer<Float>,
                  dFinalH: UnsafeMutablePointer<Float>, dFinalC: UnsafeMutablePointer<Float>) {
        let D = wh.columns, in2H = wh.rows
        let dPre = FloatBuffer(count: B * D)
        for i in 0..<(B * D) { dPre[i] = dh0[i] * (1 - h0[i] * h0[i]) }
        GEMM.multiply(transposeA: true, m: in2H, n: D, k: B, a: finalH, lda: in2H, b: dPre.pointer, ldb: D,
                      beta: 1, c: store.gradient(wh), ldc: D)
        Rows.addColumnSums(dPre.pointer, rows: B, columns: D, ld: D, into: store.gradient(bh))
        GEMM.multiply(transposeB: true, m: B, n: in2H, k: D, a: dPre.pointer, lda: D, b: store.value(wh), ldb: D,
                      c: dFinalH, ldc: in2H)
        guard let (wc, bc) = cellState else { return }  // dFinalC stays zero
        GEMM.multiply(transposeA: true, m: in2H, n: D, k: B, a: finalC, lda: in2H, b: dc0, ldb: D,
                      beta: 1, c: store.gradient(wc), ldc: D)
        Rows.addColumnSums(dc0, rows: B, columns: D, ld: D, into: store.gradient(bc))
        GEMM.multiply(transposeB: true, m: B, n: in2H, k: D, a: dc0, lda: D, b: store.value(wc), ldb: D,
                      c: dFinalC, ldc: in2H)
    }
}
