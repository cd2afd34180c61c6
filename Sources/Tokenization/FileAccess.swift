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

    /// The lines of a vocabulary or merges file's text, split at LF on UTF-8 bytes (these files have tens of
    /// thousands of lines and the translator reads them at start-up): a CR before the LF stays on its line,
    /// and a final newline ends the last line rather than starting an empty one.
    static func lines(_ text: String) -> [Substring] {
        var lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// `bytes` as UTF-8 text; `notText` is thrown when they are not UTF-8.
    static func text(_ bytes: [UInt8], notText: @autoclosure () -> Error) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw notText() }
        return text
    }
}
