import TensorKernels

/// The recurrent cell of the encoder and the decoder (`model.cell` in a recipe). Each has a fused
/// kernel in TensorKernels with its simple reference beside it:
/// - `lstm`: gates i, f, g, o and a cell state (`LSTMCellKernel`);
/// - `gru`: gates r, z, n, no cell state; the recurrent product stays apart because the reset gate
///   scales part of it (`GRUCellKernel`);
/// - `rnn`: the plain tanh network h = tanh(x·Wx + b + h₋·Wh) (`RNNCellKernel`).
/// What each cell carries between steps is a `CellState`; what its steps keep for backward, a `CellCache`.
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

    /// Sets this cell's own start values in a `[1, G·H]` bias after the uniform initialization. The LSTM
    /// sets its forget block (gates i, f, g, o; `LSTMCellKernel`) to `forgetBias`: 1 keeps the cell state
    /// (and its gradient) alive from the first step (Gers et al. 2000, Jozefowicz et al. 2015); 0 leaves
    /// the uniform values, so f = σ(·) starts near ½ and halves both with every step. GRU and RNN have no
    /// forget gate and keep the uniform values.
    func initializeBias(_ bias: UnsafeMutablePointer<Float>, hidden H: Int, forgetBias: Float) {
        switch self {
        case .lstm: if forgetBias != 0 { (bias + H).update(repeating: forgetBias, count: H) }
        case .gru, .rnn: break
        }
    }
}

/// One step of a cell for R rows: what it reads and writes beyond the gates and h₋/h that every cell has.
/// The case is the cell, so one switch picks the kernel and its buffers together.
enum CellStep {
    /// c₋ `[R, H]` read, c `[R, H]` written.
    case lstm(cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>)
    /// `[R, 3H]` b_h + h₋·W_h, written by `RecurrentProduct` before the cell reads it.
    case gru(recurrent: UnsafeMutablePointer<Float>)
    case rnn

    /// - Parameters:
    ///   - gates: `[R, G·H]`; in: pre-activations (LSTM, RNN: input and recurrent products summed; GRU: the
    ///     input product only); out: activations
    ///   - hPrev, h: `[R, H]`
    ///   - mask: `[R]` 1 real, 0 padding (the row keeps its state); nil: all real
    func forward(batch R: Int, hidden H: Int, gates: UnsafeMutablePointer<Float>, hPrev: UnsafePointer<Float>,
                 h: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?) {
        switch self {
        case .lstm(let cPrev, let c):
            LSTMCellKernel.forward(batch: R, hidden: H, gates: gates, cPrev: cPrev, hPrev: hPrev, c: c, h: h, mask: mask)
        case .gru(let recurrent):
            GRUCellKernel.forward(batch: R, hidden: H, gates: gates, recurrent: recurrent, hPrev: hPrev, h: h, mask: mask)
        case .rnn:
            RNNCellKernel.forward(batch: R, hidden: H, gates: gates, hPrev: hPrev, h: h, mask: mask)
        }
    }
}

/// The backward of one `CellStep`, with the gradient buffers of the cell's own parts.
enum CellStepGradient {
    /// c₋ and c `[R, H]` as forward read and wrote them; dc `[R, H]`: in, the gradient reaching c from
    /// later steps; out, the gradient for c₋.
    case lstm(cPrev: UnsafePointer<Float>, c: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>)
    /// `[R, 3H]` b_h + h₋·W_h as forward read it; dRecurrent `[R, 3H]` written.
    case gru(recurrent: UnsafePointer<Float>, dRecurrent: UnsafeMutablePointer<Float>)
    case rnn

    /// - Parameters:
    ///   - gates: `[R, G·H]` the activations forward wrote; hPrev: `[R, H]`
    ///   - dh: `[R, H]` gradient reaching h
    ///   - dGates: `[R, G·H]` written
    ///   - dhPass: `[R, H]` the part of h₋'s gradient that bypasses the recurrent product (written)
    func backward(batch R: Int, hidden H: Int, gates: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                  mask: UnsafePointer<Float>?, dh: UnsafePointer<Float>, dGates: UnsafeMutablePointer<Float>,
                  dhPass: UnsafeMutablePointer<Float>) {
        switch self {
        case .lstm(let cPrev, let c, let dc):
            LSTMCellKernel.backward(batch: R, hidden: H, gates: gates, cPrev: cPrev, c: c, mask: mask, dh: dh, dc: dc,
                                    dGates: dGates, dhPass: dhPass)
        case .gru(let recurrent, let dRecurrent):
            GRUCellKernel.backward(batch: R, hidden: H, gates: gates, recurrent: recurrent, hPrev: hPrev, mask: mask, dh: dh,
                                   dGates: dGates, dRecurrent: dRecurrent, dhPass: dhPass)
        case .rnn:
            RNNCellKernel.backward(batch: R, hidden: H, gates: gates, mask: mask, dh: dh, dGates: dGates, dhPass: dhPass)
        }
    }
}
