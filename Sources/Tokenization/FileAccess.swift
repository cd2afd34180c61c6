#if canImport(Glibc)
import Glibc
#endif

/// Whole-file reads and crash-safe writes over POSIX calls (this target does not import Foundation,
/// because Foundation's private ICU clashes with ICU's headers; PLATFORM.md).
enum FileAccess {
    /// Every byte of the file at `path`.
    static func readBytes(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TokenizationError.unreadableFile(path: path, reason: errorText()) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TokenizationError.unreadableFile(path: path, reason: errorText())
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// Writes `bytes` to a temporary name beside `path`, flushes it, then renames it over `path`, so a
    /// crash never leaves a torn file.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw TokenizationError.writeFailed(path: path, reason: errorText()) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errorText()
                close(fd)
                unlink(temporary)
                throw TokenizationError.writeFailed(path: path, reason: reason)
            }
            offset += n
        }
        guard fsync(fd) == 0, close(fd) == 0 else {
            let reason = errorText()
            unlink(temporary)
            throw TokenizationError.writeFailed(path: path, reason: reason)
        }
        guard rename(temporary, path) == 0 else {
            let reason = errorText()
            unlink(temporary)
            throw TokenizationError.writeFailed(path: path, reason: reason)
        }
    }

    /// The C library's message for the current `errno`.
    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
