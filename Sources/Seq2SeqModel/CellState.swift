import TensorKernels

/// The state a recurrent cell carries from one step to the next, for R rows of width W (`[R, W]` each):
/// h for every cell, and the LSTM's cell state c. The encoder's final states (W = 2H: [forward | backward]),
/// the bridge's output and the decoder's start and search states (W = D) are states; so are their gradients.
enum CellState {
    case lstm(h: FloatBuffer, c: FloatBuffer)
    case gru(h: FloatBuffer)
    case rnn(h: FloatBuffer)

    /// A zero state of `cell`.
    init(_ cell: RecurrentCell, rows: Int, width: Int) {
        let h = FloatBuffer(count: rows * width)
        switch cell {
        case .lstm: self = .lstm(h: h, c: FloatBuffer(count: rows * width))
        case .gru: self = .gru(h: h)
        case .rnn: self = .rnn(h: h)
        }
    }

    var h: FloatBuffer {
        switch self {
        case .lstm(let h, _), .gru(let h), .rnn(let h): return h
        }
    }

    /// The buffers of the state: h, then c for the LSTM.
    var buffers: [FloatBuffer] {
        switch self {
        case .lstm(let h, let c): return [h, c]
        case .gru(let h), .rnn(let h): return [h]
        }
    }

    /// The step from this state (rows 0..<R) to `next`: the LSTM reads c₋ here and writes c there; GRU's
    /// b_h + h₋·W_h goes to `recurrent` `[R, 3H]`, which the other cells do not use.
    func step(to next: CellState, recurrent: UnsafeMutablePointer<Float>) -> CellStep {
        switch (self, next) {
        case (.lstm(_, let cPrev), .lstm(_, let c)): return .lstm(cPrev: cPrev.pointer, c: c.pointer)
        case (.gru, .gru): return .gru(recurrent: recurrent)
        case (.rnn, .rnn): return .rnn
        default: preconditionFailure("a step between states of two cells: \(self) → \(next)")
        }
    }

    /// Copies every buffer of `other`, a state of the same cell and size.
    func update(from other: CellState) {
        let to = buffers, from = other.buffers
        precondition(to.count == from.count, "update between states of two cells: \(self) ← \(other)")
        for (a, b) in zip(to, from) {
            precondition(a.count == b.count, "update between states of \(a.count) and \(b.count) values")
            a.pointer.update(from: b.pointer, count: a.count)
        }
    }

    /// Copies every buffer's row `source` of `from` into row `row` of this state (rows of `width`).
    func copyRow(_ source: Int, of from: CellState, to row: Int, width: Int) {
        let to = buffers, from = from.buffers
        precondition(to.count == from.count, "copyRow between states of two cells")
        for (a, b) in zip(to, from) { (a.pointer + row * width).update(from: b.pointer + source * width, count: width) }
    }
}
