import TensorKernels

/// Everything one batch's search needs beyond the per-row state, made once by `Seq2Seq.start`: the
/// encoder memory, the prepared recurrent weight, and the step's buffers, sized for the batch's largest
/// row count (B·K for beam K) so that no step allocates. State buffers are recycled: a state returns
/// its buffers here when search lets go of it.
final class InferenceBatch {
    let memory: AttentionMemory
    let recurrentWeight: PreparedWeight
    private let decoder: AttentionDecoder
    private let vocabulary: Int
    private(set) var capacity = 0
    // The step's scratch, [capacity, ·] each.
    private(set) var x = FloatBuffer(count: 0), gates = FloatBuffer(count: 0)
    private(set) var recurrentGates = FloatBuffer(count: 0)  // GRU's b_h + h₋·W_h [capacity, 3D]; empty for the others
    private(set) var recurrent = FloatBuffer(count: 0), query = FloatBuffer(count: 0), alpha = FloatBuffer(count: 0)
    private(set) var z = FloatBuffer(count: 0)
    private(set) var rowSources: [Int32] = []  // [capacity] the batch sentence of each row
    /// The logits of the last step, log-probabilities once normalised: handed to search as they are (an
    /// array shares its storage until written, so nothing is copied when search lets go of it in time).
    var logits: [Float] = []
    /// With a shortlist: the output layer's chosen columns and the `[capacity, V′]` logits they give;
    /// the other entries of `logits` stay −∞.
    let subset: OutputSubset?
    private(set) var subsetLogits = FloatBuffer(count: 0)
    /// How Wc is read; with int8 or bf16, also the output layer in that precision (the shortlist's columns
    /// when there is one).
    let combineWeight: PreparedWeight
    let reducedOutput: (any ReducedPrecisionMatrix)?
    let scratch = ProductScratch()
    private var spare: [StateBuffers] = []

    init(decoder: AttentionDecoder, memory: AttentionMemory, store: ParameterStore, reduced: ReducedPrecisionDecoder?,
         capacity: Int, vocabulary: Int, subset: OutputSubset?) {
        self.memory = memory; self.decoder = decoder; self.vocabulary = vocabulary
        self.subset = subset
        if let reduced {
            recurrentWeight = .reduced(reduced.recurrent, scratch)
            combineWeight = .reduced(reduced.combine, scratch)
            reducedOutput = subset.map { reduced.output.gathering(columns: $0.ids) } ?? reduced.output
        } else {
            recurrentWeight = decoder.product.prepared(store)
            combineWeight = .stored
            reducedOutput = nil
        }
        reserve(rows: capacity)
    }

    /// Sizes the scratch for `rows` rows (once per batch unless a caller asks for more rows than it said).
    func reserve(rows: Int) {
        guard rows > capacity else { return }
        let d = decoder
        capacity = rows
        x = FloatBuffer(count: rows * d.embedding.table.columns)
        gates = FloatBuffer(count: rows * d.gateWidth)
        recurrentGates = FloatBuffer(count: d.cell.separateRecurrent ? rows * d.gateWidth : 0)
        recurrent = FloatBuffer(count: rows * d.recurrentWidth)
        query = FloatBuffer(count: rows * d.attentionSize)
        alpha = FloatBuffer(count: rows * memory.steps)
        z = FloatBuffer(count: rows * d.zWidth)
        rowSources = [Int32](repeating: 0, count: rows)
        logits.reserveCapacity(rows * vocabulary)
        if let subset { subsetLogits = FloatBuffer(count: rows * subset.ids.count) }
        spare.removeAll()
    }

    func setRowSources(_ sentences: [Int]) { for (r, b) in sentences.enumerated() { rowSources[r] = Int32(b) } }

    func buffers(rows: Int) -> StateBuffers {
        reserve(rows: rows)
        return spare.popLast() ?? StateBuffers(capacity: capacity, hidden: decoder.hidden, cell: decoder.cell)
    }

    func recycle(_ buffers: StateBuffers) { if buffers.capacity == capacity { spare.append(buffers) } }
}

/// The cell's state (h, and c for the LSTM) and ã, `[capacity, D]` each, of one decoder state.
final class StateBuffers {
    let capacity: Int
    let cell: CellState, a: FloatBuffer
    init(capacity: Int, hidden: Int, cell: RecurrentCell) {
        self.capacity = capacity
        self.cell = CellState(cell, rows: capacity, width: hidden)
        a = FloatBuffer(count: capacity * hidden)
    }
}

/// Decoder state for search: R rows, each a hypothesis of one batch sentence; the encoder memory is
/// shared by all rows of a sentence. Use a state from one thread at a time.
public final class InferenceState {
    public let rows: Int
    let batch: InferenceBatch
    let buffers: StateBuffers
    /// The longest source of the batch: the width of attention rows.
    public var sourceSteps: Int { batch.memory.steps }

    init(rows: Int, batch: InferenceBatch) {
        self.rows = rows
        self.batch = batch
        buffers = batch.buffers(rows: rows)
    }

    deinit { batch.recycle(buffers) }
}

extension Seq2Seq {
    /// Encodes B sources once (no dropout) and returns the decoder's start state, row b = sentence b.
    /// - Parameters:
    ///   - rowsPerSentence: the most rows a sentence will have (the beam size): the step's buffers are sized
    ///     for B times that
    ///   - candidates: ascending target ids to score (a vocabulary shortlist); the others get −∞. nil: all.
    public func start(sources: [[Int32]], rowsPerSentence: Int = 1, candidates: [Int32]? = nil) -> InferenceState {
        let batch = Batch(sources: sources, targets: sources.map { _ in [] })
        let B = batch.batchSize, S = batch.sourceSteps
        var noDropout: SeededGenerator? = nil
        let enc = encoder.forward(parameters, ids: batch.sourceIds, lengths: batch.sourceLengths, steps: S, batch: B,
                                  dropout: 0, generator: &noDropout, keepsBackward: false)
        let memory = decoder.memory(parameters, values: enc.memory, steps: S, batch: B, lengths: batch.sourceLengths)
        let context = InferenceBatch(decoder: decoder, memory: memory, store: parameters, reduced: reducedPrecisionDecoder,
                                     capacity: B * max(rowsPerSentence, 1), vocabulary: configuration.targetVocabularySize,
                                     subset: candidates.map { decoder.outputSubset(parameters, ids: $0, f32Weights: reducedPrecisionDecoder == nil) })
        let state = InferenceState(rows: B, batch: context)  // fresh buffers: ã₋₁ = 0
        bridge.forward(parameters, batch: B, final: enc.final, start: state.buffers.cell)
        return state
    }

    /// One step for the R rows: log-probabilities `[R, V]`, the attention `[R, S]` when `attention` is true
    /// and the model has attention (nil otherwise), and the next state.
    /// - Parameters: previous: `[R]` last token per row; sentences: `[R]` the batch sentence of each row
    public func step(_ state: InferenceState, previous: [Int32], sentences: [Int], attention wantsAttention: Bool = true)
        -> (logProbabilities: [Float], attention: [Float]?, next: InferenceState)
    {
        let R = state.rows, V = configuration.targetVocabularySize, batch = state.batch
        precondition(previous.count == R && sentences.count == R, "step: \(R) rows, \(previous.count) tokens, \(sentences.count) sentences")
        let next = InferenceState(rows: R, batch: batch)
        batch.setRowSources(sentences)
        decoder.embedding.forward(parameters, ids: previous, out: batch.x.pointer)
        decoder.inputProjection(parameters, rows: R, x: batch.x.pointer, into: batch.gates.pointer)
        let s = AttentionDecoder.StepBuffers(
            gates: batch.gates.pointer, recurrent: batch.recurrent.pointer,
            cell: state.buffers.cell.step(to: next.buffers.cell, recurrent: batch.recurrentGates.pointer),
            hPrev: state.buffers.cell.h.pointer, hNew: next.buffers.cell.h.pointer, query: batch.query.pointer,
            alpha: batch.alpha.pointer, z: batch.z.pointer, a: next.buffers.a.pointer)
        decoder.step(parameters, rows: R, memory: batch.memory, source: batch.rowSources, recurrentWeight: batch.recurrentWeight,
                     combineWeight: batch.combineWeight, previousA: state.buffers.a.pointer, s)
        // The array is uniquely held again once search has let go of the previous step's output.
        var logits = batch.logits
        batch.logits = []
        if logits.count > R * V { logits.removeLast(logits.count - R * V) }
        if logits.count < R * V { logits.append(contentsOf: repeatElement(-.infinity, count: R * V - logits.count)) }
        decoder.logProbabilities(parameters, rows: R, a: next.buffers.a.pointer, batch: batch, into: &logits)
        batch.logits = logits
        let S = batch.memory.steps
        let attention = wantsAttention && configuration.attention != .none
            ? Array(UnsafeBufferPointer(start: batch.alpha.pointer, count: R * S)) : nil
        return (logits, attention, next)
    }

    /// New row i continues old row `rows[i]`.
    public func reorder(_ state: InferenceState, rows: [Int]) -> InferenceState {
        let D = configuration.decoderHidden
        let next = InferenceState(rows: rows.count, batch: state.batch)
        let from = state.buffers, to = next.buffers
        for (i, r) in rows.enumerated() {
            precondition(r >= 0 && r < state.rows, "reorder: row \(r) outside 0..<\(state.rows)")
            to.cell.copyRow(r, of: from.cell, to: i, width: D)
            (to.a.pointer + i * D).update(from: from.a.pointer + r * D, count: D)
        }
        return next
    }
}

extension AttentionDecoder {
    /// The output layer restricted to the ascending target ids `ids` (a vocabulary shortlist).
    func outputSubset(_ store: ParameterStore, ids: [Int32], f32Weights: Bool = true) -> OutputSubset {
        OutputSubset(output, store: store, ids: ids, f32Weights: f32Weights)
    }

    /// One search step's output: log-probabilities `[R, V]` of the R rows' ã (leading dimension D) into
    /// `logits`, through the batch's shortlist (the other entries stay −∞, as the caller left them) and
    /// reduced-precision output weights when it has them.
    func logProbabilities(_ store: ParameterStore, rows R: Int, a: UnsafePointer<Float>, batch: InferenceBatch,
                          into logits: inout [Float]) {
        let V = output.vocabulary
        if let subset = batch.subset {
            // Only the shortlist's columns are scored and normalised; the rest of each row stays −∞.
            let n = subset.ids.count, compact = batch.subsetLogits.pointer
            subset.forward(rows: R, input: a, logits: compact, reduced: batch.reducedOutput, scratch: batch.scratch)
            SoftmaxKernel.logSoftmax(rows: R, vocabulary: n, values: compact)
            logits.withUnsafeMutableBufferPointer { out in
                for r in 0..<R {
                    let from = compact + r * n
                    for (k, id) in subset.ids.enumerated() { out[r * V + Int(id)] = from[k] }
                }
            }
        } else if let reduced = batch.reducedOutput {
            Rows.broadcast(store.value(output.bias), rows: R, columns: V, into: &logits, ld: V)
            reduced.multiplyAdd(m: R, a: a, lda: hidden, c: &logits, ldc: V, scratch: batch.scratch)
            SoftmaxKernel.logSoftmax(rows: R, vocabulary: V, values: &logits)
        } else {
            output.forward(store, rows: R, input: a, logits: &logits)
            SoftmaxKernel.logSoftmax(rows: R, vocabulary: V, values: &logits)
        }
    }
}
