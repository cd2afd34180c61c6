import Foundation
import TextFormats
import Tokenization

/// One sentence's alignment: how much each output token attended to each source token.
/// Written by `--attention FILE` (JSON Lines) and drawn by `--attention-svg DIR`.
public struct AttentionAlignment: Sendable, Equatable, Codable {
    /// The 0-based input line.
    public var sentence: Int
    /// [S] source tokens, in the order the model saw them.
    public var source: [String]
    /// [T'] output tokens, one per attention row; usually the T tokens then `</s>` (see `init(sentence:source:target:hypothesis:)`).
    public var target: [String]
    /// [T'][S] attention weights: row t is the step that produced `target[t]`, column j is `source[j]`.
    public var attention: [[Float]]

    public init(sentence: Int, source: [String], target: [String], attention: [[Float]]) {
        precondition(target.count == attention.count && attention.allSatisfy { $0.count == source.count },
                     "attention [\(attention.count)][\(attention.map(\.count))] does not match target \(target.count) × source \(source.count)")
        self.sentence = sentence
        self.source = source
        self.target = target
        self.attention = attention
    }

    /// The alignment of a hypothesis found with `SearchOptions.keepAttention`: rows for its T tokens
    /// (`target`, as strings) and for `</s>`. Nil when the hypothesis carries no attention.
    public init?(sentence: Int, source: [String], target: [String], hypothesis: Hypothesis, end: String = "</s>") {
        guard let rows = hypothesis.attention, rows.count == target.count + 1 else { return nil }
        self.init(sentence: sentence, source: source, target: target + [end],
                  attention: rows.map { Array($0.prefix(source.count)) })
    }
}

/// Writers for `AttentionAlignment`s. Both are pure functions of one alignment.
public enum AttentionExport {
    /// One line of JSON Lines (no trailing newline), keys sorted:
    ///
    ///     {"attention":[[0.9,0.1],[0.2,0.8]],"sentence":0,"source":["a","dog"],"target":["ein","</s>"]}
    ///
    /// Read it back with `JSONDecoder` into `AttentionAlignment`, or in Python with `json.loads` per line.
    public static func jsonLine(_ alignment: AttentionAlignment) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(alignment), as: UTF8.self)
    }

    /// Geometry of the heatmap, in pixels.
    static let cell = 28
    static let characterWidth = 7.5

    /// A standalone SVG heatmap: source tokens across the top (rotated), target tokens down the left side,
    /// one square per weight, darker for more attention (white 0 → black 1); hovering a square shows
    /// "target ← source: weight". Open it in any browser.
    /// Tokens are labelled as text (`label(_:)`), not with the tokenizer's marks.
    public static func svg(_ alignment: AttentionAlignment) -> String {
        let source = alignment.source.map(label), target = alignment.target.map(label)
        let left = labelSpace(target) + 8
        let top = labelSpace(source) + 8
        let width = left + cell * source.count + labelSpace(source) / 2 + 8  // rotated labels lean right
        let height = top + cell * target.count + 8
        var lines = [
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(width)" height="\#(height)" "#
                + #"font-family="sans-serif" font-size="12">"#,
            "<title>sentence \(alignment.sentence)</title>",
            #"<rect width="100%" height="100%" fill="white"/>"#,
        ]
        for (j, token) in source.enumerated() {
            let x = left + cell * j + cell / 2
            lines.append(#"<text transform="translate(\#(x),\#(top - 6)) rotate(-60)">\#(XMLText.escaped(token))</text>"#)
        }
        for (t, token) in target.enumerated() {
            let y = top + cell * t + cell / 2 + 4
            lines.append(#"<text x="\#(left - 6)" y="\#(y)" text-anchor="end">\#(XMLText.escaped(token))</text>"#)
        }
        for (t, row) in alignment.attention.enumerated() {
            for (j, weight) in row.enumerated() {
                let shade = Int((255 * (1 - Double(min(max(weight, 0), 1)))).rounded())
                let label = "\(target[t]) ← \(source[j]): \(String(format: "%.3f", Double(weight)))"
                lines.append(#"<rect x="\#(left + cell * j)" y="\#(top + cell * t)" width="\#(cell)" "#
                    + #"height="\#(cell)" fill="rgb(\#(shade),\#(shade),\#(shade))" stroke="rgb(221,221,221)">"#
                    + "<title>\(XMLText.escaped(label))</title></rect>")
            }
        }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A token as a person reads it: its text as it stands in the detokenized sentence (`Tokenizer.detokenize`
    /// of the token alone), so `￭.` reads `.`, the subword `Hun￭` reads `Hun` and an escaped character is
    /// itself; `</s>` and `<unk>` stay as they are, and a token whose text is only white space reads `␣`.
    public static func label(_ token: String) -> String {
        let text = Tokenizer.detokenize([token])
        return text.allSatisfy(\.isWhitespace) ? "␣" : text
    }

    /// Room for the longest label, in pixels.
    static func labelSpace(_ tokens: [String]) -> Int {
        Int((Double(tokens.map(\.count).max() ?? 0) * characterWidth).rounded(.up))
    }

    /// The file name of sentence `index`'s heatmap inside `--attention-svg DIR`: `sentence-000042.svg`,
    /// zero-padded so that files sort in input order.
    public static func svgFileName(sentence index: Int) -> String {
        let digits = String(index)
        return "sentence-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".svg"
    }
}
