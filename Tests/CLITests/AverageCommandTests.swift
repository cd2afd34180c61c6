import Foundation
import XCTest
import ModelFiles
import TensorKernels
import TestSupport

/// `nmt average`: checkpoints of the shared model averaged through the binary, and incompatible files refused.
final class AverageCommandTests: XCTestCase {
    func testAverageTheNewestNumberedCheckpointsOfAModelDirectory() throws {
        let shared = try SharedModel.get()
        let work = try temporaryFolder("average")
        defer { try? FileManager.default.removeItem(at: work) }
        let output = work.appendingPathComponent("mean.safetensors").path
        let run = try CLIRunner.run(["average", "--model", shared.model, "--last", "3", "--output", output])
        XCTAssertEqual(run.status, 0, run.stderr)
        // recipes/tiny.yaml keeps one numbered checkpoint: fewer than asked are averaged, so the mean is that one.
        let newest = CheckpointAveraging.lastNumbered(in: ModelDirectory(path: shared.model), count: 3)
        XCTAssertEqual(newest.count, 1, "\(newest)")
        XCTAssertEqual(try SafeTensors.read(path: output).tensors, try SafeTensors.read(path: newest[0]).tensors)
        XCTAssertTrue(run.stderr.contains("1 checkpoint"), run.stderr)
        // The mean is a model `translate` reads.
        let translated = try CLIRunner.run(["translate", "--model", shared.model, "--checkpoint", output], stdin: "a b c\n")
        XCTAssertEqual(translated.status, 0, translated.stderr)
        XCTAssertEqual(translated.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 2, translated.stdout)
    }

    func testIncompatibleCheckpointsAreRefusedNamingTheFileAndTensor() throws {
        let work = try temporaryFolder("average-bad")
        defer { try? FileManager.default.removeItem(at: work) }
        let a = work.appendingPathComponent("a.safetensors").path, b = work.appendingPathComponent("b.safetensors").path
        try SafeTensors(tensors: ["w": .init(floats: [1, 2, 3, 4], shape: [2, 2])]).write(to: a)
        try SafeTensors(tensors: ["w": .init(floats: [1, 2, 3, 4], shape: [4, 1])]).write(to: b)
        let output = work.appendingPathComponent("out.safetensors").path
        let run = try CLIRunner.run(["average", a, b, "--output", output])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains(b) && run.stderr.contains("`w`") && run.stderr.contains("[4, 1]"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        let missing = try CLIRunner.run(["average", a, "--output", output, "--last", "2"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("--model"), missing.stderr)
    }

    func testHelpHasExamples() throws {
        let help = try CLIRunner.run(["average", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("nmt average --model") && help.stdout.contains("--output"), help.stdout)
    }
}
