import Foundation
import TensorKernels

public enum CheckpointError: Error, CustomStringConvertible {
    case missing(path: String)
    case notACheckpoint(path: String, reason: String)
    case wrongFormat(path: String, found: String)
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int]?)
    case nonFinite(path: String, name: String)

    public var description: String {
        switch self {
        case let .missing(path):
            return "no model checkpoint at \(path); train one with `nmt train RECIPE` first"
        case let .notACheckpoint(path, reason):
            return "\(path) is not a SwiftNMT checkpoint (\(reason)); train again or point to another file"
        case let .wrongFormat(path, found):
            return "\(path) has checkpoint format `\(found)`, but this nmt reads `\(Seq2Seq.checkpointFormat)`; "
                + "retrain with this version of nmt"
        case let .shapeMismatch(path, name, expected, found):
            let what = found.map { "has shape \($0)" } ?? "is missing"
            return "\(path): parameter `\(name)` \(what), but the model's configuration needs \(expected); "
                + "the checkpoint does not belong to this recipe or vocabulary"
        case let .nonFinite(path, name):
            return "\(path): parameter `\(name)` holds NaN or infinite values (a diverged or damaged file); "
                + "use another checkpoint (--checkpoint DIR/checkpoints/step-….safetensors) or train again"
        }
    }
}

extension Seq2Seq {
    /// The format tag every checkpoint carries in its metadata; a mismatch is refused on load.
    public static let checkpointFormat = "swiftnmt-seq2seq-1"

    /// The weights as safetensors, with the format, the configuration (JSON) and `metadata` in the header.
    public func checkpoint(metadata: [String: String] = [:]) -> SafeTensors {
        var meta = metadata
        meta["format"] = Self.checkpointFormat
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // the same model gives the same bytes, run to run
        meta["configuration"] = String(decoding: try! encoder.encode(configuration), as: UTF8.self)
        return SafeTensors(tensors: parameters.tensors(), metadata: meta)
    }

    /// Writes the weights atomically (temporary file, flush, rename).
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        try checkpoint(metadata: metadata).write(to: path)
    }

    /// Loads a checkpoint written by `save`, checking its format and every parameter's shape.
    public static func load(path: String) throws -> (model: Seq2Seq, metadata: [String: String]) {
        guard FileManager.default.fileExists(atPath: path) else { throw CheckpointError.missing(path: path) }
        let file = try SafeTensors.read(path: path)
        guard let format = file.metadata["format"] else {
            throw CheckpointError.notACheckpoint(path: path, reason: "no `format` in its metadata")
        }
        guard format == checkpointFormat else { throw CheckpointError.wrongFormat(path: path, found: format) }
        guard let json = file.metadata["configuration"],
              let configuration = try? JSONDecoder().decode(ModelConfiguration.self, from: Foundation.Data(json.utf8))
        else { throw CheckpointError.notACheckpoint(path: path, reason: "its configuration is missing or unreadable") }
        let model = Seq2Seq(configuration: configuration, seed: 0, initScale: 0)
        try model.loadWeights(file, path: path)
        return (model, file.metadata)
    }

    /// Copies the weights of `file` into this model; every tensor must be present with the right shape.
    public func loadWeights(_ file: SafeTensors, path: String) throws {
        for view in parameters.views {
            guard let tensor = file.tensors[view.name], tensor.dtype == .F32, tensor.shape == [view.rows, view.columns] else {
                throw CheckpointError.shapeMismatch(path: path, name: view.name, expected: [view.rows, view.columns],
                                                    found: file.tensors[view.name]?.shape)
            }
            tensor.bytes.withUnsafeBytes { raw in
                parameters.value(view).update(from: raw.bindMemory(to: Float.self).baseAddress!, count: view.count)
            }
            let values = UnsafeBufferPointer(start: parameters.value(view), count: view.count)
            guard values.allSatisfy(\.isFinite) else { throw CheckpointError.nonFinite(path: path, name: view.name) }
        }
    }
}
