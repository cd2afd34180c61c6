import Foundation
import XCTest
import TestSupport

/// A damaged or crafted model directory, run through `nmt translate --model`: exit status 1 and one message
/// naming the file and the field, never a trap (which would end the process by a signal).
final class ModelFileErrorTests: XCTestCase {
    nonisolated(unsafe) static let configuration: [String: Any] = [
        "sourceVocabularySize": 5, "targetVocabularySize": 5, "embedding": 2, "encoderHidden": 2, "encoderLayers": 1,
        "decoderHidden": 4, "attentionSize": 2, "inputFeeding": true, "tieEmbeddings": false, "dropout": 0,
        "cell": "lstm", "attention": "bahdanau",
    ]

    /// A model directory whose files are all well formed, with `weights` as model.safetensors.
    func modelDirectory(weights: [UInt8]) throws -> URL {
        let dir = try temporaryFolder("crafted-model")
        try "name: crafted\ndata: {source: en, target: de, train: t}\n".write(to: dir.appendingPathComponent("recipe.yaml"),
                                                                          atomically: true, encoding: .utf8)
        let vocabulary = "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\na\t1\n"
        for side in ["source", "target"] {
            try vocabulary.write(to: dir.appendingPathComponent("\(side).vocab"), atomically: true, encoding: .utf8)
        }
        try Data(weights).write(to: dir.appendingPathComponent("model.safetensors"))
        return dir
    }

    static func safetensors(header: [String: Any], data: Int = 0) throws -> [UInt8] {
        let json = try JSONSerialization.data(withJSONObject: header)
        var length = UInt64(json.count).littleEndian
        return withUnsafeBytes(of: &length) { Array($0) } + Array(json) + [UInt8](repeating: 0, count: data)
    }

    static func checkpoint(_ edit: (inout [String: Any]) -> Void) throws -> [UInt8] {
        var configuration = Self.configuration
        edit(&configuration)
        let text = String(decoding: try JSONSerialization.data(withJSONObject: configuration), as: UTF8.self)
        return try safetensors(header: ["__metadata__": ["format": "swiftnmt-seq2seq-1", "configuration": text]])
    }

    func assertTranslateFails(_ dir: URL, mentions fragments: [String], line: UInt = #line) throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CLIRunner.run(["translate", "--model", dir.path], stdin: "a\n")
        XCTAssertEqual(result.status, 1, "exit status (a signal would show as another number): \(result.stderr)", line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "`\(fragment)` not in: \(result.stderr)", line: line)
        }
        XCTAssertFalse(result.stderr.contains("Fatal error") || result.stderr.contains("Stack dump") || result.stderr.contains("💣"),
                       result.stderr, line: line)
        XCTAssertEqual(result.stdout, "", line: line)
    }

    func testCraftedWeightFiles() throws {
        let overflowing = try Self.safetensors(header: ["w": ["dtype": "F32", "shape": [1 << 62, 4], "data_offsets": [0, 16]]], data: 16)
        try assertTranslateFails(try modelDirectory(weights: overflowing),
                                 mentions: ["model.safetensors", "`w`", "more elements than fit in memory"])
        let truncated = Array(try Self.checkpoint { _ in }.dropLast(10))
        try assertTranslateFails(try modelDirectory(weights: truncated), mentions: ["model.safetensors", "truncated"])
        try assertTranslateFails(try modelDirectory(weights: [1, 2, 3]), mentions: ["model.safetensors", "fewer than the 8-byte"])
    }

    func testCraftedConfigurations() throws {
        try assertTranslateFails(try modelDirectory(weights: try Self.checkpoint { $0["encoderLayers"] = 0 }),
                                 mentions: ["model.safetensors", "`encoderLayers` is 0", "1...64"])
        try assertTranslateFails(try modelDirectory(weights: try Self.checkpoint { $0["tieEmbeddings"] = true }),
                                 mentions: ["model.safetensors", "`tieEmbeddings`", "embedding (2) equal to decoderHidden (4)"])
        try assertTranslateFails(try modelDirectory(weights: try Self.checkpoint { $0["targetVocabularySize"] = 1 << 62 }),
                                 mentions: ["model.safetensors", "`targetVocabularySize` is 4611686018427387904", "4...16777216"])
        try assertTranslateFails(try modelDirectory(weights: try Self.checkpoint { $0["decoderHidden"] = nil }),
                                 mentions: ["model.safetensors", "the key `decoderHidden` is missing"])
        // Valid configuration, no tensors: the first missing one is named.
        try assertTranslateFails(try modelDirectory(weights: try Self.checkpoint { _ in }),
                                 mentions: ["model.safetensors", "`source.embedding` is missing"])
    }

    func testCraftedVocabularyAndMerges() throws {
        let dir = try modelDirectory(weights: try Self.checkpoint { _ in })
        try "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\na\t1\na\t2\n".write(to: dir.appendingPathComponent("source.vocab"),
                                                                       atomically: true, encoding: .utf8)
        try assertTranslateFails(dir, mentions: ["source.vocab:6", "listed twice"])
        let merges = try modelDirectory(weights: try Self.checkpoint { _ in })
        try "#swiftnmt-bpe v1\na b\n".write(to: merges.appendingPathComponent("source.merges"), atomically: true, encoding: .utf8)
        try assertTranslateFails(merges, mentions: ["source.merges:2", "must end with the joiner"])
    }

    /// The recipe path goes through the same validation: a size beyond the bounds is named by its recipe key.
    func testRecipeModelBeyondTheBoundsThroughTrain() throws {
        let dir = try temporaryFolder("huge-recipe")
        defer { try? FileManager.default.removeItem(at: dir) }
        let vocab = dir.path + "/vocab"
        let built = try CLIRunner.run(["build-vocab", "recipes/tiny.yaml", "--set", "vocab.directory=\(vocab)"])
        XCTAssertEqual(built.status, 0, built.stderr)
        let result = try CLIRunner.run(["train", "recipes/tiny.yaml", "--output", dir.path + "/model", "--set", "vocab.directory=\(vocab)",
                                        "--set", "model.embedding=4611686018427387904"])
        XCTAssertEqual(result.status, 1, result.stderr)
        for fragment in ["model.embedding", "4611686018427387904", "1...65536"] {
            XCTAssertTrue(result.stderr.contains(fragment), "`\(fragment)` not in: \(result.stderr)")
        }
        XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr)
    }
}
