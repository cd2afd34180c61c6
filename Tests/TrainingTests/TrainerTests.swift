import Foundation
import XCTest
import Recipes
import Seq2SeqModel
import TensorKernels
@testable import Training
import TestSupport
import ModelFiles

final class TrainerTests: XCTestCase {
    static let configuration = ModelConfiguration(sourceVocabularySize: 10, targetVocabularySize: 10, embedding: 8,
                                                  encoderHidden: 8, decoderHidden: 12, attentionSize: 8, dropout: 0.1)
    /// Reversal pairs over ids 4…9.
    static func reversal(count: Int, seed: UInt64) -> [ParallelExample] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let n = 1 + generator.nextIndex(below: 5)
            let s = (0..<n).map { _ in Int32(4 + generator.nextIndex(below: 6)) }
            return ParallelExample(source: s, target: s.reversed())
        }
    }

    var directory: URL!
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-\(UInt32.random(in: 0...UInt32.max))")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    static func options(steps: Int) -> TrainSection {
        var o = TrainSection()
        o.batchTokens = 60
        o.learningRate = 0.01
        o.maxSteps = steps
        o.logEvery = 5
        o.validateEvery = 10
        o.labelSmoothing = 0.1
        o.earlyStopping.patience = 0
        o.seed = 3
        return o
    }

    func trainer(steps: Int, path: String) -> Trainer {
        let model = Seq2Seq(configuration: Self.configuration, seed: 1)
        let batcher = Batcher(examples: Self.reversal(count: 200, seed: 1), maxLength: 50, batchTokens: 60, batchSentences: 0)
        return Trainer(model: model, options: Self.options(steps: steps), batcher: batcher, validation: Self.reversal(count: 20, seed: 2),
                       directory: ModelDirectory(path: path), bleu: nil)
    }

    /// N steps, stop, resume, N more steps gives bit-identical weights to 2N uninterrupted steps.
    func testResumeIsExact() throws {
        let straight = trainer(steps: 30, path: directory.appendingPathComponent("a").path)
        XCTAssertEqual(try straight.run { _ in }, .maxSteps)
        let first = trainer(steps: 15, path: directory.appendingPathComponent("b").path)
        XCTAssertEqual(try first.run { _ in }, .maxSteps)
        let second = trainer(steps: 30, path: directory.appendingPathComponent("b").path)
        try second.resume()
        XCTAssertEqual(second.state.step, 15)
        _ = try second.run { _ in }
        XCTAssertEqual(second.state.step, 30)
        XCTAssertEqual(straight.model.parameters.values.array, second.model.parameters.values.array)
    }

    func testTrainingWritesTheModelDirectoryAndMetricsAndLossFalls() throws {
        let path = directory.appendingPathComponent("m").path
        let t = trainer(steps: 60, path: path)
        var losses: [Double] = [], validations = 0
        _ = try t.run { event in
            if case let .progress(p) = event { losses.append(p.loss) }
            if case .validation = event { validations += 1 }
        }
        XCTAssertEqual(validations, 6)
        XCTAssertLessThan(losses.last!, losses.first! * 0.9, "loss falls: \(losses)")
        let dir = ModelDirectory(path: path)
        for file in [dir.latest, dir.trainingState, dir.best, dir.metrics] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: file), file)
        }
        let numbered = try FileManager.default.contentsOfDirectory(atPath: dir.checkpoints)
        XCTAssertEqual(numbered.count, TrainSection().keepCheckpoints, "keeps the last K numbered checkpoints: \(numbered)")
        let lines = try String(contentsOfFile: dir.metrics, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 12 + 6)
        for line in lines { XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8))) }
    }

    func testInterruptSavesACheckpointAndStops() throws {
        let path = directory.appendingPathComponent("i").path
        let t = trainer(steps: 100, path: path)
        var calls = 0
        let reason = try t.run(shouldStop: { calls += 1; return calls > 7 }) { _ in }
        XCTAssertEqual(reason, .interrupted)
        XCTAssertEqual(t.state.step, 7)
        let resumed = trainer(steps: 100, path: path)
        try resumed.resume()
        XCTAssertEqual(resumed.state.step, 7)
    }

    /// Non-finite batches are skipped (logged in metrics.jsonl), and after `maxConsecutiveSkips` in a row
    /// training stops naming the step and the last good checkpoint, whose files stay as they were.
    func testNonFiniteLossSkipsThenStopsWithTheStepAndKeepsTheLastCheckpoint() throws {
        let path = directory.appendingPathComponent("n").path
        let files = ModelDirectory(path: path)
        let t = trainer(steps: 10, path: path)
        _ = try t.run { _ in }
        let saved = try [files.latest, files.trainingState].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let again = trainer(steps: 20, path: path)
        try again.resume()
        let bias = again.model.parameters.view("output.b")  // poison the output bias: every batch's loss is NaN now
        for i in 0..<bias.count { again.model.parameters.values[bias.offset + i] = .nan }
        var skipped: [Int] = []
        XCTAssertThrowsError(try again.run { event in
            if case let .skippedUpdate(step, consecutive) = event { skipped.append(consecutive); XCTAssertEqual(step, 11) }
        }) { error in
            XCTAssertTrue("\(error)".contains("at step 11"), "\(error)")
            XCTAssertTrue("\(error)".contains("last good checkpoint is step 10"), "\(error)")
        }
        XCTAssertEqual(skipped, Array(1...Trainer.maxConsecutiveSkips))
        XCTAssertEqual(again.state.step, 10, "a skipped batch is not an update")
        XCTAssertEqual(try [files.latest, files.trainingState].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }, saved)
        let metrics = try String(contentsOfFile: files.metrics, encoding: .utf8)
        XCTAssertEqual(metrics.components(separatedBy: "\"event\":\"skipped\"").count - 1, Trainer.maxConsecutiveSkips)
    }

    /// Weights that are not all finite are never written: the interrupt's checkpoint is refused.
    func testNonFiniteWeightsAreNeverSaved() throws {
        let path = directory.appendingPathComponent("w").path
        let files = ModelDirectory(path: path)
        _ = try trainer(steps: 10, path: path).run { _ in }
        let saved = try [files.latest, files.trainingState].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let again = trainer(steps: 20, path: path)
        try again.resume()
        again.model.parameters.values[3] = .infinity
        XCTAssertThrowsError(try again.run(shouldStop: { true }) { _ in }) { error in
            XCTAssertTrue("\(error)".contains("were not saved"), "\(error)")
            XCTAssertTrue("\(error)".contains("step 10"), "\(error)")
        }
        XCTAssertEqual(try [files.latest, files.trainingState].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }, saved)
    }

    /// The training state alone resumes (it holds the weights): a kill between the state's rename and the
    /// weights' leaves a model.safetensors one checkpoint behind, which resume brings up to date.
    func testResumeNeedsOnlyTheTrainingStateAndRepairsAStaleLatest() throws {
        let path = directory.appendingPathComponent("s").path
        let files = ModelDirectory(path: path)
        _ = try trainer(steps: 10, path: path).run { _ in }
        let stale = try Data(contentsOf: URL(fileURLWithPath: files.latest))
        let t = trainer(steps: 20, path: path)
        try t.resume()
        _ = try t.run { _ in }
        try stale.write(to: URL(fileURLWithPath: files.latest))  // as if killed between the two renames
        let resumed = trainer(steps: 20, path: path)
        try resumed.resume()
        XCTAssertEqual(resumed.state.step, 20)
        XCTAssertEqual(resumed.model.parameters.values.array, t.model.parameters.values.array)
        XCTAssertEqual(try SafeTensors.read(path: files.latest).metadata["step"], "20")
    }

    /// After a resume, metrics.jsonl holds no event of a step beyond the checkpoint (those steps run again).
    func testResumeDropsMetricsOfStepsThatRunAgain() throws {
        let path = directory.appendingPathComponent("m").path
        let files = ModelDirectory(path: path)
        _ = try trainer(steps: 10, path: path).run { _ in }
        let log = MetricsLog(path: files.metrics)
        var late = MetricsEvent(event: .train, step: 15)
        late.loss = 1
        log.append(late)  // logged, then killed before a checkpoint
        try trainer(steps: 20, path: path).resume()
        let steps = try String(contentsOfFile: files.metrics, encoding: .utf8).split(separator: "\n").compactMap { line in
            line.range(of: "\"step\":").map { Int(line[$0.upperBound...].prefix(while: \.isNumber))! }
        }
        XCTAssertFalse(steps.isEmpty)
        XCTAssertTrue(steps.allSatisfy { $0 <= 10 }, "\(steps)")
    }

    func testResumeWithoutStateIsAClearError() {
        XCTAssertThrowsError(try trainer(steps: 5, path: directory.appendingPathComponent("none").path).resume()) { error in
            XCTAssertTrue("\(error)".contains("start without --resume"), "\(error)")
        }
    }

    /// A stop requested during a validation does not wait for it: the checkpoint records the validation
    /// as pending, the resumed run does it first, and the result equals an uninterrupted run.
    func testStopDuringValidationResumesExactly() throws {
        let straight = trainer(steps: 30, path: directory.appendingPathComponent("v1").path)
        _ = try straight.run { _ in }
        let path = directory.appendingPathComponent("v2").path
        let first = trainer(steps: 30, path: path)
        var validations = 0
        let reason = try first.run(shouldStop: { first.state.validationPending }) { event in
            if case .validation = event { validations += 1 }
        }
        XCTAssertEqual(reason, .interrupted)
        XCTAssertEqual(validations, 0, "the validation must be abandoned, not finished")
        XCTAssertEqual(first.state.step, 10)
        XCTAssertTrue(first.state.validationPending)
        let second = trainer(steps: 30, path: path)
        try second.resume()
        XCTAssertTrue(second.state.validationPending)
        _ = try second.run { _ in }
        XCTAssertEqual(second.model.parameters.values.array, straight.model.parameters.values.array)
        XCTAssertEqual(second.state, straight.state.with(elapsedSeconds: second.state.elapsedSeconds))
    }

    /// Every counter of a training state is range-checked on resume: the file is user input.
    func testCraftedTrainingStateCountersAreRefused() throws {
        let path = directory.appendingPathComponent("c").path
        _ = try trainer(steps: 10, path: path).run { _ in }
        let statePath = ModelDirectory(path: path).trainingState
        let good = try SafeTensors.read(path: statePath)
        for (index, value, word) in [(0, Int64(-1), "step"), (6, Int64(99), "best step"), (8, Int64(7), "pending-validation")] {
            var file = good
            var counters = file.tensors["counters"]!.int64s
            counters[index] = value
            file.tensors["counters"] = .init(int64s: counters, shape: [counters.count])
            try file.write(to: statePath)
            XCTAssertThrowsError(try trainer(steps: 20, path: path).resume(), "counter \(index)") { error in
                XCTAssertTrue("\(error)".contains(word) && "\(error)".contains("\(value)"), "\(error)")
            }
        }
        var file = good
        file.metadata["elapsed_seconds"] = "nan"
        try file.write(to: statePath)
        XCTAssertThrowsError(try trainer(steps: 20, path: path).resume()) { error in
            XCTAssertTrue("\(error)".contains("elapsed_seconds"), "\(error)")
        }
    }
    // MARK: accumulation

    func trainer(steps: Int, path: String, accumulate: Int, dropout: Float = 0, clipNorm: Double = 5,
                 communicator: Communicator = SingleProcess()) -> Trainer {
        var configuration = Self.configuration
        configuration.dropout = dropout
        let model = Seq2Seq(configuration: configuration, seed: 1)
        let batcher = Batcher(examples: Self.reversal(count: 200, seed: 1), maxLength: 50, batchTokens: 60, batchSentences: 0)
        var o = Self.options(steps: steps)
        o.accumulate = accumulate
        o.clipNorm = clipNorm
        return Trainer(model: model, options: o, batcher: batcher, validation: Self.reversal(count: 20, seed: 2),
                       directory: ModelDirectory(path: path), bleu: nil, communicator: communicator)
    }

    /// One update of `accumulate: 2` holds the gradient of the token-weighted mean over both batches: the
    /// gradient of the one batch made of the two (dropout off, clipping off).
    func testAccumulatingTwoBatchesGivesTheGradientOfTheirUnion() throws {
        let t = trainer(steps: 1, path: directory.appendingPathComponent("acc").path, accumulate: 2, clipNorm: 0)
        let initial = t.model.parameters.values.array
        _ = try t.run { _ in }
        XCTAssertEqual(t.state.step, 1)
        XCTAssertEqual(t.state.batchInEpoch, 2, "one update consumed two batches")
        // The update zeroes the gradients in its Adam pass; after the first step m = (1 − β₁)·g holds them.
        XCTAssertTrue(t.model.parameters.gradients.array.allSatisfy { $0 == 0 })
        let accumulated = t.adam.m.array.map { $0 / (1 - t.adam.beta1) }
        let reference = Seq2Seq(configuration: Self.configuration, seed: 1)
        XCTAssertEqual(reference.parameters.values.array, initial)
        let order = t.batcher.batches(epoch: 0, seed: 3)
        var noDropout: SeededGenerator? = nil
        reference.parameters.zeroGradients()
        let cache = reference.forward(t.batcher.batch(order[0] + order[1]), labelSmoothing: 0.1, generator: &noDropout)
        reference.backward(cache)
        let union = reference.parameters.gradients.array
        let scale = union.map { abs($0) }.max()!
        XCTAssertGreaterThan(scale, 0)
        var worst = 0 as Float
        for i in union.indices { worst = max(worst, abs(union[i] - accumulated[i])) }
        // Float sums in another order and another padding: agreement to about 1e-5 of the largest entry.
        XCTAssertLessThan(worst, 2e-5 * scale, "largest difference \(worst) against largest gradient \(scale)")
        // And it is not the gradient of one batch alone.
        reference.parameters.zeroGradients()
        let single = reference.forward(t.batcher.batch(order[0]), labelSmoothing: 0.1, generator: &noDropout)
        reference.backward(single)
        let first = reference.parameters.gradients.array
        XCTAssertGreaterThan(zip(first, accumulated).map { abs($0 - $1) }.max()!, 100 * worst)
    }

    /// With accumulation and dropout, stop and resume gives the weights of an uninterrupted run: the
    /// checkpoint lies on an update boundary, and dropout is keyed by the batch's place in the run.
    func testResumeWithAccumulationAndDropoutIsExact() throws {
        let straight = trainer(steps: 20, path: directory.appendingPathComponent("s").path, accumulate: 2, dropout: 0.3)
        _ = try straight.run { _ in }
        let path = directory.appendingPathComponent("r").path
        let first = trainer(steps: 20, path: path, accumulate: 2, dropout: 0.3)
        var calls = 0
        XCTAssertEqual(try first.run(shouldStop: { calls += 1; return calls > 7 }) { _ in }, .interrupted)
        XCTAssertEqual(first.state.step, 7)
        let second = trainer(steps: 20, path: path, accumulate: 2, dropout: 0.3)
        XCTAssertNil(try second.resume())
        _ = try second.run { _ in }
        XCTAssertEqual(second.model.parameters.values.array, straight.model.parameters.values.array)
        // Dropout is on: a run without it ends elsewhere.
        let plain = trainer(steps: 20, path: directory.appendingPathComponent("p").path, accumulate: 2)
        _ = try plain.run { _ in }
        XCTAssertNotEqual(plain.model.parameters.values.array, straight.model.parameters.values.array)
    }

    /// Resuming with another accumulation is allowed, with a warning that the effective batch changed.
    func testResumeWithAnotherAccumulationWarns() throws {
        let path = directory.appendingPathComponent("w").path
        _ = try trainer(steps: 4, path: path, accumulate: 1).run { _ in }
        let warning = try trainer(steps: 8, path: path, accumulate: 3).resume()
        XCTAssertTrue(warning?.contains("1 process(es) × train.accumulate 1") == true, warning ?? "no warning")
    }
}

extension TrainingState {
    func with(elapsedSeconds: Double) -> TrainingState {
        var copy = self
        copy.elapsedSeconds = elapsedSeconds
        return copy
    }
}
