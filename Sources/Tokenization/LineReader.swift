#if canImport(Glibc)
import Glibc
#endif

/// Reads a text stream (a file, or standard input) one validated line at a time, for filters such as
/// `nmt tokenize` that must not hold their whole input. Lines are split on "\n"; a final newline does
/// not start another line. Invalid UTF-8 and NUL bytes are errors naming the stream, line and offset.
/// An empty stream simply has no lines.
public final class LineReader {
    /// The longest line accepted: a stream without newlines (`/dev/zero`, a binary file) is an error, not
    /// a process that grows until it is killed.
    public static let maxLineBytes = 64 << 20

    /// The path, or "<stdin>", as errors name it.
    public let name: String
    /// Lines returned so far.
    public private(set) var lineNumber = 0
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var fileOffset = 0
    private var atEndOfStream = false

    /// Opens `path`, or standard input when `path` is nil or "-".
    public init(path: String?) throws {
        if let path, path != "-" {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw TokenizationError.unreadableFile(path: path, reason: FileAccess.errorText()) }
            self.fd = fd
            ownsDescriptor = true
            name = path
        } else {
            fd = 0
            ownsDescriptor = false
            name = "<stdin>"
        }
        buffer = [UInt8](repeating: 0, count: 1 << 16)
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// The next line without its newline, or nil at the end of the stream.
    public func nextLine() throws -> String? {
        while true {
            if let newline = findNewline() {
                let line = try takeLine(upTo: newline, skip: 1)
                return line
            }
            if atEndOfStream {
                if start < end { return try takeLine(upTo: end, skip: 0) }
                return nil
            }
            try fill()
        }
    }

    private func findNewline() -> Int? {
        buffer.withUnsafeBufferPointer { b in
            guard start < end, let found = memchr(b.baseAddress! + start, 0x0A, end - start) else { return nil }
            return UnsafeRawPointer(found) - UnsafeRawPointer(b.baseAddress!)
        }
    }

    private func takeLine(upTo lineEnd: Int, skip: Int) throws -> String {
        lineNumber += 1
        let line = try buffer.withUnsafeBufferPointer { b -> String in
            let bytes = UnsafeBufferPointer(rebasing: b[start..<lineEnd])
            try UTF8Validation.validate(bytes, path: name, line: lineNumber, fileOffset: fileOffset)
            return String(decoding: bytes, as: UTF8.self)
        }
        fileOffset += lineEnd - start + skip
        start = lineEnd + skip
        return line
    }

    /// Moves the unread bytes to the front, grows the buffer when a line fills it, and reads more.
    private func fill() throws {
        if start > 0 {
            let pending = end - start
            buffer.withUnsafeMutableBytes { raw in
                _ = memmove(raw.baseAddress!, raw.baseAddress! + start, pending)
            }
            start = 0
            end = pending
        }
        if end == buffer.count {
            guard buffer.count < Self.maxLineBytes else {
                throw TokenizationError.lineTooLong(path: name, line: lineNumber + 1, limit: Self.maxLineBytes)
            }
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + end, raw.count - end) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TokenizationError.unreadableFile(path: name, reason: FileAccess.errorText())
            }
            if n == 0 { atEndOfStream = true } else { end += n }
            return
        }
    }
}
