/// Reads corpus files into lines, validating them first: the file must be readable, not empty, UTF-8,
/// and free of NUL bytes. Lines are split on "\n" only; a final newline does not start another line;
/// an empty line is a sentence and is kept. A carriage return stays part of its line (the tokenizer
/// keeps it as trailing whitespace, losslessly).
public enum CorpusReader {
    /// The lines of the file at `path`.
    public static func readLines(path: String) throws -> [String] {
        let bytes = try FileAccess.readBytes(path: path)
        return try lines(of: bytes, path: path)
    }

    /// The lines of a parallel pair; their line counts must match.
    public static func readParallel(source: String, target: String) throws -> (source: [String], target: [String]) {
        let sourceLines = try readLines(path: source)
        let targetLines = try readLines(path: target)
        guard sourceLines.count == targetLines.count else {
            throw TokenizationError.lineCountMismatch(
                sourcePath: source, sourceLines: sourceLines.count, targetPath: target, targetLines: targetLines.count)
        }
        return (sourceLines, targetLines)
    }

    /// Validates `bytes` (read from `path`, named in errors) and splits them into lines.
    public static func lines(of bytes: [UInt8], path: String) throws -> [String] {
        guard !bytes.isEmpty else { throw TokenizationError.emptyFile(path: path) }
        return try bytes.withUnsafeBufferPointer { buffer in
            var lines: [String] = []
            var lineStart = 0
            while lineStart < buffer.count {
                var lineEnd = lineStart
                while lineEnd < buffer.count && buffer[lineEnd] != 0x0A { lineEnd += 1 }
                let line = UnsafeBufferPointer(rebasing: buffer[lineStart..<lineEnd])
                try UTF8Validation.validate(line, path: path, line: lines.count + 1, fileOffset: lineStart)
                lines.append(String(decoding: line, as: UTF8.self))
                lineStart = lineEnd + 1
            }
            return lines
        }
    }
}

/// UTF-8 well-formedness (Unicode Table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF.
enum UTF8Validation {
    /// Throws `invalidUTF8` or `nulByte` for the first bad byte of one line (without its newline).
    static func validate(_ line: UnsafeBufferPointer<UInt8>, path: String, line lineNumber: Int, fileOffset: Int) throws {
        var i = 0
        while i < line.count {
            let byte = line[i]
            if byte >= 0x80 {
                let length = sequenceLength(line, at: i)
                guard length > 0 else {
                    throw TokenizationError.invalidUTF8(path: path, line: lineNumber, column: i, byteOffset: fileOffset + i)
                }
                i += length
            } else {
                if byte == 0 { throw TokenizationError.nulByte(path: path, line: lineNumber, column: i, byteOffset: fileOffset + i) }
                i += 1
            }
        }
    }

    /// The length of the well-formed multi-byte sequence starting at `i`, or 0 when it is ill-formed.
    static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b0 = b[i]
        func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            i + k < b.count && b[i + k] >= low && b[i + k] <= high
        }
        switch b0 {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0:
            return continuation(1, 0xA0) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : 0
        case 0xED:
            return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
        case 0xF0:
            return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4:
            return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }
}
