import TensorKernels

/// Decoder state for search: R rows, each a hypothesis of one batch sentence; the encoder memory is
/// shared by all rows of a sentence.
public final class InferenceState {
    public let rows: Int
    let h: FloatBuffer, c: FloatBuffer, a: FloatBuffer  // [R, D]; a: the previous attentional vector ã
    let memory: AttentionMemory
    let recurrentWeightT: FloatBuffer  // the decoder's Wrᵀ, made once per batch (AttentionDecoder.stepCore)
    /// The longest source of the batch: the width of attention rows.
    public var sourceSteps: Int { memory.steps }

    init(rows: Int, hidden: Int, memory: AttentionMemory, recurrentWeightT: FloatBuffer) {
        self.rows = rows
        h = FloatBuffer(count: rows * hidden); c = FloatBuffer(count: rows * hidden); a = FloatBuffer(count: rows * hidden)
        self.memory = memory
        self.recurrentWeightT = recurrentWeightT
    }

    /// A state of R rows that shares this one's batch: the same memory and weights.
    func sibling(rows: Int, hidden: Int) -> InferenceState {
        InferenceState(rows: rows, hidden: hidden, memory: memory, recurrentWeightT: recurrentWeightT)
    }
}

extension Seq2Seq {
    /// Encodes B sources once (no dropout) and returns the decoder's start state, row b = sentence b.
    public func start(sources: [[Int32]]) -> InferenceState {
        let batch = Batch(sources: sources, targets: sources.map { _ in [] })
        let B = batch.batchSize, S = batch.sourceSteps, D = configuration.decoderHidden
        var noDropout: SeededGenerator? = nil
        let enc = encoder.forward(parameters, ids: batch.sourceIds, lengths: batch.sourceLengths, steps: S, batch: B,
                                  dropout: 0, generator: &noDropout)
        let memory = decoder.attention.memory(parameters, values: enc.memory, steps: S, batch: B, lengths: batch.sourceLengths)
        let state = InferenceState(rows: B, hidden: D, memory: memory,
                                   recurrentWeightT: decoder.product.transposedWeight(parameters))
        bridge.forward(parameters, batch: B, finalH: enc.finalH.pointer, finalC: enc.finalC.pointer,
                       h0: state.h.pointer, c0: state.c.pointer)
        return state
    }

    /// One step for the R rows: log-probabilities `[R, V]`, attention `[R, S]` (nil for a model without
    /// attention, `model.attention: none`), and the next state.
    /// - Parameters: previous: `[R]` last token per row; sentences: `[R]` the batch sentence of each row
    public func step(_ state: InferenceState, previous: [Int32], sentences: [Int])
        -> (logProbabilities: [Float], attention: [Float]?, next: InferenceState)
    {
        let R = state.rows, D = configuration.decoderHidden, E = configuration.embedding, V = configuration.targetVocabularySize
        precondition(previous.count == R && sentences.count == R, "step: \(R) rows, \(previous.count) tokens, \(sentences.count) sentences")
        let next = state.sibling(rows: R, hidden: D)
        let G = decoder.gateWidth
        let x = FloatBuffer(count: R * E), gates = FloatBuffer(count: R * G)
        let recurrentGates = decoder.cell.separateRecurrent ? FloatBuffer(count: R * G) : nil
        let recurrent = FloatBuffer(count: R * decoder.recurrentWidth), query = FloatBuffer(count: R * decoder.attention.size)
        let alpha = FloatBuffer(count: R * state.memory.steps), z = FloatBuffer(count: R * decoder.zWidth)
        decoder.embedding.forward(parameters, ids: previous, out: x.pointer)
        Rows.broadcast(parameters.value(decoder.bias), rows: R, columns: G, into: gates.pointer, ld: G)
        GEMM.multiply(m: R, n: G, k: E, a: x.pointer, lda: E, b: parameters.value(decoder.wx), ldb: G, beta: 1,
                      c: gates.pointer, ldc: G)
        decoder.fillRecurrent(rows: R, previousA: state.a.pointer, previousH: state.h.pointer, into: recurrent.pointer)
        let source = sentences.map(Int32.init)
        source.withUnsafeBufferPointer { src in
            decoder.stepCore(parameters, rows: R, memory: state.memory, source: src.baseAddress!,
                             recurrentWeightT: state.recurrentWeightT,
                             .init(gates: gates.pointer, recurrent: recurrent.pointer, recurrentGates: recurrentGates?.pointer,
                                   hPrev: state.h.pointer, cPrev: state.c.pointer,
                                   cNew: next.c.pointer, hNew: next.h.pointer, query: query.pointer, alpha: alpha.pointer,
                                   z: z.pointer, a: next.a.pointer))
        }
        var logits = [Float](repeating: 0, count: R * V)
        logits.withUnsafeMutableBufferPointer { out in
            decoder.output.forward(parameters, rows: R, input: next.a.pointer, logits: out.baseAddress!)
            SoftmaxKernel.logSoftmax(rows: R, vocabulary: V, values: out.baseAddress!)
        }
        return (logits, configuration.attention == .none ? nil : alpha.array, next)
    }

    /// New row i continues old row `rows[i]`.
    public func reorder(_ state: InferenceState, rows: [Int]) -> InferenceState {
        let D = configuration.decoderHidden
        let next = state.sibling(rows: rows.count, hidden: D)
        for (i, r) in rows.enumerated() {
            precondition(r >= 0 && r < state.rows, "reorder: row \(r) outside 0..<\(state.rows)")
            (next.h.pointer + i * D).update(from: state.h.pointer + r * D, count: D)
            (next.c.pointer + i * D).update(from: state.c.pointer + r * D, count: D)
            (next.a.pointer + i * D).update(from: state.a.pointer + r * D, count: D)
        }
        return next
    }
}
