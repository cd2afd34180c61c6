import Foundation
import XCTest
import TestSupport

/// Bad input gets one clear message and a non-zero exit, never a stack trace.
final class ErrorMessageTests: XCTestCase {
    func assertCleanFailure(_ arguments: [String], mentions fragments: [String], stdin: String? = nil,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CLIRunner.run(arguments, stdin: stdin)
        XCTAssertNotEqual(result.status, 0, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "\(fragment) not in: \(result.stderr)", file: file, line: line)
        }
        XCTAssertFalse(result.stderr.contains("Stack dump") || result.stderr.contains("Fatal error") || result.stderr.contains("💣"),
                       result.stderr, file: file, line: line)
    }

    func testMissingModelDirectory() throws {
        try assertCleanFailure(["translate", "--model", "/nonexistent/model"], mentions: ["/nonexistent/model", "nmt train"], stdin: "x\n")
    }

    func testIncompleteModelDirectory() throws {
        let dir = try temporaryFolder("incomplete")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "name: x\n".write(to: dir.appendingPathComponent("recipe.yaml"), atomically: true, encoding: .utf8)
        try assertCleanFailure(["translate", "--model", dir.path], mentions: ["incomplete", "source.vocab"], stdin: "x\n")
    }

    func testUnknownRecipeKey() throws {
        let dir = try temporaryFolder("recipe")
        defer { try? FileManager.default.removeItem(at: dir) }
        let recipe = dir.appendingPathComponent("r.yaml")
        try "name: x\ndata: {source: a, target: b, train: t}\ntrain: {lerning_rate: 0.1}\n".write(to: recipe, atomically: true, encoding: .utf8)
        try assertCleanFailure(["train", recipe.path], mentions: ["r.yaml:3", "lerning_rate", "learning_rate"])
    }

    func testTrainWithoutVocabularySaysToBuildIt() throws {
        let dir = try temporaryFolder("novocab")
        defer { try? FileManager.default.removeItem(at: dir) }
        try assertCleanFailure(["train", "recipes/tiny.yaml", "--set", "vocab.directory=\(dir.path)/none", "--output", dir.path + "/m"],
                               mentions: ["nmt build-vocab"])
    }

    /// A model trained with `model.attention: none` translates, but options that need attention weights say why not.
    func testOptionsNeedingAttentionOnAModelWithoutAttention() throws {
        let dir = try temporaryFolder("noattention")
        defer { try? FileManager.default.removeItem(at: dir) }
        let vocab = dir.path + "/vocab", model = dir.path + "/model"
        let built = try CLIRunner.run(["build-vocab", "recipes/tiny.yaml", "--set", "vocab.directory=\(vocab)"])
        XCTAssertEqual(built.status, 0, built.stderr)
        let trained = try CLIRunner.run(["train", "recipes/tiny.yaml", "--output", model, "--set", "vocab.directory=\(vocab)",
                                         "--set", "model.attention=none", "--set", "train.max_steps=3"])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let plain = try CLIRunner.run(["translate", "--model", model], stdin: "a b\nc\n")
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(plain.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 3, plain.stdout)
        try assertCleanFailure(["translate", "--model", model, "--replace-unk"], mentions: ["model.attention: none", "--replace-unk"], stdin: "a b\n")
        try assertCleanFailure(["translate", "--model", model, "--attention", dir.path + "/align.jsonl"],
                               mentions: ["model.attention: none", "--replace-unk"], stdin: "a b\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + "/align.jsonl"), "no half-written file")
        // A recipe.yaml that names another attention than the weights were trained with is caught on load.
        let recipePath = model + "/recipe.yaml"
        let recipe = try String(contentsOfFile: recipePath, encoding: .utf8)
        XCTAssertTrue(recipe.contains("attention: none"), recipe)
        try recipe.replacingOccurrences(of: "attention: none", with: "attention: bahdanau")
            .write(toFile: recipePath, atomically: true, encoding: .utf8)
        try assertCleanFailure(["translate", "--model", model], mentions: ["model.attention: none", "do not belong together"],
                               stdin: "a b\n")
    }

    func testBadOverride() throws {
        try assertCleanFailure(["train", "recipes/tiny.yaml", "--set", "train.max_steps"], mentions: ["--set", "="])
    }
}
