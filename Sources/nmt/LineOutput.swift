#if canImport(Glibc)
import Glibc
#endif
import Tokenization

/// Buffered line output to standard output or a file (file output goes to a temporary name and is
/// renamed when `finish()` succeeds, so a failure never leaves a torn file).
final class LineOutput {
    private let fd: Int32
    private let path: String?
    private let temporaryPath: String?
    private var buffer: [UInt8] = []

    /// Standard output when `path` is nil or "-".
    init(path: String?) throws {
        if let path, path != "-" {
            let temporary = path + ".tmp-\(getpid())"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else {
                throw TokenizationError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            self.fd = fd
            self.path = path
            temporaryPath = temporary
        } else {
            fd = 1
            self.path = nil
            temporaryPath = nil
        }
        buffer.reserveCapacity(1 << 16)
    }

    /// Writes `line` and a newline.
    func write(line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TokenizationError.writeFailed(path: path ?? "<stdout>", reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes; for a file, closes it and renames it into place.
    func finish() throws {
        try flush()
        if let path, let temporaryPath {
            guard fsync(fd) == 0, close(fd) == 0, rename(temporaryPath, path) == 0 else {
                throw TokenizationError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
        }
    }
}
