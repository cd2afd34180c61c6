import TensorKernels

/// The per-step product of a recurrent layer, `input·W` with input `[R, rw]` and W `[rw, G·H]`, shared by
/// the encoder layers (input h₋) and the decoder (input [ã₋; h₋] with input feeding).
///
/// LSTM and RNN add the whole product into the gates. GRU splits it by rows of W: the first
/// `inputColumns` columns of the input (the decoder's fed-back ã₋) act as cell input and are added into
/// the gates; the rest (h₋) form the separate recurrent pre-activation `b_h + h₋·W_h`.
struct RecurrentProduct: Sendable {
    /// How the rows of W divide between the gates and GRU's recurrent pre-activation.
    enum Layout: Sendable {
        /// Every row feeds the gates (LSTM, RNN).
        case whole
        /// Rows 0..<inputColumns feed the gates, the rest feed `b_h + h₋·W_h` with b_h `[1, 3H]` (GRU).
        case split(inputColumns: Int, recurrentBias: ParameterView)
    }

    let weight: ParameterView  // [rw, G·H]
    let layout: Layout

    /// - Parameters: recurrentBias: the view of b_h, read only for GRU; inputColumns: GRU only (see the type)
    init(weight: ParameterView, cell: RecurrentCell, inputColumns: Int, recurrentBias: @autoclosure () -> ParameterView) {
        self.weight = weight
        layout = cell.separateRecurrent ? .split(inputColumns: inputColumns, recurrentBias: recurrentBias()) : .whole
    }

    var width: Int { weight.rows }  // rw
    var gateWidth: Int { weight.columns }  // G·H
    /// The rows of W that feed the gates.
    private var split: Int {
        switch layout {
        case .whole: return width
        case .split(let inputColumns, _): return inputColumns
        }
    }

    /// The weight as the per-step products read it, made once per batch: the stored W (NN), or Wᵀ
    /// `[G·H, rw]` (NT) where that layout is faster on this CPU (`KernelChoice.transposeRecurrentWeights`).
    func prepared(_ store: ParameterStore) -> PreparedWeight {
        KernelChoice.transposeRecurrentWeights
            ? .transposed(Transpose.copy(store.value(weight), rows: width, columns: gateWidth)) : .stored
    }

    /// Adds the step's products for R rows.
    /// - Parameters: weight: `prepared(store)`; input: `[R, rw]` (leading dimension `ld`); gates: `[R, G·H]` (+=);
    ///   step: the cell's step, whose GRU case receives `b_h + h₋·W_h` `[R, 3H]` (written)
    func forward(_ store: ParameterStore, weight prepared: PreparedWeight, rows R: Int, input: UnsafePointer<Float>, ld: Int,
                 gates: UnsafeMutablePointer<Float>, step: CellStep) {
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
            case .reduced(let w, let scratch):
                w.multiplyAdd(m: R, a: input, lda: ld, firstRow: first, count: count, c: c, ldc: G, scratch: scratch)
            }
        }
        let split = split
        if split > 0 { multiply(rows: 0, count: split, input: input, into: gates) }
        guard case .split(_, let recurrentBias) = layout else { return }
        guard case .gru(let recurrent) = step else { preconditionFailure("GRU's split product in a \(step) step") }
        Rows.broadcast(store.value(recurrentBias), rows: R, columns: G, into: recurrent, ld: G)
        multiply(rows: split, count: width - split, input: input + split, into: recurrent)
    }

    /// The weight as the backward's per-step products read it, made once per batch (`BackwardProduct`).
    func preparedForBackward(_ store: ParameterStore) -> BackwardProduct { BackwardProduct(store, weight) }

    /// The gradient for the input: `dInput (+)= dGates·W_inᵀ` on the input columns and `dRecurrent·W_hᵀ`
    /// on the rest (GRU), or `dGates·Wᵀ` on all of them.
    /// - Parameters: weight: `preparedForBackward(store)`; dGates: `[R, G·H]`; step: the cell's step
    ///   gradient (GRU: its dRecurrent `[R, 3H]`); dInput: `[R, rw]` (leading dimension `ld`)
    func backward(_ store: ParameterStore, weight: BackwardProduct, rows R: Int, dGates: UnsafePointer<Float>,
                  step: CellStepGradient, dInput: UnsafeMutablePointer<Float>, ld: Int, beta: Float) {
        let G = gateWidth, split = split
        if split > 0 {
            weight.multiply(store, rows: R, a: dGates, lda: G, count: split, beta: beta, c: dInput, ldc: ld)
        }
        guard case .split = layout else { return }
        guard case .gru(_, let dRecurrent) = step else { preconditionFailure("GRU's split product in a \(step) step") }
        weight.multiply(store, rows: R, a: dRecurrent, lda: G, firstRow: split, beta: beta, c: dInput + split, ldc: ld)
    }

    /// Weight gradients over N rows at once: dW += inputᵀ·dGates (split as in `forward`), db_h += Σ dRecurrent.
    /// - Parameter cell: the cell's gradient buffers (GRU: dRecurrent `[N, 3H]`)
    func weightGradients(_ store: ParameterStore, rows N: Int, input: UnsafePointer<Float>, ld: Int,
                         dGates: UnsafePointer<Float>, cell: CellCacheGradient) {
        let G = gateWidth, dw = store.gradient(weight), split = split
        if split > 0 {
            GEMM.multiply(transposeA: true, m: split, n: G, k: N, a: input, lda: ld, b: dGates, ldb: G, beta: 1, c: dw, ldc: G)
        }
        guard case .split(_, let recurrentBias) = layout else { return }
        guard case .gru(let dRecurrent) = cell else { preconditionFailure("GRU's split product with \(cell) gradients") }
        GEMM.multiply(transposeA: true, m: width - split, n: G, k: N, a: input + split, lda: ld, b: dRecurrent.pointer, ldb: G,
                      beta: 1, c: dw + split * G, ldc: G)
        Rows.addColumnSums(dRecurrent.pointer, rows: N, columns: G, ld: G, into: store.gradient(recurrentBias))
    }
}

/// A weight as the per-step products read it: as stored (NN), as a transposed copy (NT), or in reduced
/// precision for inference (`--precision int8` or `bf16`) with the batch's scratch.
enum PreparedWeight {
    case stored
    case transposed(FloatBuffer)
    case reduced(any ReducedPrecisionMatrix, ProductScratch)

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
        case .reduced(let w, let scratch):
            w.multiplyAdd(m: R, a: input, lda: ld, c: c, ldc: ldc, scratch: scratch)
        }
    }
}
