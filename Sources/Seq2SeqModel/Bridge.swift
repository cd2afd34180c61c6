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

    /// - Parameters: final: `[B, 2H]` the encoder's final state; start: `[B, D]` the decoder's first state (written)
    func forward(_ store: ParameterStore, batch B: Int, final: CellState, start: CellState) {
        let D = wh.columns, in2H = wh.rows, finalH = final.h.pointer, h0 = start.h.pointer
        Rows.broadcast(store.value(bh), rows: B, columns: D, into: h0, ld: D)
        GEMM.multiply(m: B, n: D, k: in2H, a: finalH, lda: in2H, b: store.value(wh), ldb: D, beta: 1, c: h0, ldc: D)
        for i in 0..<(B * D) { h0[i] = FastMath.tanh(h0[i]) }
        guard let (wc, bc) = cellState, case .lstm(_, let finalState) = final, case .lstm(_, let cellStart) = start else {
            return  // GRU, RNN: no cell state
        }
        let finalC = finalState.pointer, c0 = cellStart.pointer
        Rows.broadcast(store.value(bc), rows: B, columns: D, into: c0, ld: D)
        GEMM.multiply(m: B, n: D, k: in2H, a: finalC, lda: in2H, b: store.value(wc), ldb: D, beta: 1, c: c0, ldc: D)
    }

    /// tanh' = 1 − h₀²; dFinal = dPre·Wᵀ; dW += finalᵀ·dPre.
    /// - Parameters: final, start: `[B, 2H]`, `[B, D]` as forward read and wrote them; dStart: `[B, D]`;
    ///   dFinal: `[B, 2H]` written
    func backward(_ store: ParameterStore, batch B: Int, final: CellState, start: CellState, dStart: CellState,
                  dFinal: CellState) {
        let D = wh.columns, in2H = wh.rows
        let finalH = final.h.pointer, h0 = start.h.pointer, dh0 = dStart.h.pointer, dFinalH = dFinal.h.pointer
        let dPre = FloatBuffer(count: B * D)
        for i in 0..<(B * D) { dPre[i] = dh0[i] * (1 - h0[i] * h0[i]) }
        GEMM.multiply(transposeA: true, m: in2H, n: D, k: B, a: finalH, lda: in2H, b: dPre.pointer, ldb: D,
                      beta: 1, c: store.gradient(wh), ldc: D)
        Rows.addColumnSums(dPre.pointer, rows: B, columns: D, ld: D, into: store.gradient(bh))
        GEMM.multiply(transposeB: true, m: B, n: in2H, k: D, a: dPre.pointer, lda: D, b: store.value(wh), ldb: D,
                      c: dFinalH, ldc: in2H)
        guard let (wc, bc) = cellState, case .lstm(_, let finalState) = final, case .lstm(_, let dCellStart) = dStart,
              case .lstm(_, let dFinalState) = dFinal else { return }  // GRU, RNN: no cell state
        let finalC = finalState.pointer, dc0 = dCellStart.pointer, dFinalC = dFinalState.pointer
        GEMM.multiply(transposeA: true, m: in2H, n: D, k: B, a: finalC, lda: in2H, b: dc0, ldb: D,
                      beta: 1, c: store.gradient(wc), ldc: D)
        Rows.addColumnSums(dc0, rows: B, columns: D, ld: D, into: store.gradient(bc))
        GEMM.multiply(transposeB: true, m: B, n: in2H, k: D, a: dc0, lda: D, b: store.value(wc), ldb: D,
                      c: dFinalC, ldc: in2H)
    }
}
