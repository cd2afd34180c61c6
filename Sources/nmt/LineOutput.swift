#if canImport(Glibc)
import Glibc
#endif
import DurableFiles

/// Buffered line output to standard output or a file. A file is a `PendingFile`: written under a
/// temporary name and put in place by `finish()`, so a failure leaves the old file (or none) and no
/// temporary behind; a device or pipe (`/dev/null`, `/dev/stdout`) is written in place.
final class LineOutput {
    private let file: PendingFile?
    private var buffer: [UInt8] = []

    /// Standard output when `path` is nil or "-".
    init(path: String?) throws {
        file = try path.flatMap { $0 == "-" ? nil : try PendingFile(replacing: $0) }
        buffer.reserveCapacity(1 << 16)
    }

    /// Writes `line` and a newline.
    func write(line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        defer { buffer.removeAll(keepingCapacity: true) }
        if let file { try file.write(buffer) } else { try StandardOutput.write(buffer) }
    }

    /// Flushes; for a file, puts it in place.
    func finish() throws {
        try flush()
        try file?.commit()
    }
}

/// Checked writes to standard output: a full disk or a closed pipe is an error (exit 1), not a lost result.
enum StandardOutput {
    static func write(_ bytes: [UInt8]) throws {
        if StandardStreams.outputWasClosed {
            throw FileWriteError.writeFailed(path: "standard output", reason: "it is closed; redirect it to a file or use --output")
        }
        if let reason = bytes.withUnsafeBytes({ PendingFile.writeAll(1, $0) }) {
            throw FileWriteError.writeFailed(path: "standard output", reason: reason)
        }
    }

    /// `text` and a newline.
    static func print(_ text: String) throws {
        try write(Array((text + "\n").utf8))
    }
}
