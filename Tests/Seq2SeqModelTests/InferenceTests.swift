import XCTest
import Seq2SeqModel
import TensorKernels
import TestSupport

final class InferenceTests: XCTestCase {
    /// Step-by-step decoding along the gold prefix scores each target exactly as the teacher-forced pass.
    func testIncrementalStepsReproduceTeacherForcedLogLikelihood() {
        for (cell, attention) in ModelGradientTests.variants {
            let configuration = ModelGradientTests.tinyConfiguration(cell: cell, attention: attention)
            checkIncrementalSteps(Seq2Seq(configuration: configuration, seed: 8, initScale: 0.5), label: "\(cell) + \(attention)")
        }
    }

    private func checkIncrementalSteps(_ model: Seq2Seq, label: String) {
        let sources: [[Int32]] = [[4, 5, 6, 4], [5, 6], [6], []]
        let targets: [[Int32]] = [[4, 6], [5, 5, 6], [6], [5]]
        var generator: SeededGenerator? = nil
        let nll = model.forward(Batch(sources: sources, targets: targets), generator: &generator, computeGradient: false).nll
        var state = model.start(sources: sources)
        var previous = [Int32](repeating: 2, count: 4)
        var total = 0.0
        let V = model.configuration.targetVocabularySize
        for t in 0...3 {
            let (logProbabilities, attention, next) = model.step(state, previous: previous, sentences: [0, 1, 2, 3])
            for b in 0..<4 {
                let gold: Int32? = t < targets[b].count ? targets[b][t] : (t == targets[b].count ? 3 : nil)
                if let gold { total -= Double(logProbabilities[b * V + Int(gold)]) }
                previous[b] = gold ?? 3
                let rowSum = (0..<V).reduce(Float(0)) { $0 + FastMath.exp(logProbabilities[b * V + $1]) }
                XCTAssertEqual(rowSum, 1, accuracy: 1e-4)
                // A model without attention returns no weights; otherwise they sum to 1 over a real source.
                guard let attention else {
                    XCTAssertEqual(model.configuration.attention, AttentionScore.none, "\(label): attention weights are missing")
                    continue
                }
                XCTAssertNotEqual(model.configuration.attention, AttentionScore.none, label)
                let width = state.sourceSteps
                let weights = attention[(b * width)..<((b + 1) * width)]
                XCTAssertEqual(weights.reduce(0, +), sources[b].isEmpty ? 0 : 1, accuracy: 1e-5, label)
                XCTAssertTrue(weights.dropFirst(sources[b].count).allSatisfy { $0 == 0 }, "padding gets zero attention")
            }
            state = next
        }
        XCTAssertEqual(total, nll, accuracy: 1e-4 * nll, label)
    }

    /// Reordering rows duplicates and drops hypotheses: a duplicated row scores like its original.
    /// Each cell reorders its own state (h, and c for the LSTM): a reordered row continues exactly as the row it copies.
    func testReorderDuplicatesRows() {
        for cell in RecurrentCell.allCases {
            let model = Seq2Seq(configuration: ModelGradientTests.tinyConfiguration(cell: cell), seed: 9, initScale: 0.5)
            let state = model.start(sources: [[4, 5], [6]])
            let first = model.step(state, previous: [2, 2], sentences: [0, 1])
            let reordered = model.reorder(first.next, rows: [1, 1, 0])
            let second = model.step(reordered, previous: [4, 4, 5], sentences: [1, 1, 0])
            let V = model.configuration.targetVocabularySize
            XCTAssertEqual(Array(second.logProbabilities[0..<V]), Array(second.logProbabilities[V..<(2 * V)]), "\(cell)")
            let direct = model.step(first.next, previous: [5, 4], sentences: [0, 1])
            XCTAssertEqual(Array(second.logProbabilities[(2 * V)..<(3 * V)]), Array(direct.logProbabilities[0..<V]), "\(cell)")
            XCTAssertNotEqual(Array(second.logProbabilities[0..<V]), Array(direct.logProbabilities[0..<V]), "\(cell): rows differ")
        }
    }

    func testCheckpointRoundTripAndShapeMismatch() throws {
        let model = Seq2Seq(configuration: ModelGradientTests.tinyConfiguration(), seed: 10)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.safetensors").path
        try model.save(to: path, metadata: ["step": "12"])
        let (loaded, metadata) = try Seq2Seq.load(path: path)
        XCTAssertEqual(loaded.parameters.values.array, model.parameters.values.array)
        XCTAssertEqual(loaded.configuration, model.configuration)
        XCTAssertEqual(metadata["step"], "12")
        var other = ModelGradientTests.tinyConfiguration()
        other.targetVocabularySize = 9
        XCTAssertThrowsError(try Seq2Seq(configuration: other, seed: 1).loadWeights(try SafeTensors.read(path: path), path: path)) { error in
            XCTAssertTrue("\(error)".contains("target.embedding"), "\(error)")
        }
        XCTAssertThrowsError(try Seq2Seq.load(path: dir.appendingPathComponent("none").path)) { error in
            XCTAssertTrue("\(error)".contains("nmt train"), "\(error)")
        }
    }
}

final class InferenceWorkspaceTests: XCTestCase {
    private let sources: [[Int32]] = [[4, 5, 6, 4], [5, 6], [6, 5, 5]]

    /// Runs greedy steps along fixed tokens and returns every step's log-probabilities.
    private func steps(_ model: Seq2Seq, sources: [[Int32]], candidates: [Int32]? = nil, count: Int = 3) -> [[Float]] {
        var state = model.start(sources: sources, candidates: candidates)
        var previous = [Int32](repeating: 2, count: sources.count)
        var all: [[Float]] = []
        for t in 0..<count {
            let result = model.step(state, previous: previous, sentences: Array(sources.indices))
            all.append(result.logProbabilities)
            previous = sources.indices.map { Int32(4 + ($0 + t) % 3) }
            state = result.next
        }
        return all
    }

    func testBatchedStepsEqualOneSentenceAtATime() {
        for (cell, attention) in ModelGradientTests.variants {
            let model = Seq2Seq(configuration: ModelGradientTests.tinyConfiguration(cell: cell, attention: attention), seed: 4, initScale: 0.5)
            let V = model.configuration.targetVocabularySize
            let batched = steps(model, sources: sources)
            for (b, source) in sources.enumerated() {
                var state = model.start(sources: [source])
                var previous: [Int32] = [2]
                for t in 0..<3 {
                    let alone = model.step(state, previous: previous, sentences: [0])
                    for j in 0..<V {
                        XCTAssertEqual(alone.logProbabilities[j], batched[t][b * V + j], accuracy: 1e-5, "\(cell) \(attention) b \(b) t \(t)")
                    }
                    previous = [Int32(4 + (b + t) % 3)]
                    state = alone.next
                }
            }
        }
    }

    func testAShortlistOfTheWholeVocabularyChangesNothingAndAShorterOneIsNormalisedOverItself() {
        let model = Seq2Seq(configuration: ModelGradientTests.tinyConfiguration(), seed: 5, initScale: 0.5)
        let V = model.configuration.targetVocabularySize
        let full = steps(model, sources: sources)
        let everything = steps(model, sources: sources, candidates: (0..<Int32(V)).map { $0 })
        for t in full.indices { for j in full[t].indices { XCTAssertEqual(everything[t][j], full[t][j], accuracy: 1e-5) } }
        let chosen: [Int32] = [1, 3, 5]
        for step in steps(model, sources: sources, candidates: chosen) {
            for b in sources.indices {
                let row = step[(b * V)..<((b + 1) * V)]
                XCTAssertEqual(chosen.reduce(Float(0)) { $0 + FastMath.exp(row[b * V + Int($1)]) }, 1, accuracy: 1e-5)
                for j in 0..<V where !chosen.contains(Int32(j)) { XCTAssertEqual(row[b * V + j], -.infinity) }
            }
        }
    }

    func testAttentionIsReturnedOnlyWhenAskedFor() {
        let model = Seq2Seq(configuration: ModelGradientTests.tinyConfiguration(), seed: 6, initScale: 0.5)
        let state = model.start(sources: sources)
        XCTAssertNil(model.step(state, previous: [2, 2, 2], sentences: [0, 1, 2], attention: false).attention)
        XCTAssertEqual(model.step(state, previous: [2, 2, 2], sentences: [0, 1, 2]).attention?.count, 3 * state.sourceSteps)
    }
}

final class InferencePrecisionTests: XCTestCase {
    /// Reduced-precision products give log-probabilities close to f32's on a random model (its weights up
    /// to ±0.5) of every cell and attention, and with tied embeddings, with and without a shortlist;
    /// returns the largest difference seen.
    @discardableResult
    func assertStepsStayCloseToF32(_ precision: InferencePrecision, within tolerance: Float) throws -> Float {
        var largest: Float = 0
        let configurations = ModelGradientTests.variants.map { ModelGradientTests.tinyConfiguration(cell: $0, attention: $1) }
            + [ModelGradientTests.tinyConfiguration(tied: true)]
        for configuration in configurations {
            for candidates in [nil, [1, 2, 4, 5, 6] as [Int32]] {
                let f32 = Seq2Seq(configuration: configuration, seed: 7, initScale: 0.5)
                let reduced = Seq2Seq(configuration: f32.configuration, seed: 7, initScale: 0.5)
                try reduced.prepareInference(precision: precision)
                XCTAssertEqual(reduced.inferencePrecision, precision)
                let sources: [[Int32]] = [[4, 5, 6], [6, 5]]
                var exact = f32.start(sources: sources, candidates: candidates)
                var approximate = reduced.start(sources: sources, candidates: candidates)
                var previous: [Int32] = [2, 2]
                for t in 0..<3 {
                    let a = f32.step(exact, previous: previous, sentences: [0, 1])
                    let b = reduced.step(approximate, previous: previous, sentences: [0, 1])
                    let finite = zip(a.logProbabilities, b.logProbabilities).filter { $0.0.isFinite || $0.1.isFinite }
                    XCTAssertTrue(zip(a.logProbabilities, b.logProbabilities).allSatisfy { $0.isFinite == $1.isFinite })
                    let worst = finite.map { abs($0 - $1) }.max() ?? .nan
                    let label = "\(precision) \(configuration.cell) \(configuration.attention) tied \(configuration.tieEmbeddings) "
                        + "shortlist \(candidates != nil) step \(t)"
                    XCTAssertLessThan(worst, tolerance, label)
                    XCTAssertGreaterThan(worst, 0, "\(label): \(precision) must really run")
                    largest = max(largest, worst)
                    exact = a.next; approximate = b.next
                    previous = [Int32(4 + t), Int32(6 - t)]
                }
            }
        }
        return largest
    }

    func testInt8StepsStayCloseToF32() throws {
        try assertStepsStayCloseToF32(.int8, within: 0.05)
    }

    /// bf16 keeps 8 significant bits against int8's 7 and has no clamp or shared scale, so it lands closer.
    func testBF16StepsStayCloseToF32() throws {
        try skipUnlessBF16Products()
        let bf16 = try assertStepsStayCloseToF32(.bf16, within: 0.02)
        let int8 = try assertStepsStayCloseToF32(.int8, within: 0.05)
        XCTAssertLessThan(bf16, int8, "bf16 should stay closer to f32 than int8 does")
    }

    func testPreparingAgainForF32RestoresExactProducts() throws {
        try skipUnlessBF16Products()
        let model = Seq2Seq(configuration: ModelGradientTests.tinyConfiguration(), seed: 8, initScale: 0.5)
        let exact = model.step(model.start(sources: [[4, 5]]), previous: [2], sentences: [0]).logProbabilities
        try model.prepareInference(precision: .bf16)
        XCTAssertNotEqual(model.step(model.start(sources: [[4, 5]]), previous: [2], sentences: [0]).logProbabilities, exact)
        try model.prepareInference(precision: .f32)
        XCTAssertEqual(model.inferencePrecision, .f32)
        XCTAssertEqual(model.step(model.start(sources: [[4, 5]]), previous: [2], sentences: [0]).logProbabilities, exact)
    }
}
