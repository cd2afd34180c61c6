#if canImport(Glibc)
import Glibc
#endif

/// Whole-file reads over POSIX calls (writes go through DurableFiles) (this target does not import Foundation,
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

    /// The C library's message for the current `errno`.
    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
