import Foundation
import XCTest
import TestSupport

/// One model of `recipes/tiny.yaml` (the reverse task) trained through the binary once per test run and
/// shared by the tests that only read it, so that each verb's flags can be checked on a model that has
/// really learned, without training it again for every test.
///
/// Its vocabularies keep 17 of the 20 letters (`vocab.max_size=21` with the four special tokens): the
/// rarest, `a`, `s` and `f`, are `<unk>` on both sides, so the model learns to write `<unk>` where the
/// source has one, which is what unknown-word replacement needs.
final class SharedModel: @unchecked Sendable {
    /// The letters outside the vocabulary.
    static let unknownLetters: Set<String> = ["a", "s", "f"]

    let folder: URL
    var vocabulary: String { folder.appendingPathComponent("vocab").path }
    var model: String { folder.appendingPathComponent("model").path }
    /// The overrides that describe this model's recipe (the vocabulary included).
    var overrides: [String] { ["--set", "vocab.directory=\(vocabulary)"] }

    private init() throws {
        folder = try temporaryFolder("shared-model")
        let built = try CLIRunner.run(["build-vocab", "recipes/tiny.yaml", "--set", "vocab.directory=\(vocabulary)",
                                       "--set", "vocab.max_size=21"])
        guard built.status == 0 else { throw SharedModelError.failed("build-vocab", built.stderr) }
        let trained = try CLIRunner.run(["train", "recipes/tiny.yaml", "--output", model] + overrides)
        guard trained.status == 0 else { throw SharedModelError.failed("train", trained.stderr) }
    }

    nonisolated(unsafe) private static var made: Result<SharedModel, Error>?
    private static let lock = NSLock()

    /// The model, trained on first use; its folder is removed when the test bundle ends.
    static func get() throws -> SharedModel {
        lock.lock()
        defer { lock.unlock() }
        if made == nil {
            made = Result { try SharedModel() }
            XCTestObservationCenter.shared.addTestObserver(Cleanup())
        }
        return try made!.get()
    }

    private final class Cleanup: NSObject, XCTestObservation {
        func testBundleDidFinish(_ testBundle: Bundle) {
            if case let .success(shared)? = SharedModel.made { try? FileManager.default.removeItem(at: shared.folder) }
        }
    }

    /// The reverse task's expected output for a source line: its tokens reversed, with the letters outside
    /// the vocabulary written as `<unk>` unless they are replaced.
    static func reversed(_ line: String, replacingUnknown: Bool) -> String {
        line.split(separator: " ").reversed().map { token in
            replacingUnknown || !unknownLetters.contains(String(token)) ? String(token) : "<unk>"
        }.joined(separator: " ")
    }

    /// A copy of the model directory that a test may change (resume, edit) without touching the shared one.
    func copy(to folder: URL) throws -> String {
        let destination = folder.appendingPathComponent("model-copy")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: model), to: destination)
        return destination.path
    }
}

enum SharedModelError: Error, CustomStringConvertible {
    case failed(String, String)
    var description: String {
        switch self { case let .failed(verb, stderr): return "nmt \(verb) for the shared model failed: \(stderr)" }
    }
}

/// The lines of a text, without the empty string after the final newline.
func outputLines(_ text: String) -> [String] {
    var lines = text.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    return lines
}

func readLines(_ path: String) throws -> [String] { outputLines(try String(contentsOfFile: path, encoding: .utf8)) }
