import Foundation
import DurableFiles

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

    public func append(_ event: MetricsEvent) {
        try? handle?.write(contentsOf: Foundation.Data((event.jsonLine + "\n").utf8))
    }

    /// One JSON object on one line, keys in the given order: what `nmt-bench` prints for its results.
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
            if let event = MetricsEvent(jsonLine: line), event.step > step { dropped = true } else { kept.append(line) }
        }
        guard dropped else { return }
        try AtomicFile.write(kept.map { $0 + "\n" }.joined(), to: path)
    }
}
