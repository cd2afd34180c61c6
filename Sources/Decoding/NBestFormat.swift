import Foundation

/// The text format of `--n-best` output, the one Moses and Marian write (fields joined by ` ||| `):
///
///     sentence_index ||| hypothesis ||| logprob=LOG_PROBABILITY ||| SCORE
///
/// - `sentence_index`: 0-based line number of the input sentence.
/// - `hypothesis`: the translation as it would be printed without `--n-best` (detokenized text).
/// - `logprob=…`: the model's total log-probability, `</s>` included (Moses' feature-list field).
/// - `SCORE`: the normalized score that ranked the list (`Hypothesis.score`), last like Moses' total.
///
/// Each input sentence gives its lines best first, and sentences follow input order. Numbers are written
/// with 6 decimals (`%.6f`; `-inf` when a hypothesis was impossible). A newline or `|||` inside a
/// hypothesis becomes a space, so every entry is one line with exactly four fields.
public enum NBestFormat {
    /// The field separator.
    public static let separator = " ||| "

    /// One line per entry, without trailing newlines.
    /// - Parameters:
    ///   - sentenceIndex: the 0-based input line.
    ///   - entries: (text, hypothesis) pairs, already best first (as `BeamSearch` returns them).
    public static func lines(sentenceIndex: Int, entries: [(text: String, hypothesis: Hypothesis)]) -> [String] {
        entries.map { entry in
            [String(sentenceIndex), clean(entry.text), "logprob=" + number(entry.hypothesis.logProbability),
             number(entry.hypothesis.score)].joined(separator: separator)
        }
    }

    /// Parses one line back: nil when it does not have the four fields in this format.
    public static func parse(_ line: String) -> (sentenceIndex: Int, text: String, logProbability: Float, score: Float)? {
        let fields = line.components(separatedBy: separator)
        guard fields.count == 4, let index = Int(fields[0]), fields[2].hasPrefix("logprob="),
              let logProbability = Float(fields[2].dropFirst("logprob=".count)), let score = Float(fields[3])
        else { return nil }
        return (index, fields[1], logProbability, score)
    }

    /// A number with 6 decimals, or `-inf` / `inf` / `nan`.
    static func number(_ value: Float) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        return String(format: "%.6f", Double(value))
    }

    /// The text on one line, with no field separator inside.
    static func clean(_ text: String) -> String {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: " ")
            .replacingOccurrences(of: "|||", with: " ")
    }
}
