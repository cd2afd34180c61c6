import Foundation
import XCTest
import TensorKernels
import TestSupport

/// `nmt train` as a process: Ctrl-C (SIGINT) saves a checkpoint and `--resume` continues with the weights of
/// an uninterrupted run, so does a SIGKILL after a checkpoint; validation keeps `best.safetensors` by BLEU;
/// early stopping and `train.max_minutes` stop training. Only files and exit codes are read, never the
/// trainer's types, so these hold whatever the trainer looks like inside.
final class TrainingProcessTests: XCTestCase {
    /// recipes/tiny.yaml with a validation (and a numbered checkpoint) every 40 steps, all ten kept.
    static let common = ["--set", "train.validate_every=40", "--set", "train.keep_checkpoints=10"]
    static let totalSteps = 200

    /// Vocabularies of recipes/tiny.yaml and one uninterrupted 200-step run, made once for this class.
    final class Reference: @unchecked Sendable {
        let folder: URL
        var vocabularyOverride: [String] { ["--set", "vocab.directory=\(folder.path)/vocab"] }
        var model: String { folder.path + "/uninterrupted" }

        init() throws {
            folder = try temporaryFolder("train-process")
            let built = try CLIRunner.run(["build-vocab", "recipes/tiny.yaml", "--set", "vocab.directory=\(folder.path)/vocab"])
            guard built.status == 0 else { throw SharedModelError.failed("build-vocab", built.stderr) }
            let trained = try CLIRunner.run(["train", "recipes/tiny.yaml", "--output", model] + vocabularyOverride + common
                + ["--set", "train.max_steps=\(totalSteps)"])
            guard trained.status == 0 else { throw SharedModelError.failed("train", trained.stderr) }
        }
    }
    nonisolated(unsafe) static var reference: Reference?

    override class func tearDown() {
        if let folder = reference?.folder { try? FileManager.default.removeItem(at: folder) }
        reference = nil
    }

    func shared() throws -> Reference {
        if Self.reference == nil { Self.reference = try Reference() }
        return Self.reference!
    }

    var work: URL!
    override func setUpWithError() throws { work = try temporaryFolder("train-process-test") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    private func resume(_ output: String, _ reference: Reference) throws {
        let resumed = try CLIRunner.run(["train", "recipes/tiny.yaml", "--resume", "--output", output] + reference.vocabularyOverride
            + Self.common + ["--set", "train.max_steps=\(Self.totalSteps)"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
    }

    /// Starts a long run in `name`, sends `signal` once `ready(model directory)` holds, and waits for the end.
    /// Readiness is read from the files the run writes, not from its messages.
    private func signalledRun(_ name: String, _ reference: Reference, _ signal: Int32, when ready: @escaping (String) -> Bool)
        throws -> (output: String, reason: Process.TerminationReason, end: CLIRunner.Output) {
        let output = work.appendingPathComponent(name).path
        let child = try RunningNMT(["train", "recipes/tiny.yaml", "--output", output] + reference.vocabularyOverride + Self.common
            + ["--set", "train.max_steps=100000"], stdoutToFile: true)
        XCTAssertTrue(child.wait(until: { ready(output) }, timeout: 120), child.stderr)
        child.send(signal)
        let end = try child.finish(timeout: 60)
        return (output, child.process.terminationReason, end)
    }

    func testCtrlCSavesACheckpointAndResumeGivesTheUninterruptedWeights() throws {
        let reference = try shared()
        // Step 100 has been logged to metrics.jsonl (train.log_every 50): the run is between checkpoints.
        let (output, reason, end) = try signalledRun("interrupted", reference, SIGINT) { directory in
            ((try? metricEvents(directory + "/metrics.jsonl", event: "train")) ?? []).contains { $0["step"] as? Int == 100 }
        }
        XCTAssertEqual(reason, .exit, "SIGINT is handled, not fatal: \(end.stderr)")
        XCTAssertFalse(end.stderr.contains("error"), end.stderr)
        let saved = try SafeTensors.read(path: output + "/model.safetensors")
        let step = try XCTUnwrap(saved.metadata["step"].flatMap { Int($0) }, "\(saved.metadata)")
        XCTAssertGreaterThanOrEqual(step, 100, "the checkpoint is the interrupted step, not an earlier one")
        XCTAssertLessThan(step, Self.totalSteps, "interrupted well before step \(Self.totalSteps)")
        try resume(output, reference)
        try assertSameWeights(output + "/model.safetensors", reference.model + "/model.safetensors")
    }

    func testKilledRunResumesFromItsLastCheckpointToTheUninterruptedWeights() throws {
        let reference = try shared()
        // The numbered checkpoint of step 80 exists: killed after a checkpoint, long before the next (step 120).
        let (output, reason, _) = try signalledRun("killed", reference, SIGKILL) { directory in
            FileManager.default.fileExists(atPath: directory + "/checkpoints/step-00000080.safetensors")
        }
        XCTAssertEqual(reason, .uncaughtSignal)
        try resume(output, reference)
        try assertSameWeights(output + "/model.safetensors", reference.model + "/model.safetensors")
    }

    /// Each validation's `best` says whether its BLEU beat every earlier one, and best.safetensors holds the
    /// weights of the validation with the highest BLEU (its numbered checkpoint).
    func testBestCheckpointIsTheValidationWithTheHighestBLEU() throws {
        let reference = try shared()
        let validations = try metricEvents(reference.model + "/metrics.jsonl", event: "valid")
        XCTAssertEqual(validations.map { $0["step"] as? Int }, [40, 80, 120, 160, 200])
        var highest = -Double.infinity, bestStep = 0
        for event in validations {
            let bleu = try XCTUnwrap(event["bleu"] as? Double), step = try XCTUnwrap(event["step"] as? Int)
            XCTAssertEqual(event["best"] as? Bool, bleu > highest, "step \(step): BLEU \(bleu) against \(highest)")
            if bleu > highest { highest = bleu; bestStep = step }
        }
        let numbered = String(format: "%@/checkpoints/step-%08d.safetensors", reference.model, bestStep)
        try assertSameWeights(reference.model + "/best.safetensors", numbered)
    }

    /// A validation set whose BLEU stays 0 while its perplexity falls: with `tokenizer.lowercase` the model
    /// learns the lowercased references (perplexity falls), but BLEU compares the lowercase output with the
    /// raw uppercase references. By BLEU the first validation stays the best (a later one must beat it), and
    /// patience 2 stops training at the third: best.safetensors is step 20, not the latest weights, as it
    /// would be if perplexity chose.
    func testEarlyStoppingStopsAfterPatienceValidationsWithoutABetterBLEU() throws {
        let reference = try shared()
        let valid = work.appendingPathComponent("valid").path
        try Data("b c d\ne g h k\nl m\nn o p q\n".utf8).write(to: URL(fileURLWithPath: valid + ".src"))
        try Data("D C B\nK H G E\nM L\nQ P O N\n".utf8).write(to: URL(fileURLWithPath: valid + ".tgt"))
        let output = work.appendingPathComponent("early").path
        let run = try CLIRunner.run(["train", "recipes/tiny.yaml", "--output", output] + reference.vocabularyOverride
            + ["--set", "data.valid=\(valid)", "--set", "tokenizer.lowercase=true", "--set", "train.validate_every=20",
               "--set", "train.keep_checkpoints=10", "--set", "train.early_stopping.patience=2",
               "--set", "train.early_stopping.metric=bleu", "--set", "train.max_steps=1000"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let validations = try metricEvents(output + "/metrics.jsonl", event: "valid")
        XCTAssertEqual(validations.map { $0["step"] as? Int }, [20, 40, 60], "patience 2: stops at the third validation")
        XCTAssertEqual(validations.map { $0["bleu"] as? Double }, [0, 0, 0])
        XCTAssertEqual(validations.map { $0["best"] as? Bool }, [true, false, false])
        let perplexities = validations.compactMap { $0["ppl"] as? Double }
        XCTAssertEqual(perplexities.count, 3)
        XCTAssertLessThan(perplexities.last ?? .nan, perplexities.first ?? .nan, "perplexity alone would have kept improving")
        let latest = try SafeTensors.read(path: output + "/model.safetensors")
        XCTAssertEqual(latest.metadata["step"], "60")
        try assertSameWeights(output + "/best.safetensors", output + "/checkpoints/step-00000020.safetensors")
        XCTAssertNotEqual(try SafeTensors.read(path: output + "/best.safetensors").tensors, latest.tensors)
    }

    /// `train.max_minutes` ends a run that no step limit would end, validates the last weights and saves them.
    func testMaxMinutesStopsTheRunAndValidatesItsLastWeights() throws {
        let reference = try shared()
        let output = work.appendingPathComponent("timed").path
        let run = try CLIRunner.run(["train", "recipes/tiny.yaml", "--output", output] + reference.vocabularyOverride
            + ["--set", "train.max_minutes=0.03", "--set", "train.max_steps=0", "--set", "train.validate_every=1000000"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("max_minutes"), run.stderr)
        let latest = try SafeTensors.read(path: output + "/model.safetensors")
        let step = try XCTUnwrap(latest.metadata["step"].flatMap { Int($0) })
        XCTAssertGreaterThan(step, 0)
        let validations = try metricEvents(output + "/metrics.jsonl", event: "valid")
        XCTAssertEqual(validations.map { $0["step"] as? Int }, [step], "one validation, of the last weights")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(validations.first?["elapsed"] as? Double), 0.03 * 60)
        try assertSameWeights(output + "/best.safetensors", output + "/model.safetensors")
    }

    /// Every tensor of two weight files, name by name and bit for bit.
    private func assertSameWeights(_ path: String, _ other: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let a = try SafeTensors.read(path: path), b = try SafeTensors.read(path: other)
        XCTAssertEqual(Set(a.tensors.keys), Set(b.tensors.keys), file: file, line: line)
        XCTAssertGreaterThan(a.tensors.count, 10, file: file, line: line)
        for name in a.tensors.keys.sorted() {
            let x = try XCTUnwrap(a.tensors[name], file: file, line: line), y = try XCTUnwrap(b.tensors[name], file: file, line: line)
            XCTAssertEqual(x.shape, y.shape, name, file: file, line: line)
            let xs = x.floats, ys = y.floats
            let differing = zip(xs, ys).filter { $0.bitPattern != $1.bitPattern }.count
            XCTAssertEqual(differing, 0, "\(name): \(differing) of \(xs.count) values differ between \(path) and \(other)",
                           file: file, line: line)
        }
    }
}
