/// What can go wrong reading corpora, vocabularies and merges files, or inside ICU. Every case names the
/// file and, where it can, the line, and says what to do (STYLE.md habit 6).
public enum TokenizationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read (missing, a directory, no permission).
    case unreadableFile(path: String, reason: String)
    /// The file holds no bytes at all; a corpus needs at least one line.
    case emptyFile(path: String)
    /// Bytes that are not UTF-8. `line` counts from 1; `column` is the byte offset within the line
    /// (from 0) and `byteOffset` the offset within the file (from 0).
    case invalidUTF8(path: String, line: Int, column: Int, byteOffset: Int)
    /// A NUL byte, which is never text.
    case nulByte(path: String, line: Int, column: Int, byteOffset: Int)
    /// A parallel corpus whose two sides differ in line count.
    case lineCountMismatch(sourcePath: String, sourceLines: Int, targetPath: String, targetLines: Int)
    /// A vocabulary file line that cannot be read; `line` counts from 1.
    case malformedVocabulary(path: String, line: Int, reason: String)
    /// A BPE merges file line that cannot be read; `line` counts from 1.
    case malformedMerges(path: String, line: Int, reason: String)
    /// Writing or renaming an output file failed.
    case writeFailed(path: String, reason: String)
    /// A line longer than `LineReader.maxLineBytes` (a binary file, or text without newlines).
    case lineTooLong(path: String, line: Int, limit: Int)
    /// ICU reported a failure; `status` is ICU's name for it.
    case icuFailure(operation: String, status: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason); check the path and its permissions"
        case let .emptyFile(path):
            return "\(path) is empty; a corpus needs at least one line (an empty line is a sentence, an empty file is not a corpus)"
        case let .invalidUTF8(path, line, column, byteOffset):
            return "\(path):\(line): invalid UTF-8 at byte \(column) of the line (byte offset \(byteOffset) in the file); "
                + "convert the file to UTF-8, e.g. `iconv -f LATIN1 -t UTF-8`"
        case let .nulByte(path, line, column, byteOffset):
            return "\(path):\(line): NUL byte at byte \(column) of the line (byte offset \(byteOffset) in the file); "
                + "this is not a text file, or it is UTF-16: convert it to UTF-8"
        case let .lineCountMismatch(sourcePath, sourceLines, targetPath, targetLines):
            return "parallel files differ in line count: \(sourcePath) has \(sourceLines) lines, \(targetPath) has \(targetLines); "
                + "line i of one must translate line i of the other"
        case let .malformedVocabulary(path, line, reason):
            return "\(path):\(line): malformed vocabulary: \(reason); "
                + "a vocabulary is `token<TAB>count` per line, starting with <pad> <unk> <s> </s>; regenerate it with `nmt build-vocab`"
        case let .malformedMerges(path, line, reason):
            return "\(path):\(line): malformed BPE merges file: \(reason); "
                + "it starts with the line `\(BPEMerges.header)`, then one `left right` pair per line; regenerate it with `nmt build-vocab`"
        case let .lineTooLong(path, line, limit):
            return "\(path):\(line): the line is longer than \(limit >> 20) MiB without a newline; is it a text file "
                + "with one sentence per line?"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason); check that its folder exists and is writable"
        case let .icuFailure(operation, status):
            return "ICU failed in \(operation) with \(status); check that libicu-dev is installed (apt-get install -y libicu-dev)"
        }
    }
}
