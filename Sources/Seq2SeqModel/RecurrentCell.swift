import TensorKernels

/// The recurrent cell of the encoder and the decoder (`model.cell` in a recipe). Each has a fused
/// kernel in TensorKernels with its simple reference beside it:
/// - `lstm`: gates i, f, g, o and a cell state (`LSTMCellKernel`);
/// - `gru`: gates r, z, n, no cell state; the recurrent product stays apart because the reset gate
///   scales part of it (`GRUCellKernel`);
/// - `rnn`: the plain tanh network h = tanh(x·Wx + b + h₋·Wh) (`RNNCellKernel`).
public enum RecurrentCell: String, Sendable, Codable, CaseIterable {
    case lstm, gru, rnn

    /// Gate blocks per hidden unit: the width of the input projection is gateCount·H.
    public var gateCount: Int {
        switch self {
        case .lstm: return 4
        case .gru: return 3
        case .rnn: return 1
        }
    }

    public var hasCellState: Bool { self == .lstm }
    /// Whether the per-step product h₋·Wh (+ b_h) goes to its own buffer instead of into the gates.
    public var separateRecurrent: Bool { self == .gru }

    /// One step for B rows.
    /// - Parameters:
    ///   - gates: `[B, G·H]`; in: pre-activations (LSTM, RNN: input and recurrent products summed; GRU: the
    ///     input product only); out: activations
    ///   - recurrent: `[B, 3H]` GRU only: h₋·Wh + b_h
    ///   - cPrev, c: `[B, H]` LSTM only (others ignore them)
    ///   - hPrev, h: `[B, H]`
    func forward(batch B: Int, hidden H: Int, gates: UnsafeMutablePointer<Float>, recurrent: UnsafePointer<Float>?,
                 cPrev: UnsafePointer<Float>?, hPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>?,
                 h: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?) {
        switch self {
        case .lstm:
            LSTMCellKernel.forward(batch: B, hidden: H, gates: gates, cPrev: cPrev!, hPrev: hPrev, c: c!, h: h, mask: mask)
        case .gru:
            GRUCellKernel.forward(batch: B, hidden: H, gates: gates, recurrent: recurrent!, hPrev: hPrev, h: h, mask: mask)
        case .rnn:
            RNNCellKernel.forward(batch: B, hidden: H, gates: gates, hPrev: hPrev, h: h, mask: mask)
        }
    }

    /// Backward of `forward`.
    /// - Parameters:
    ///   - dh: `[B, H]` gradient reaching h
    ///   - dc: `[B, H]` LSTM only; in: gradient reaching c from later steps; out: gradient for c₋
    ///   - dGates: `[B, G·H]` written; dRecurrent: `[B, 3H]` GRU only, written
    ///   - dhPass: `[B, H]` the part of h₋'s gradient that bypasses the recurrent product (written)
    func backward(batch B: Int, hidden H: Int, gates: UnsafePointer<Float>, recurrent: UnsafePointer<Float>?,
                  cPrev: UnsafePointer<Float>?, c: UnsafePointer<Float>?, hPrev: UnsafePointer<Float>,
                  mask: UnsafePointer<Float>?, dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>?,
                  dGates: UnsafeMutablePointer<Float>, dRecurrent: UnsafeMutablePointer<Float>?,
                  dhPass: UnsafeMutablePointer<Float>) {
        switch self {
        case .lstm:
            LSTMCellKernel.backward(batch: B, hidden: H, gates: gates, cPrev: cPrev!, c: c!, mask: mask, dh: dh, dc: dc!,
                                    dGates: dGates, dhPass: dhPass)
        case .gru:
            GRUCellKernel.backward(batch: B, hidden: H, gates: gates, recurrent: recurrent!, hPrev: hPrev, mask: mask, dh: dh,
                                   dGates: dGates, dRecurrent: dRecurrent!, dhPass: dhPass)
        case .rnn:
            RNNCellKernel.backward(batch: B, hidden: H, gates: gates, mask: mask, dh: dh, dGates: dGates, dhPass: dhPass)
        }
    }
}

/// The per-step product of a recurrent layer, `input·W` with input `[R, rw]` and W `[rw, G·H]`, shared by
/// the encoder layers (input h₋) and the decoder (input [ã₋; h₋] with input feeding).
///
/// LSTM and RNN add the whole product into the gates. GRU splits it by rows of W: the first
/// `inputColumns` columns of the input (the decoder's fed-back ã₋) act as cell input and are added into
/// the gates; the rest (h₋) form the separate recurrent pre-activation `b_h + h₋·W_h`.
struct RecurrentProduct: Sendable {
    let weight: ParameterView  // [rw, G·H]
    let recurrentBias: ParameterView?  // [1, 3H], GRU only
    let cell: RecurrentCell
    let inputColumns: Int

    var width: Int { weight.rows }  // rw
    var gateWidth: Int { weight.columns }  // G·H
    private var split: Int { cell.separateRecurrent ? inputColumns : width }

    /// The weight as the per-step products read it, made once per batch: the stored W (NN), or Wᵀ
    /// `[G·H, rw]` (NT) where that layout is faster on this CPU (`KernelChoice.transposeRecurrentWeights`).
    func prepared(_ store: ParameterStore) -> PreparedWeight {
        KernelChoice.transposeRecurrentWeights
            ? .transposed(Transpose.copy(store.value(weight), rows: width, columns: gateWidth)) : .stored
    }

    /// Adds the step's products for R rows.
    /// - Parameters: weight: `prepared(store)`; input: `[R, rw]` (leading dimension `ld`); gates: `[R, G·H]` (+=);
    ///   recurrent: `[R, 3H]` GRU only (written)
    func forward(_ store: ParameterStore, weight prepared: PreparedWeight, rows R: Int, input: UnsafePointer<Float>, ld: Int,
                 gates: UnsafeMutablePointer<Float>, recurrent: UnsafeMutablePointer<Float>?) {
        let G = gateWidth
        // Rows 0..<split of W (input columns 0..<split) feed the gates; the rest feed GRU's recurrent part.
        func multiply(rows first: Int, count: Int, input: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>) {
            switch prepared {
            case .stored:
                GEMM.multiply(m: R, n: G, k: count, a: input, lda: ld, b: store.value(weight) + first * G, ldb: G, beta: 1,
                              c: c, ldc: G)
            case .transposed(let wt):
                GEMM.multiply(transposeB: true, m: R, n: G, k: count, a: input, lda: ld, b: wt.pointer + first, ldb: width,
                              beta: 1, c: c, ldc: G)
            case .quantized(let q, let scratch):
                q.multiplyAdd(m: R, a: input, lda: ld, firstRow: first, count: count, c: c, ldc: G, scratch: scratch)
            }
        }
        if split > 0 { multiply(rows: 0, count: split, input: input, into: gates) }
        if cell.separateRecurrent, let recurrent, let recurrentBias {
            Rows.broadcast(store.value(recurrentBias), rows: R, columns: G, into: recurrent, ld: G)
            multiply(rows: split, count: width - split, input: input + split, into: recurrent)
        }
    }

    /// The gradient for the input: `dInput (+)= dGates·W_inᵀ` on the input columns and `dRecurrent·W_hᵀ`
    /// on the rest (GRU), or `dGates·Wᵀ` on all of them.
    /// - Parameters: dGates: `[R, G·H]`; dRecurrent: `[R, 3H]` GRU only; dInput: `[R, rw]` (leading dimension `ld`)
    func backward(_ store: ParameterStore, rows R: Int, dGates: UnsafePointer<Float>, dRecurrent: UnsafePointer<Float>?,
                  dInput: UnsafeMutablePointer<Float>, ld: Int, beta: Float) {
        let G = gateWidth, w = store.value(weight)
        if split > 0 {
            GEMM.multiply(transposeB: true, m: R, n: split, k: G, a: dGates, lda: G, b: w, ldb: G, beta: beta, c: dInput, ldc: ld)
        }
        if cell.separateRecurrent, let dRecurrent {
            GEMM.multiply(transposeB: true, m: R, n: width - split, k: G, a: dRecurrent, lda: G, b: w + split * G, ldb: G,
                          beta: beta, c: dInput + split, ldc: ld)
        }
    }

    /// Weight gradients over N rows at once: dW += inputᵀ·dGates (split as in `forward`), db_h += Σ dRecurrent.
    func weightGradients(_ store: ParameterStore, rows N: Int, input: UnsafePointer<Float>, ld: Int,
                         dGates: UnsafePointer<Float>, dRecurrent: UnsafePointer<Float>?) {
        let G = gateWidth, dw = store.gradient(weight)
        if split > 0 {
            GEMM.multiply(transposeA: true, m: split, n: G, k: N, a: input, lda: ld, b: dGates, ldb: G, beta: 1, c: dw, ldc: G)
        }
        if cell.separateRecurrent, let dRecurrent, let recurrentBias {
            GEMM.multiply(transposeA: true, m: width - split, n: G, k: N, a: input + split, lda: ld, b: dRecurrent, ldb: G,
                          beta: 1, c: dw + split * G, ldc: G)
            Rows.addColumnSums(dRecurrent, rows: N, columns: G, ld: G, into: store.gradient(recurrentBias))
        }
    }
}

/// A weight as the per-step products read it: as stored (NN), as a transposed copy (NT), or in 8 bits
/// for inference (`--precision int8`; its input must lie in [−1, 1]) with the batch's scratch.
enum PreparedWeight {
    case stored
    case transposed(FloatBuffer)
    case quantized(QuantizedMatrix, QuantizedScratch)

    /// c `[R, N]` += input `[R, K]` · W for a weight `view` `[K, N]` that is not split (the combine and output products).
    func multiplyAdd(_ store: ParameterStore, view: ParameterView, rows R: Int, input: UnsafePointer<Float>, ld: Int,
                     into c: UnsafeMutablePointer<Float>, ldc: Int) {
        switch self {
        case .stored:
            GEMM.multiply(m: R, n: view.columns, k: view.rows, a: input, lda: ld, b: store.value(view), ldb: view.columns,
                          beta: 1, c: c, ldc: ldc)
        case .transposed(let wt):
            GEMM.multiply(transposeB: true, m: R, n: view.columns, k: view.rows, a: input, lda: ld, b: wt.pointer,
                          ldb: view.rows, beta: 1, c: c, ldc: ldc)
        case .quantized(let q, let scratch):
            q.multiplyAdd(m: R, a: input, lda: ld, c: c, ldc: ldc, scratch: scratch)
        }
    }
}
