import Foundation
import DurableFiles
import TensorKernels
import Seq2SeqModel

/// The files of a model directory (ARCHITECTURE.md, "Files on disk"). Self-contained and movable:
/// `translate` needs nothing else.
public struct ModelDirectory: Sendable {
    public let path: String
    public init(path: String) { self.path = path }

    public var recipe: String { path + "/recipe.yaml" }
    public var sourceVocabulary: String { path + "/source.vocab" }
    public var targetVocabulary: String { path + "/target.vocab" }
    public func merges(source: Bool) -> String { path + (source ? "/source.merges" : "/target.merges") }
    /// The latest weights, paired with `trainingState` for resume.
    public var latest: String { path + "/model.safetensors" }
    public var trainingState: String { path + "/training-state.safetensors" }
    /// The weights with the best validation score; what `translate` loads when it exists.
    public var best: String { path + "/best.safetensors" }
    public var checkpoints: String { path + "/checkpoints" }
    public var metrics: String { path + "/metrics.jsonl" }
    /// The vocabulary shortlist of `nmt shortlist`, read by `nmt translate --shortlist`.
    public var shortlist: String { path + "/shortlist.tsv" }

    public func numberedCheckpoint(step: Int) -> String {
        checkpoints + "/step-" + String(repeating: "0", count: max(0, 8 - String(step).count)) + String(step) + ".safetensors"
    }

    /// The weights `translate` should use: the best if validation ran, else the latest.
    public var weightsForTranslation: String {
        FileManager.default.fileExists(atPath: best) ? best : latest
    }

    public func create() throws {
        do {
            try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
        } catch {
            throw FileWriteError.cannotCreate(path: path, reason: "cannot create the folder")
        }
        guard FileManager.default.isWritableFile(atPath: path) else {
            throw FileWriteError.cannotCreate(path: path, reason: "the folder is not writable")
        }
    }

    /// Deletes numbered checkpoints beyond the newest `keep`.
    public func pruneCheckpoints(keep: Int) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints)) ?? [])
            .filter { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") }.sorted()
        for name in names.dropLast(keep) { try? FileManager.default.removeItem(atPath: checkpoints + "/" + name) }
    }
}

/// Appends one JSON object per line to `metrics.jsonl`, each line in a single write.
public final class MetricsLog {
    let handle: FileHandle?

    /// A log that writes nothing (the ranks other than 0 of a data-parallel run).
    public init() { handle = nil }

    public init(path: String) {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        handle = FileHandle(forWritingAtPath: path)
        _ = try? handle?.seekToEnd()
    }

    public func append(_ fields: [(String, Any)]) {
        try? handle?.write(contentsOf: Foundation.Data((Self.line(fields) + "\n").utf8))
    }

    /// One JSON object on one line, keys in the given order (also what `nmt-bench` prints).
    public static func line(_ fields: [(String, Any)]) -> String {
        let body = fields.map { key, value -> String in
            let rendered: String
            switch value {
            case let d as Double: rendered = d.isFinite ? String(d) : "null"
            case let s as String: rendered = "\"\(s)\""
            case let b as Bool: rendered = b ? "true" : "false"
            default: rendered = "\(value)"
            }
            return "\"\(key)\":\(rendered)"
        }
        return "{" + body.joined(separator: ",") + "}"
    }

    deinit { try? handle?.close() }

    /// Rewrites `path` without the events of steps after `step`: a resumed run logs them again.
    public static func dropEvents(after step: Int, path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        var kept: [Substring] = []
        var dropped = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let s = Self.step(of: line), s > step { dropped = true } else { kept.append(line) }
        }
        guard dropped else { return }
        try AtomicFile.write(kept.map { $0 + "\n" }.joined(), to: path)
    }

    /// The value of `"step":N` in one line written by `line(_:)`.
    static func step(of line: Substring) -> Int? {
        guard let range = line.range(of: "\"step\":") else { return nil }
        return Int(line[range.upperBound...].prefix(while: \.isNumber))
    }
}
