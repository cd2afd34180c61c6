import TensorKernels

/// The whole model: source embedding → bidirectional recurrent encoder → bridge → attention decoder → output
/// layer. It reads no file, recipe or argv (ARCHITECTURE.md); all its parameters live in one store.
public final class Seq2Seq: @unchecked Sendable {
    public let configuration: ModelConfiguration
    public let parameters: ParameterStore
    let encoder: RecurrentEncoder
    let bridge: Bridge
    let decoder: AttentionDecoder
    /// Set by `prepareInference(precision: .int8 or .bf16)`: the decoder's weights in reduced precision for translation.
    var reducedPrecisionDecoder: ReducedPrecisionDecoder?

    public static func parameterShapes(_ c: ModelConfiguration) -> [(String, Int, Int)] {
        RecurrentEncoder.shapes(c) + Bridge.shapes(c) + AttentionDecoder.shapes(c)
    }

    /// A model with uniform initial weights in [−initScale, initScale] from `seed` (all 0 when initScale is 0).
    /// Then every cell (encoder and decoder) sets its own start biases: with LSTM cells `forgetBias` is the
    /// start value of every forget gate's bias (`RecurrentCell.initializeBias`); other cells have no forget gate.
    public init(configuration c: ModelConfiguration, seed: UInt64, initScale: Float = 0.1, forgetBias: Float = 0) {
        do { try c.validate() } catch { preconditionFailure("an invalid model configuration reached Seq2Seq: \(error)") }
        configuration = c
        parameters = ParameterStore(shapes: Self.parameterShapes(c))
        // A scale of 0 leaves every weight 0: `load` overwrites them all anyway, and drawing 13M random
        // numbers first was most of the model load time.
        if initScale > 0 {
            var generator = SeededGenerator(seed: seed)
            parameters.initializeUniform(scale: initScale, generator: &generator)
        }
        encoder = RecurrentEncoder(store: parameters, configuration: c)
        bridge = Bridge(store: parameters, cell: c.cell)
        decoder = AttentionDecoder(store: parameters, configuration: c)
        encoder.initializeBiases(parameters, forgetBias: forgetBias)
        decoder.initializeBias(parameters, forgetBias: forgetBias)
    }

    /// What a training forward pass keeps for backward.
    public final class Cache {
        let batch: Batch
        let encoder: RecurrentEncoder.Cache
        let decoder: AttentionDecoder.Cache
        let start: CellState  // [B, D] the decoder's first state
        let dLogits: FloatBuffer  // [T·B, V] the gradient of the mean loss, written by forward
        public let loss: Double  // summed label-smoothed loss
        public let nll: Double  // summed negative log-likelihood (perplexity = exp(nll / tokens))
        public let tokens: Int
        public let correct: Int

        init(batch: Batch, encoder: RecurrentEncoder.Cache, decoder: AttentionDecoder.Cache, start: CellState,
             dLogits: FloatBuffer, result: (loss: Double, nll: Double, tokens: Int, correct: Int)) {
            self.batch = batch; self.encoder = encoder; self.decoder = decoder; self.start = start
            self.dLogits = dLogits
            (loss, nll, tokens, correct) = result
        }
    }

    /// Teacher-forced forward pass and loss. With a generator, dropout (and scheduled sampling when
    /// `teacherForcing` < 1) are on; without one, the pass is deterministic evaluation.
    /// The cache holds the gradient of loss × `lossScale` (default 1/tokens, the mean) with respect to the
    /// logits, ready for `backward`; an update of several batches scales each by 1/(the update's tokens).
    public func forward(_ batch: Batch, labelSmoothing: Float = 0, teacherForcing: Float = 1,
                        generator: inout SeededGenerator?, computeGradient: Bool = true, lossScale: Float? = nil) -> Cache {
        let c = configuration, B = batch.batchSize, S = batch.sourceSteps, T = batch.targetSteps, D = c.decoderHidden
        let enc = encoder.forward(parameters, ids: batch.sourceIds, lengths: batch.sourceLengths, steps: S, batch: B,
                                  dropout: c.dropout, generator: &generator)
        let memory = decoder.memory(parameters, values: enc.memory, steps: S, batch: B, lengths: batch.sourceLengths)
        let start = CellState(c.cell, rows: B, width: D)
        bridge.forward(parameters, batch: B, final: enc.final, start: start)
        let dec = decoder.forward(parameters, inputIds: batch.targetInput, steps: T, batch: B, memory: memory,
                                  start: start, dropout: c.dropout, teacherForcing: teacherForcing, generator: &generator)
        let V = c.targetVocabularySize
        let logits = FloatBuffer(count: T * B * V)
        decoder.logits(parameters, cache: dec, into: logits.pointer)
        let result = SoftmaxKernel.crossEntropy(rows: T * B, vocabulary: V, logits: logits.pointer, targets: batch.targetOutput,
                                                ignoreIndex: SpecialTokens.pad, smoothing: labelSmoothing,
                                                scale: lossScale ?? 1 / Float(max(batch.targetTokens, 1)),
                                                writeGradient: computeGradient)
        return Cache(batch: batch, encoder: enc, decoder: dec, start: start, dLogits: logits, result: result)
    }

    /// Backward of the mean loss: accumulates into `parameters.gradients` (the trainer zeroes them).
    /// The forward read in reverse, with the same names in the same order.
    /// - Parameter probe: an observer of the gradient reaching source step 0 (the vanishing-gradient experiment)
    public func backward(_ cache: Cache, probe: FirstStepGradientProbe? = nil) {
        let c = configuration, B = cache.batch.batchSize, S = cache.batch.sourceSteps
        let D = c.decoderHidden, H2 = 2 * c.encoderHidden
        let dMemory = FloatBuffer(count: S * B * H2)
        let dStart = CellState(c.cell, rows: B, width: D)
        decoder.backward(parameters, cache: cache.decoder, dLogits: cache.dLogits.pointer, dMemory: dMemory, dStart: dStart)
        let dFinal = CellState(c.cell, rows: B, width: H2)
        bridge.backward(parameters, batch: B, final: cache.encoder.final, start: cache.start, dStart: dStart, dFinal: dFinal)
        encoder.backward(parameters, cache: cache.encoder, dMemory: dMemory, dFinal: dFinal, probe: probe)
    }
}
