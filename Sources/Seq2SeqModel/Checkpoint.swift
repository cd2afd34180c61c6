import Foundation
import TensorKernels

public enum CheckpointError: Error, CustomStringConvertible {
    case missing(path: String)
    case notACheckpoint(path: String, reason: String)
    case wrongFormat(path: String, found: String)
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int]?)
    /// The `configuration` metadata is not JSON of a configuration; `reason` names the key.
    case unreadableConfiguration(path: String, reason: String)
    /// The configuration reads but describes no buildable model.
    case invalidConfiguration(path: String, problem: ModelConfigurationError)
    /// A weight is NaN or infinite: such a model translates nothing.
    case nonFiniteWeight(path: String, name: String, index: Int)

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
        case let .unreadableConfiguration(path, reason):
            return "\(path): the model configuration in its metadata cannot be read: \(reason); "
                + "the file is damaged or was not written by nmt: use another checkpoint or train again"
        case let .nonFiniteWeight(path, name, index):
            return "\(path): parameter `\(name)` holds a NaN or infinite value (element \(index)); "
                + "the weights are damaged or training diverged: use an earlier checkpoint or train again"
        case let .invalidConfiguration(path, problem):
            return "\(path): the model configuration in its metadata is invalid: \(problem); "
                + "the file is damaged or was not written by nmt: use another checkpoint or train again"
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
        // A configuration of strings, numbers and booleans always encodes; `?? ""` would be refused on load.
        meta["configuration"] = (try? encoder.encode(configuration)).map { String(decoding: $0, as: UTF8.self) } ?? ""
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
        return (try model(from: file, path: path), file.metadata)
    }

    /// The model a parsed checkpoint holds. Every field of the stored configuration is validated, and every
    /// tensor's presence, dtype and shape checked, before any memory is given to the weights, so a crafted
    /// file is an error, never a trap or a huge allocation. `path` is only used in messages.
    public static func model(from file: SafeTensors, path: String) throws -> Seq2Seq {
        let configuration = try storedConfiguration(file, path: path)
        try checkTensors(file, configuration: configuration, path: path)
        let model = Seq2Seq(configuration: configuration, seed: 0, initScale: 0)
        try model.loadWeights(file, path: path)
        return model
    }

    /// The format tag and the configuration of a checkpoint's metadata, validated.
    static func storedConfiguration(_ file: SafeTensors, path: String) throws -> ModelConfiguration {
        guard let format = file.metadata["format"] else {
            throw CheckpointError.notACheckpoint(path: path, reason: "no `format` in its metadata")
        }
        guard format == checkpointFormat else { throw CheckpointError.wrongFormat(path: path, found: format) }
        guard let json = file.metadata["configuration"] else {
            throw CheckpointError.notACheckpoint(path: path, reason: "no `configuration` in its metadata")
        }
        let configuration: ModelConfiguration
        do {
            configuration = try JSONDecoder().decode(ModelConfiguration.self, from: Foundation.Data(json.utf8))
        } catch let error as DecodingError {
            throw CheckpointError.unreadableConfiguration(path: path, reason: Self.reason(error, json: json))
        }
        do {
            try configuration.validate()
        } catch {
            throw CheckpointError.invalidConfiguration(path: path, problem: error)
        }
        return configuration
    }

    /// Which key of the configuration JSON is wrong, in words.
    private static func reason(_ error: DecodingError, json: String) -> String {
        func key(_ path: [any CodingKey]) -> String { path.isEmpty ? "the top level" : "`" + path.map(\.stringValue).joined(separator: ".") + "`" }
        switch error {
        case let .keyNotFound(missing, context):
            return "the key `\((context.codingPath + [missing]).map(\.stringValue).joined(separator: "."))` is missing"
        case let .typeMismatch(type, context):
            return "\(key(context.codingPath)) is not \(type == Bool.self ? "true or false" : type == String.self ? "a string" : "a \(type)")"
        case let .valueNotFound(_, context):
            return "\(key(context.codingPath)) is null"
        case let .dataCorrupted(context):
            let detail = context.debugDescription
            if !context.codingPath.isEmpty { return "\(key(context.codingPath)) has a value outside its choices or range (\(detail))" }
            // Foundation reports a number that is not a whole one (2.5, 1e30) without its key: find it.
            let sizes: [ModelConfiguration.Field] = [.sourceVocabularySize, .targetVocabularySize, .embedding, .encoderHidden,
                                                     .encoderLayers, .decoderHidden, .attentionSize]
            if let object = try? JSONSerialization.jsonObject(with: Foundation.Data(json.utf8)) as? [String: Any],
               let field = sizes.first(where: { object[$0.rawValue] is NSNumber && !(object[$0.rawValue] is Int) }) {
                return "`\(field.rawValue)` is \(object[field.rawValue] ?? "?"), not a whole number"
            }
            return "it is not a JSON object of configuration fields (\(detail))"
        @unknown default:
            return "\(error)"
        }
    }

    /// Every parameter of `configuration` is in `file` as F32 with its shape.
    static func checkTensors(_ file: SafeTensors, configuration: ModelConfiguration, path: String) throws {
        for (name, rows, columns) in parameterShapes(configuration) {
            guard let tensor = file.tensors[name], tensor.dtype == .F32, tensor.shape == [rows, columns] else {
                throw CheckpointError.shapeMismatch(path: path, name: name, expected: [rows, columns], found: file.tensors[name]?.shape)
            }
        }
    }

    /// Copies the weights of `file` into this model; every tensor must be present with the right shape.
    public func loadWeights(_ file: SafeTensors, path: String) throws {
        try Self.checkTensors(file, configuration: configuration, path: path)
        for view in parameters.views {
            guard let bytes = file.tensors[view.name]?.bytes, bytes.count == view.count * 4 else {  // checked above
                throw CheckpointError.shapeMismatch(path: path, name: view.name, expected: [view.rows, view.columns],
                                                    found: file.tensors[view.name]?.shape)
            }
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress { UnsafeMutableRawPointer(parameters.value(view)).copyMemory(from: base, byteCount: raw.count) }
            }
            bytes.releasePages()
            let values = UnsafeBufferPointer(start: parameters.value(view), count: view.count)
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw CheckpointError.nonFiniteWeight(path: path, name: view.name, index: bad)
            }
        }
    }
}
