import Foundation
import XCTest
import ModelFiles
import Recipes
import Seq2SeqModel
import TensorKernels
import Training
import TestSupport

/// Checkpoint averaging (`nmt average`, `train.average_last`) and the moving average of the weights
/// (`train.ema_decay`), issue 16 items 1 and 2.
final class AveragingAndEMATests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("averaging-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// A checkpoint of the trainer tests' model shape, initialised from `seed`.
    func checkpoint(seed: UInt64, configuration: ModelConfiguration = TrainerTests.configuration) throws -> String {
        let path = directory.appendingPathComponent("seed-\(seed)-\(configuration.embedding).safetensors").path
        try Seq2Seq(configuration: configuration, seed: seed).save(to: path, metadata: ["step": String(seed)])
        return path
    }

    func testAveragingTwoCheckpointsGivesTheirExactMean() throws {
        let a = try SafeTensors.read(path: try checkpoint(seed: 1)), b = try SafeTensors.read(path: try checkpoint(seed: 2))
        let mean = try CheckpointAveraging.average([try checkpoint(seed: 1), try checkpoint(seed: 2)])
        XCTAssertEqual(Set(mean.tensors.keys), Set(a.tensors.keys))
        for (name, tensor) in a.tensors {
            let expected = zip(tensor.floats, b.tensors[name]?.floats ?? []).map { Float((Double($0) + Double($1)) / 2) }
            XCTAssertEqual(mean.tensors[name]?.floats, expected, name)
            XCTAssertEqual(mean.tensors[name]?.shape, tensor.shape, name)
        }
        XCTAssertNotEqual(a.tensors, b.tensors, "two different checkpoints")
        // The mean is a loadable checkpoint of the same model.
        let output = directory.appendingPathComponent("mean.safetensors").path
        try CheckpointAveraging.write([try checkpoint(seed: 1), try checkpoint(seed: 2)], to: output)
        XCTAssertEqual(try Seq2Seq.load(path: output).model.configuration, TrainerTests.configuration)
    }

    func testAveragingOneCheckpointGivesItBack() throws {
        let path = try checkpoint(seed: 5)
        XCTAssertEqual(try CheckpointAveraging.average([path]).tensors, try SafeTensors.read(path: path).tensors)
        XCTAssertEqual(try CheckpointAveraging.average([path, path, path]).tensors, try SafeTensors.read(path: path).tensors,
                       "the mean of three copies is the copy")
    }

    func testIncompatibleShapesAreRefusedNamingTheFileAndTensor() throws {
        var other = TrainerTests.configuration
        other.embedding = 6
        let first = try checkpoint(seed: 1), second = try checkpoint(seed: 1, configuration: other)
        let output = directory.appendingPathComponent("never.safetensors").path
        XCTAssertThrowsError(try CheckpointAveraging.write([first, second], to: output)) { error in
            guard case let .shapeMismatch(path, name, _, _, firstPath)? = error as? AveragingError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(path, second)
            XCTAssertEqual(firstPath, first)
            XCTAssertTrue("\(error)".contains(second) && "\(error)".contains("`\(name)`") && "\(error)".contains("has shape"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "nothing written")
        XCTAssertThrowsError(try CheckpointAveraging.average([])) { XCTAssertEqual($0 as? AveragingError, .noCheckpoints) }
    }

    func testEMAWithDecayZeroEqualsThePlainWeights() {
        let weights = FloatBuffer([0.5, -1.25, 3, 1e-7])
        let average = WeightAverage(decay: 0, weights: FloatBuffer(count: 4))
        average.update(from: weights)
        XCTAssertEqual(average.values.array, weights.array)
        let slow = WeightAverage(decay: 0.5, weights: FloatBuffer(count: 4))
        slow.update(from: weights)
        XCTAssertEqual(slow.values.array, weights.array.map { 0.5 * $0 })
        slow.swapped(into: weights) { XCTAssertEqual(weights.array, [0.25, -0.625, 1.5, 5e-8]) }
        XCTAssertEqual(weights.array, [0.5, -1.25, 3, 1e-7], "the trained weights come back exactly")
    }

    func trainer(steps: Int, path: String, edit: (inout TrainSection) -> Void) -> Trainer {
        var options = TrainerTests.options(steps: steps)
        edit(&options)
        let model = Seq2Seq(configuration: TrainerTests.configuration, seed: 1)
        let batcher = Batcher(examples: TrainerTests.reversal(count: 200, seed: 1), maxLength: 50, batchTokens: 60, batchSentences: 0)
        return Trainer(model: model, options: options, batcher: batcher, validation: TrainerTests.reversal(count: 20, seed: 2),
                       directory: ModelDirectory(path: path), bleu: nil)
    }

    /// The average is a side track: training itself is unchanged, and every weights file holds the average.
    func testEMAChangesNotTheTrainingButTheWeightsFiles() throws {
        let plain = trainer(steps: 20, path: directory.appendingPathComponent("plain").path) { _ in }
        _ = try plain.run { _ in }
        let smoothed = trainer(steps: 20, path: directory.appendingPathComponent("ema").path) { $0.emaDecay = 0.9 }
        _ = try smoothed.run { _ in }
        XCTAssertEqual(plain.model.parameters.values.array, smoothed.model.parameters.values.array)
        let average = try XCTUnwrap(smoothed.average).values.array
        XCTAssertNotEqual(average, smoothed.model.parameters.values.array)
        let files = smoothed.directory
        for path in [files.latest, files.best, files.numberedCheckpoint(step: 20)] {
            let weights = try Seq2Seq.load(path: path).model.parameters.values.array
            XCTAssertEqual(weights, average, path)
        }
        XCTAssertEqual(try SafeTensors.read(path: files.trainingState).tensors["ema"]?.floats, average)
    }

    /// N steps, stop, resume, N more steps with the moving average on: bit-identical to 2N straight steps.
    func testResumeWithEMAIsExact() throws {
        let ema: (inout TrainSection) -> Void = { $0.emaDecay = 0.95 }
        let straight = trainer(steps: 30, path: directory.appendingPathComponent("a").path, edit: ema)
        XCTAssertEqual(try straight.run { _ in }, .maxSteps)
        let first = trainer(steps: 15, path: directory.appendingPathComponent("b").path, edit: ema)
        XCTAssertEqual(try first.run { _ in }, .maxSteps)
        let second = trainer(steps: 30, path: directory.appendingPathComponent("b").path, edit: ema)
        try second.resume()
        XCTAssertEqual(second.state.step, 15)
        _ = try second.run { _ in }
        XCTAssertEqual(straight.model.parameters.values.array, second.model.parameters.values.array)
        XCTAssertEqual(straight.average?.values.array, second.average?.values.array)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: straight.directory.latest)),
                       try Data(contentsOf: URL(fileURLWithPath: second.directory.latest)))
    }

    func testResumeSwitchingTheMovingAverageOnOrOffIsRefused() throws {
        let path = directory.appendingPathComponent("switch").path
        _ = try trainer(steps: 10, path: path) { _ in }.run { _ in }
        XCTAssertThrowsError(try trainer(steps: 20, path: path) { $0.emaDecay = 0.9 }.resume()) { error in
            XCTAssertTrue("\(error)".contains("without a moving average") && "\(error)".contains("train.ema_decay"), "\(error)")
        }
        let smoothed = directory.appendingPathComponent("smoothed").path
        _ = try trainer(steps: 10, path: smoothed) { $0.emaDecay = 0.9 }.run { _ in }
        XCTAssertThrowsError(try trainer(steps: 20, path: smoothed) { _ in }.resume()) { error in
            XCTAssertTrue("\(error)".contains("holds a moving average") && "\(error)".contains("train.ema_decay: 0"), "\(error)")
        }
    }

    func testAverageLastWritesTheMeanOfTheLastNumberedCheckpoints() throws {
        let path = directory.appendingPathComponent("avg").path
        let t = trainer(steps: 30, path: path) { $0.averageLast = 2 }
        var reported: (String, Int)?
        _ = try t.run { event in if case let .averaged(file, count) = event { reported = (file, count) } }
        XCTAssertEqual(reported?.0, t.directory.averaged)
        XCTAssertEqual(reported?.1, 2)
        let expected = try CheckpointAveraging.average([t.directory.numberedCheckpoint(step: 20), t.directory.numberedCheckpoint(step: 30)])
        XCTAssertEqual(try SafeTensors.read(path: t.directory.averaged).tensors, expected.tensors)
        XCTAssertNoThrow(try Seq2Seq.load(path: t.directory.averaged))
    }
}
