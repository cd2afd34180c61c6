import Foundation

/// Reads texts to score the way sacreBLEU's command line does: UTF-8, lines split at `\n` only (a `\r`
/// is trailing whitespace), a last line without `\n` still counts, and trailing whitespace (Python's
/// `rstrip()`, so also U+00A0 and U+3000) removed from every line. A byte-order mark is kept as part of
/// the first line, as Python's `utf-8` codec keeps it.
public enum TextLines {
    /// The lines of the file at `path`.
    public static func read(path: String) throws -> [String] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            var isDirectory: ObjCBool = false
            let reason: String
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                reason = "no such file"
            } else if isDirectory.boolValue {
                reason = "it is a directory"
            } else {
                reason = "permission denied or I/O error"
            }
            throw EvaluationError.unreadableFile(path: path, reason: reason)
        }
        return try lines(of: data, path: path)
    }

    /// The lines of standard input (named `<stdin>` in errors).
    public static func readStandardInput() throws -> [String] {
        try lines(of: FileHandle.standardInput.readDataToEndOfFile(), path: "<stdin>")
    }

    /// The lines of UTF-8 bytes; `path` names them in errors.
    public static func lines(of data: Data, path: String) throws -> [String] {
        var result: [String] = []
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var lineNumber = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                lineNumber += 1
                guard let line = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) else {
                    throw EvaluationError.invalidUTF8(path: path, line: lineNumber)
                }
                result.append(trimmingTrailingWhitespace(line))
                start = end + 1
            }
        }
        return result
    }

    /// Python's `str.rstrip()`.
    public static func trimmingTrailingWhitespace(_ line: String) -> String {
        guard let last = line.unicodeScalars.last, PythonText.isWhitespace(last) else { return line }
        let trimmed = PythonText.trimTrailingWhitespace(Array(line.unicodeScalars))
        var view = String.UnicodeScalarView()
        view.append(contentsOf: trimmed)
        return String(view)
    }
}
