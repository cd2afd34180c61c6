import XCTest
import Seq2SeqModel
import TensorKernels
import TestSupport

/// Finite-difference checks of the whole model's backward pass (STYLE.md habit 2): tiny dimensions,
/// a 3-sentence padded batch, every parameter tensor sampled.
final class ModelGradientTests: XCTestCase {
    static func tinyConfiguration(dropout: Float = 0, layers: Int = 1, inputFeeding: Bool = true, tied: Bool = false,
                                  cell: RecurrentCell = .lstm, attention: AttentionScore = .bahdanau) -> ModelConfiguration {
        // luong_dot scores h·M, so it needs D = 2H.
        ModelConfiguration(sourceVocabularySize: 7, targetVocabularySize: 7, embedding: tied ? 5 : 3, encoderHidden: 4,
                           encoderLayers: layers, decoderHidden: attention == .luongDot ? 8 : 5, attentionSize: 3,
                           inputFeeding: inputFeeding, tieEmbeddings: tied, dropout: dropout, cell: cell, attention: attention)
    }

    /// Every cell with every attention score.
    static let variants: [(RecurrentCell, AttentionScore)] = RecurrentCell.allCases.flatMap { cell in
        AttentionScore.allCases.map { (cell, $0) }
    }

    /// Three sentences of different lengths, so both sides have padding.
    static let batch = Batch(sources: [[4, 5, 6, 4], [5, 6], [6]], targets: [[4, 6], [5, 5, 6], [6]])

    /// Summed loss for the current parameters; dropout (if any) replays the same masks every call.
    private func summedLoss(_ model: Seq2Seq, smoothing: Float, teacherForcing: Float = 1) -> Double {
        var generator: SeededGenerator? = model.configuration.dropout > 0 || teacherForcing < 1 ? SeededGenerator(seed: 99) : nil
        return model.forward(Self.batch, labelSmoothing: smoothing, teacherForcing: teacherForcing, generator: &generator,
                             computeGradient: false).loss
    }

    private func checkEveryParameter(_ model: Seq2Seq, smoothing: Float, teacherForcing: Float = 1, label: String = "",
                                     file: StaticString = #filePath, line: UInt = #line) {
        var generator: SeededGenerator? = model.configuration.dropout > 0 || teacherForcing < 1 ? SeededGenerator(seed: 99) : nil
        model.parameters.zeroGradients()
        let cache = model.forward(Self.batch, labelSmoothing: smoothing, teacherForcing: teacherForcing, generator: &generator)
        model.backward(cache)
        let tokens = Float(cache.tokens)
        let store = model.parameters
        for view in store.views {
            var numeric: [Int: Double] = [:]
            let indices = GradientCheck.sampleIndices(count: view.count, maximum: 12, seed: UInt64(view.offset + 1))
            for i in Set(indices) {
                let at = view.offset + i, saved = store.values[at], epsilon: Float = 1e-2
                store.values[at] = saved + epsilon
                let plus = summedLoss(model, smoothing: smoothing, teacherForcing: teacherForcing)
                store.values[at] = saved - epsilon
                let minus = summedLoss(model, smoothing: smoothing, teacherForcing: teacherForcing)
                store.values[at] = saved
                numeric[i] = (plus - minus) / Double(2 * epsilon)
            }
            let analytic = (0..<view.count).map { store.gradients[view.offset + $0] * tokens }
            // Float central differences of this summed loss are noisy to about 1e-4, hence the floor 3e-4. Some
            // tensors' gradients stay below it at these sizes (attention's at every cell, the encoder's recurrent
            // weights without attention), so this check cannot ask each tensor for a gradient above the floor;
            // LayerGradientTests checks those layers entry by entry against Double references, to about 1e-6.
            GradientCheck.assertClose(analytic: analytic, numeric: numeric, relative: 3e-2, absolute: 3e-4, requireSignal: false,
                                      label + view.name, file: file, line: line)
        }
    }

    func testWholeModelGradientMatchesFiniteDifferences() {
        checkEveryParameter(Seq2Seq(configuration: Self.tinyConfiguration(), seed: 1, initScale: 0.5), smoothing: 0.1)
    }

    func testWholeModelGradientWithDropoutTwoLayersAndTiedEmbeddings() {
        let model = Seq2Seq(configuration: Self.tinyConfiguration(dropout: 0.3, layers: 2, tied: true), seed: 2, initScale: 0.5)
        checkEveryParameter(model, smoothing: 0)
    }

    func testWholeModelGradientWithoutInputFeeding() {
        checkEveryParameter(Seq2Seq(configuration: Self.tinyConfiguration(inputFeeding: false), seed: 3, initScale: 0.5), smoothing: 0)
    }

    func testGRUAndRNNCellsWithEveryAttentionMatchFiniteDifferences() {
        for (i, (cell, attention)) in Self.variants.enumerated() where cell != .lstm || attention != .bahdanau {
            let model = Seq2Seq(configuration: Self.tinyConfiguration(cell: cell, attention: attention), seed: UInt64(20 + i),
                                initScale: 0.5)
            checkEveryParameter(model, smoothing: 0.1, label: "\(cell) + \(attention): ")
        }
    }

    func testGRUWithDropoutTwoLayersAndNoInputFeedingMatchesFiniteDifferences() {
        for cell in [RecurrentCell.gru, .rnn] {
            let model = Seq2Seq(configuration: Self.tinyConfiguration(dropout: 0.3, layers: 2, inputFeeding: false, cell: cell,
                                                                      attention: .luongGeneral), seed: 31, initScale: 0.5)
            checkEveryParameter(model, smoothing: 0, label: "\(cell): ")
        }
    }

    /// The cell decides which parameters exist: GRU has recurrent biases, only LSTM has a cell-state bridge.
    func testParametersFollowTheCell() {
        func names(_ cell: RecurrentCell, _ attention: AttentionScore = .bahdanau) -> Set<String> {
            Set(Seq2Seq(configuration: Self.tinyConfiguration(cell: cell, attention: attention), seed: 1).parameters.views.map(\.name))
        }
        XCTAssertTrue(names(.lstm).isSuperset(of: ["bridge.wc", "bridge.bc", "encoder.0.forward.wh"]))
        XCTAssertTrue(names(.gru).isSuperset(of: ["decoder.bh", "encoder.0.forward.bh", "encoder.0.backward.bh"]))
        XCTAssertFalse(names(.gru).contains("bridge.wc"))
        XCTAssertFalse(names(.rnn).contains("decoder.bh"))
        XCTAssertEqual(Seq2Seq(configuration: Self.tinyConfiguration(cell: .gru), seed: 1).parameters.view("decoder.wx").columns, 3 * 5)
        XCTAssertEqual(Seq2Seq(configuration: Self.tinyConfiguration(cell: .rnn), seed: 1).parameters.view("decoder.wx").columns, 5)
        XCTAssertTrue(names(.lstm, .luongGeneral).contains("attention.wk"))
        XCTAssertFalse(names(.lstm, .luongDot).contains { $0.hasPrefix("attention.") })
        // Without attention z = h: the attentional layer reads D rows, no context.
        XCTAssertFalse(names(.gru, .none).contains { $0.hasPrefix("attention.") })
        XCTAssertEqual(Seq2Seq(configuration: Self.tinyConfiguration(attention: .none), seed: 1).parameters.view("decoder.wc").rows, 5)
        XCTAssertEqual(Seq2Seq(configuration: Self.tinyConfiguration(), seed: 1).parameters.view("decoder.wc").rows, 2 * 4 + 5)
    }

    /// `forgetBias` sets exactly the forget block (i, f, g, o) of every LSTM bias and nothing else; GRU ignores it.
    func testForgetBiasSetsTheLSTMForgetGatesOnly() {
        let configuration = Self.tinyConfiguration(layers: 2)
        let opened = Seq2Seq(configuration: configuration, seed: 3, forgetBias: 1), plain = Seq2Seq(configuration: configuration, seed: 3)
        for name in ["encoder.0.forward.b", "encoder.1.backward.b", "decoder.b"] {
            let b = opened.parameters.view(name), H = b.columns / 4
            let values = (0..<b.count).map { opened.parameters.values[b.offset + $0] }
            let before = (0..<b.count).map { plain.parameters.values[b.offset + $0] }
            XCTAssertEqual(Array(values[H..<(2 * H)]), [Float](repeating: 1, count: H), name)
            XCTAssertEqual(Array(values[..<H] + values[(2 * H)...]), Array(before[..<H] + before[(2 * H)...]), name)
        }
        let changed = (0..<opened.parameters.count).filter { opened.parameters.values[$0] != plain.parameters.values[$0] }
        XCTAssertEqual(changed.count, 4 * 4 + 5, "two layers × two directions × H 4, and the decoder's D 5")
        let gru = Seq2Seq(configuration: Self.tinyConfiguration(cell: .gru), seed: 3, forgetBias: 1)
        XCTAssertEqual(gru.parameters.values.array, Seq2Seq(configuration: Self.tinyConfiguration(cell: .gru), seed: 3).parameters.values.array)
    }

    /// The first-step gradient norm is the part that travelled through the forward direction. Without attention
    /// and with the forward RNN's recurrent weights at 0, step 0 of a sentence of two or more tokens reaches the
    /// loss only through the backward direction: the norm is exactly 0 while the embeddings still get gradient.
    func testFirstStepGradientNormCountsTheForwardDirectionOnly() {
        let model = Seq2Seq(configuration: Self.tinyConfiguration(cell: .rnn, attention: .none), seed: 9, initScale: 0.5)
        let batch = Batch(sources: [[4, 5, 6], [5, 6]], targets: [[4, 6], [5]])
        let store = model.parameters
        func backward() -> Double {
            var generator: SeededGenerator? = nil
            store.zeroGradients()
            let probe = FirstStepGradientProbe()
            model.backward(model.forward(batch, generator: &generator), probe: probe)
            return probe.norm
        }
        XCTAssertGreaterThan(backward(), 1e-6, "the forward recurrence carries step 0 to the final state")
        let wh = store.view("encoder.0.forward.wh")
        for i in 0..<wh.count { store.values[wh.offset + i] = 0 }
        XCTAssertEqual(backward(), 0, "no forward path from step 0 to the loss")
        let table = store.view("source.embedding")
        let firstTokens = (0..<table.columns).map { store.gradients[table.offset + 4 * table.columns + $0] }
        XCTAssertGreaterThan(firstTokens.map { abs($0) }.max() ?? 0, 0, "the backward direction still reaches step 0")
    }

    func testScheduledSamplingGradientMatchesFiniteDifferences() {
        checkEveryParameter(Seq2Seq(configuration: Self.tinyConfiguration(), seed: 4, initScale: 0.5), smoothing: 0,
                            teacherForcing: 0.5)
    }

    /// Padding ids never receive gradient: their embedding rows stay exactly zero.
    func testPaddingGetsExactlyZeroGradient() {
        let model = Seq2Seq(configuration: Self.tinyConfiguration(), seed: 5, initScale: 0.5)
        var generator: SeededGenerator? = nil
        model.parameters.zeroGradients()
        model.backward(model.forward(Self.batch, generator: &generator))
        for name in ["source.embedding", "target.embedding"] {
            let view = model.parameters.view(name)
            let padRow = (0..<view.columns).map { model.parameters.gradients[view.offset + $0] }
            XCTAssertEqual(padRow, [Float](repeating: 0, count: view.columns), "\(name) row <pad>")
            let used = (0..<view.columns).map { model.parameters.gradients[view.offset + 6 * view.columns + $0] }
            XCTAssertNotEqual(used, [Float](repeating: 0, count: view.columns), "\(name) row 6 is used and must get gradient")
        }
    }

    /// Backward accumulates: calling it twice doubles every gradient.
    func testBackwardAccumulates() {
        let model = Seq2Seq(configuration: Self.tinyConfiguration(), seed: 6, initScale: 0.5)
        var generator: SeededGenerator? = nil
        let cache = model.forward(Self.batch, generator: &generator)
        model.parameters.zeroGradients()
        model.backward(cache)
        let once = model.parameters.gradients.array
        model.backward(cache)
        let twice = model.parameters.gradients.array
        for i in once.indices { XCTAssertEqual(twice[i], 2 * once[i], accuracy: 1e-6 * max(1, abs(once[i]))) }
    }

    /// A padded batch gives each sentence the loss it gets alone, for every cell and attention.
    func testPaddedBatchEqualsEachSentenceAlone() {
        for (cell, attention) in Self.variants {
            let model = Seq2Seq(configuration: Self.tinyConfiguration(cell: cell, attention: attention), seed: 7, initScale: 0.5)
            checkPaddedBatch(model, label: "\(cell) + \(attention)")
        }
    }

    private func checkPaddedBatch(_ model: Seq2Seq, label: String) {
        var generator: SeededGenerator? = nil
        let together = model.forward(Self.batch, generator: &generator, computeGradient: false).loss
        let sources: [[Int32]] = [[4, 5, 6, 4], [5, 6], [6]], targets: [[Int32]] = [[4, 6], [5, 5, 6], [6]]
        var alone = 0.0
        for i in 0..<3 {
            alone += model.forward(Batch(sources: [sources[i]], targets: [targets[i]]), generator: &generator,
                                   computeGradient: false).loss
        }
        XCTAssertEqual(together, alone, accuracy: 1e-4 * abs(alone), label)
    }

    func testSameSeedGivesTheSameWeightsBitForBit() {
        let a = Seq2Seq(configuration: Self.tinyConfiguration(), seed: 42)
        let b = Seq2Seq(configuration: Self.tinyConfiguration(), seed: 42)
        let c = Seq2Seq(configuration: Self.tinyConfiguration(), seed: 43)
        XCTAssertEqual(a.parameters.values.array, b.parameters.values.array)
        XCTAssertNotEqual(a.parameters.values.array, c.parameters.values.array)
    }
}
