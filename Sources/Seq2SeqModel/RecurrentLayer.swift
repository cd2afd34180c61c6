import TensorKernels

/// One direction of one recurrent layer over a padded, time-major batch (row t·B + b is sentence b at time t):
///
///     z_t = x_t·Wx + b  (+ h_{t−1}·Wh for LSTM and RNN)     (x_t·Wx + b for all t in one GEMM; h·Wh per step)
///     r_t = h_{t−1}·Wh + b_h                                  (GRU only: its reset gate scales part of this)
///     h_t (, c_t) = cell(z_t (, r_t), h_{t−1} (, c_{t−1}))   (`CellStep`; a padded position keeps the state)
///     y_t = mask_t · h_t
/// A reverse layer walks t = S−1 … 0: its state stays at h₀ (zero) through the trailing padding.
public struct RecurrentLayer: Sendable {
    public let wx: ParameterView  // [In, G·H]
    public let bias: ParameterView  // [1, G·H]
    let product: RecurrentProduct  // Wh [H, G·H] (and b_h for GRU)
    public let cell: RecurrentCell
    public let input: Int
    public let hidden: Int
    public let reverse: Bool

    public init(store: ParameterStore, prefix: String, cell: RecurrentCell, input: Int, hidden: Int, reverse: Bool) {
        wx = store.view(prefix + ".wx")
        bias = store.view(prefix + ".b")
        product = RecurrentProduct(weight: store.view(prefix + ".wh"), cell: cell, inputColumns: 0,
                                   recurrentBias: store.view(prefix + ".bh"))
        self.cell = cell
        self.input = input
        self.hidden = hidden
        self.reverse = reverse
    }

    public static func shapes(prefix: String, cell: RecurrentCell, input: Int, hidden: Int) -> [(String, Int, Int)] {
        let G = cell.gateCount * hidden
        return [(prefix + ".wx", input, G), (prefix + ".wh", hidden, G), (prefix + ".b", 1, G)]
            + (cell.separateRecurrent ? [(prefix + ".bh", 1, G)] : [])
    }

    /// The cell's own start values of the bias (`RecurrentCell.initializeBias`).
    func initializeBias(_ store: ParameterStore, forgetBias: Float) {
        cell.initializeBias(store.value(bias), hidden: hidden, forgetBias: forgetBias)
    }

    /// What forward keeps for backward. All `[S·B, ·]` in time order.
    public final class Cache {
        public let steps: Int, batch: Int
        let gates: FloatBuffer  // [S·B, G·H] activations
        let hPrev: FloatBuffer  // [S·B, H] the state each step read (empty at inference)
        /// Whether backward can run: inference keeps only what the next step and the final state need.
        let keepsBackward: Bool
        let hNew: FloatBuffer  // [S·B, H]
        let cell: CellCache  // the LSTM's c, GRU's recurrent pre-activations; the first step starts from zero
        let mask: FloatBuffer?  // [S·B]

        init(steps: Int, batch: Int, hidden: Int, cell: RecurrentCell, mask: FloatBuffer?, keepsBackward: Bool = true) {
            self.steps = steps
            self.batch = batch
            self.keepsBackward = keepsBackward
            let N = steps * batch
            // At inference the gates are computed `inferenceChunk` steps at a time into one reused block.
            gates = FloatBuffer(count: (keepsBackward ? N : min(steps, RecurrentLayer.inferenceChunk) * batch) * cell.gateCount * hidden)
            hPrev = FloatBuffer(count: keepsBackward ? N * hidden : 0)
            hNew = FloatBuffer(count: N * hidden)
            self.cell = CellCache(rows: N, hidden: hidden, start: CellState(cell, rows: batch, width: hidden))
            self.mask = mask
        }
    }

    /// Time steps whose input products are computed together at inference: enough rows for an efficient
    /// product, while the gates of a long batch are not all held at once (they were most of translate's
    /// working memory).
    static let inferenceChunk = 8

    /// The time index of processing step k.
    @inline(__always) func time(_ k: Int, _ steps: Int) -> Int { reverse ? steps - 1 - k : k }

    /// The first row of processing step k, and of the step before it (nil for the first).
    private func rows(_ k: Int, _ S: Int, _ B: Int) -> (at: Int, previous: Int?) {
        (time(k, S) * B, k == 0 ? nil : time(k - 1, S) * B)
    }

    /// - Parameters:
    ///   - x: `[S·B, In]`
    ///   - mask: `[S·B]` 1 real, 0 padding; nil: all real
    ///   - output: `[S·B, ≥H]` with leading dimension `outputStride`; y_t is written at columns 0..<H
    ///   - keepsBackward: false at inference: the states each step read are not copied for backward
    /// - Returns: the cache; `writeFinalState` gives the last state. The initial state is zero.
    public func forward(_ store: ParameterStore, x: UnsafePointer<Float>, steps S: Int, batch B: Int,
                        mask: FloatBuffer?, output: UnsafeMutablePointer<Float>, outputStride: Int,
                        keepsBackward: Bool = true) -> Cache {
        let H = hidden, G = cell.gateCount * H
        let cache = Cache(steps: S, batch: B, hidden: H, cell: cell, mask: mask, keepsBackward: keepsBackward)
        let zeros = FloatBuffer(count: B * H)
        /// b + x·Wx for the time steps `times` into the first rows of the gates.
        func inputProducts(_ times: Range<Int>) {
            let gates = cache.gates.pointer
            Rows.broadcast(store.value(bias), rows: times.count * B, columns: G, into: gates, ld: G)
            GEMM.multiply(m: times.count * B, n: G, k: input, a: x + times.lowerBound * B * input, lda: input,
                          b: store.value(wx), ldb: G, beta: 1, c: gates, ldc: G)
        }
        let chunk = keepsBackward ? S : min(S, Self.inferenceChunk)
        var chunkStart = 0  // the first time step whose gates the block holds
        if keepsBackward { inputProducts(0..<S) }
        var hp = UnsafePointer(zeros.pointer)
        let wh = product.prepared(store)
        for k in 0..<S {
            let (rowsAt, previous) = rows(k, S, B)
            if keepsBackward {
                cache.hPrev.row(rowsAt, columns: H).update(from: hp, count: B * H)
            } else if k % chunk == 0 {  // the next chunk's steps, in time order whichever the direction
                let end = min(k + chunk, S), times = reverse ? (S - end)..<(S - k) : k..<end
                inputProducts(times)
                chunkStart = times.lowerBound
            }
            // The gates of this step: row t·B, or at inference its place in the chunk.
            let gateRow = keepsBackward ? rowsAt : rowsAt - chunkStart * B
            let g = cache.gates.row(gateRow, columns: G), step = cache.cell.step(row: rowsAt, after: previous, hidden: H)
            product.forward(store, weight: wh, rows: B, input: hp, ld: H, gates: g, step: step)
            let hn = cache.hNew.row(rowsAt, columns: H)
            step.forward(batch: B, hidden: H, gates: g, hPrev: hp, h: hn, mask: mask.map { UnsafePointer($0.pointer + rowsAt) })
            for b in 0..<B {
                let y = output + (rowsAt + b) * outputStride, h = hn + b * H
                let m: Float = mask.map { $0[rowsAt + b] } ?? 1
                for j in 0..<H { y[j] = m * h[j] }
            }
            hp = UnsafePointer(hn)
        }
        return cache
    }

    /// Copies the state after the last processed step (`[B, H]`) into columns `column..<column+H` of
    /// `state` (`[B, width]`).
    func writeFinalState(_ cache: Cache, into state: CellState, column: Int, width: Int) {
        let row = time(cache.steps - 1, cache.steps) * cache.batch
        cache.cell.copyState(row: row, h: cache.hNew.row(row, columns: hidden), hidden: hidden, rows: cache.batch,
                             into: state, column: column, width: width)
    }

    /// Backward of `forward`: accumulates into the gradients of Wx, Wh and the biases; writes dx.
    /// - Parameters:
    ///   - x: `[S·B, In]` the input forward read
    ///   - dOutput: `[S·B, ≥H]` gradient of y, leading dimension `dOutputStride`
    ///   - dFinal: `[B, H]` gradient reaching the final state (h, and c for the LSTM)
    ///   - dx: `[S·B, In]` written
    func backward(_ store: ParameterStore, cache: Cache, x: UnsafePointer<Float>,
                  dOutput: UnsafePointer<Float>, dOutputStride: Int, dFinal: CellState,
                  dx: UnsafeMutablePointer<Float>) {
        let H = hidden, S = cache.steps, B = cache.batch, G = cell.gateCount * H
        precondition(cache.keepsBackward, "backward of an inference pass")
        let dGates = FloatBuffer(count: S * B * G), dCell = cache.cell.gradient(rows: S * B, hidden: H)
        // The gradient reaching the state each step wrote: h's (`carry`, before dy_t is added) and the LSTM's dc.
        let dState = CellState(cell, rows: B, width: H)
        dState.update(from: dFinal)
        let dh = FloatBuffer(count: B * H), carry = dState.h, weight = product.preparedForBackward(store)
        for k in stride(from: S - 1, through: 0, by: -1) {
            let (rowsAt, previous) = rows(k, S, B)
            // dh = carried gradient + mask · dy_t
            for b in 0..<B {
                let m: Float = cache.mask.map { $0[rowsAt + b] } ?? 1
                let dy = dOutput + (rowsAt + b) * dOutputStride, d = dh.pointer + b * H, c = carry.pointer + b * H
                for j in 0..<H { d[j] = c[j] + m * dy[j] }
            }
            let dg = dGates.row(rowsAt, columns: G)
            let step = cache.cell.stepGradient(row: rowsAt, after: previous, hidden: H, dState: dState, gradient: dCell)
            step.backward(batch: B, hidden: H, gates: cache.gates.row(rowsAt, columns: G), hPrev: cache.hPrev.row(rowsAt, columns: H),
                          mask: cache.mask.map { UnsafePointer($0.pointer + rowsAt) }, dh: dh.pointer, dGates: dg,
                          dhPass: carry.pointer)
            // h_{t−1} feeds step t through Wh: carry = pass-through + d(product)·Whᵀ
            product.backward(store, weight: weight, rows: B, dGates: dg, step: step, dInput: carry.pointer, ld: H, beta: 1)
        }
        // Weight gradients over all steps at once: dWh += Hprevᵀ·dZ, dWx += Xᵀ·dZ, db += Σ dZ.
        product.weightGradients(store, rows: S * B, input: cache.hPrev.pointer, ld: H, dGates: dGates.pointer, cell: dCell)
        GEMM.multiply(transposeA: true, m: input, n: G, k: S * B, a: x, lda: input, b: dGates.pointer,
                      ldb: G, beta: 1, c: store.gradient(wx), ldc: G)
        Rows.addColumnSums(dGates.pointer, rows: S * B, columns: G, ld: G, into: store.gradient(bias))
        GEMM.multiply(transposeB: true, m: S * B, n: input, k: G, a: dGates.pointer, lda: G,
                      b: store.value(wx), ldb: G, c: dx, ldc: input)
    }
}
