/// What can go wrong when reading texts to score; each message says where and what to do.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    /// The file cannot be opened or read.
    case unreadableFile(path: String, reason: String)
    /// A line is not valid UTF-8 (lines count from 1).
    case invalidUTF8(path: String, line: Int)
    /// Hypotheses and a reference file do not have the same number of lines.
    case lineCountMismatch(hypothesisPath: String, hypothesisLines: Int, referencePath: String, referenceLines: Int)
    /// There is no line to score.
    case noSentences(path: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason); check the path and its permissions"
        case let .invalidUTF8(path, line):
            return "\(path), line \(line): not valid UTF-8; convert the file to UTF-8 (e.g. with iconv)"
        case let .lineCountMismatch(hypothesisPath, hypothesisLines, referencePath, referenceLines):
            return "\(hypothesisPath) has \(hypothesisLines) lines but \(referencePath) has \(referenceLines);"
                + " hypotheses and references must be line-aligned (one output line per reference line)"
        case let .noSentences(path):
            return "\(path) has no lines; there is nothing to score"
        }
    }
}
