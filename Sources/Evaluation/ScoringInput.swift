/// Hypotheses and their reference streams, read from files and checked to be line-aligned: what
/// `nmt bleu` scores.
public struct ScoringInput: Sendable {
    public let hypotheses: [String]
    /// `references[k][i]` is the k-th reference of `hypotheses[i]`.
    public let references: [[String]]

    public init(hypotheses: [String], references: [[String]]) {
        self.hypotheses = hypotheses
        self.references = references
    }

    /// Reads the references and the hypotheses (`hypothesisPath`, or standard input when nil) with
    /// `TextLines`, and checks that every reference file has as many lines as the hypotheses.
    public static func load(hypothesisPath: String?, referencePaths: [String]) throws -> ScoringInput {
        precondition(!referencePaths.isEmpty, "at least one reference file is needed")
        let references = try referencePaths.map { try TextLines.read(path: $0) }
        let hypotheses = try hypothesisPath.map { try TextLines.read(path: $0) } ?? TextLines.readStandardInput()
        return try checked(hypotheses: hypotheses, hypothesisPath: hypothesisPath ?? "<stdin>",
                           references: references, referencePaths: referencePaths)
    }

    /// Throws `lineCountMismatch` naming both files and counts when a reference file is not aligned,
    /// and `noSentences` when there is no hypothesis line at all.
    public static func checked(hypotheses: [String], hypothesisPath: String,
                               references: [[String]], referencePaths: [String]) throws -> ScoringInput {
        for (stream, path) in zip(references, referencePaths) where stream.count != hypotheses.count {
            throw EvaluationError.lineCountMismatch(hypothesisPath: hypothesisPath, hypothesisLines: hypotheses.count,
                                                    referencePath: path, referenceLines: stream.count)
        }
        guard !hypotheses.isEmpty else { throw EvaluationError.noSentences(path: hypothesisPath) }
        return ScoringInput(hypotheses: hypotheses, references: references)
    }
}
