import TensorKernels

/// What a cell's steps keep for backward beyond the gates and h, over N rows (`[N, ·]`, a row per step
/// and sentence): the LSTM's cell states, GRU's recurrent pre-activations; the plain RNN keeps nothing more.
enum CellCache {
    /// c `[N, H]` each step wrote, and c₋ `[B, H]` before the first step.
    case lstm(c: FloatBuffer, initial: FloatBuffer)
    /// b_h + h₋·W_h `[N, 3H]` each step read.
    case gru(recurrent: FloatBuffer)
    case rnn

    /// - Parameter start: the state before the first step, `[B, H]`; its c is the LSTM's first c₋
    init(rows N: Int, hidden H: Int, start: CellState) {
        switch start {
        case .lstm(_, let c): self = .lstm(c: FloatBuffer(count: N * H), initial: c)
        case .gru: self = .gru(recurrent: FloatBuffer(count: N * 3 * H))
        case .rnn: self = .rnn
        }
    }

    /// The step writing rows from `row` on, after the step that wrote rows from `previous` (nil: the first step).
    func step(row: Int, after previous: Int?, hidden H: Int) -> CellStep {
        switch self {
        case .lstm(let c, let initial):
            let cPrev = previous.map { c.row($0, columns: H) } ?? initial.pointer
            return .lstm(cPrev: cPrev, c: c.row(row, columns: H))
        case .gru(let recurrent): return .gru(recurrent: recurrent.row(row, columns: 3 * H))
        case .rnn: return .rnn
        }
    }

    /// Copies the state the step at `row` wrote into columns `column..<column+H` of `state` `[B, width]`: its
    /// h from `h` `[B, H]` (kept by the layer), its c from this cache (LSTM). A layer's final state.
    func copyState(row: Int, h: UnsafePointer<Float>, hidden H: Int, rows B: Int, into state: CellState, column: Int, width: Int) {
        Rows.copy(h, ldSource: H, into: state.h.pointer + column, ldDestination: width, rows: B, columns: H)
        switch (self, state) {
        case (.lstm(let c, _), .lstm(_, let into)):
            Rows.copy(c.row(row, columns: H), ldSource: H, into: into.pointer + column, ldDestination: width, rows: B, columns: H)
        case (.gru, .gru), (.rnn, .rnn): break
        default: preconditionFailure("a cache and a state of two cells: \(self), \(state)")
        }
    }

    /// Backward's buffers for the cell's own parts over N rows: GRU's dRecurrent `[N, 3H]`. (The LSTM's
    /// dc travels in the state gradient, `[B, H]`, from step to step.)
    func gradient(rows N: Int, hidden H: Int) -> CellCacheGradient {
        switch self {
        case .lstm: return .lstm
        case .gru: return .gru(dRecurrent: FloatBuffer(count: N * 3 * H))
        case .rnn: return .rnn
        }
    }

    /// The backward of the step at `row` (after `previous`, as in `step`); `dState` `[B, H]` carries dc (LSTM).
    func stepGradient(row: Int, after previous: Int?, hidden H: Int, dState: CellState,
                      gradient: CellCacheGradient) -> CellStepGradient {
        switch (step(row: row, after: previous, hidden: H), dState, gradient) {
        case (.lstm(let cPrev, let c), .lstm(_, let dc), .lstm):
            return .lstm(cPrev: cPrev, c: UnsafePointer(c), dc: dc.pointer)
        case (.gru(let recurrent), .gru, .gru(let dRecurrent)):
            return .gru(recurrent: UnsafePointer(recurrent), dRecurrent: dRecurrent.row(row, columns: 3 * H))
        case (.rnn, .rnn, .rnn): return .rnn
        default: preconditionFailure("a cache, a state gradient and buffers of different cells: \(self), \(dState), \(gradient)")
        }
    }
}

/// The gradient buffers of a `CellCache`'s own parts (see `CellCache.gradient`).
enum CellCacheGradient {
    case lstm
    /// dRecurrent `[N, 3H]`.
    case gru(dRecurrent: FloatBuffer)
    case rnn
}
