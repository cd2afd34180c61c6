import XCTest
import Foundation
import Recipes
import Seq2SeqModel
import TensorKernels
import Training
import TestSupport

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

    func options(steps: Int) -> TrainSection {
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
        return Trainer(model: model, options: options(steps: steps), batcher: batcher, validation: Self.reversal(count: 20, seed: 2),
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

    func testNonFiniteLossStopsWithTheStepAndKeepsTheLastCheckpoint() throws {
        let path = directory.appendingPathComponent("n").path
        let t = trainer(steps: 10, path: path)
        _ = try t.run { _ in }
        let saved = try Data(contentsOf: URL(fileURLWithPath: ModelDirectory(path: path).latest))
        let again = trainer(steps: 20, path: path)
        try again.resume()
        again.model.parameters.values[0] = .nan  // poison a weight
        let view = again.model.parameters.view("output.b")
        for i in 0..<view.count { again.model.parameters.values[view.offset + i] = .infinity }
        XCTAssertThrowsError(try again.run { _ in }) { error in
            XCTAssertTrue("\(error)".contains("step 11"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: ModelDirectory(path: path).latest)), saved)
    }

    func testResumeWithoutStateIsAClearError() {
        XCTAssertThrowsError(try trainer(steps: 5, path: directory.appendingPathComponent("none").path).resume()) { error in
            XCTAssertTrue("\(error)".contains("start without --resume"), "\(error)")
        }
    }
}
