/// The marks that make tokenization lossless (see docs/tokenization.md).
///
/// Tokens on a line are separated by one space. Where the text had exactly one U+0020 between two
/// tokens, nothing else is written. Where it had no space, the **joiner** `￭` (U+FFED, OpenNMT
/// Tokenizer's convention) is attached to one of the two tokens: in front of the right token when that
/// token is punctuation or a symbol, else behind the left token when that one is punctuation, else in
/// front of the right token. Any other whitespace (runs of spaces, tabs, no-break spaces, leading or
/// trailing whitespace) becomes a **whitespace token**: the whitespace characters themselves, each
/// written as an escape, standing for exactly the text between its neighbours.
///
/// The **escape** is `￮` (U+FFEE) followed by four uppercase hex digits of a code point. It writes
/// whitespace characters inside whitespace tokens, and the two mark characters `￭` and `￮` when the
/// input text itself contains them, so no input can be confused with a mark.
///
/// Why the joiner and not SentencePiece's meta-space `▁`: with the joiner, the common case (one space
/// between words) carries no mark, so a word is the same token at the start of a sentence and in the
/// middle of it, most tokens are plain words, a tokenized line stays readable, and copying a source
/// word into a translation (unknown-word replacement) copies a plain word. The meta-space marks every
/// word that follows a space, which doubles the forms of many words.
public enum TokenMarkers {
    /// `￭` U+FFED: no space stood here.
    public static let joiner: Character = "\u{FFED}"
    /// `￮` U+FFEE: starts an escape `￮XXXX` (four uppercase hex digits).
    public static let escape: Character = "\u{FFEE}"
    /// The joiner as a string.
    public static let joinerString = "\u{FFED}"

    static let joinerBytes: [UInt8] = [0xEF, 0xBF, 0xAD]
    static let escapeBytes: [UInt8] = [0xEF, 0xBF, 0xAE]

    /// A token split into its marks and its text: `prefixJoiner` / `suffixJoiner` say that no space stood
    /// before / after it, `core` is the text between the marks (still escaped).
    public struct Parts: Equatable, Sendable {
        public var prefixJoiner: Bool
        public var core: Substring
        public var suffixJoiner: Bool
    }

    /// Splits `token` into joiners and core. A token made only of joiners joins on both sides.
    public static func parts(of token: String) -> Parts {
        var core = Substring(token)
        var prefix = false
        var suffix = false
        if core.first == joiner {
            prefix = true
            core = core.dropFirst()
            if core.isEmpty { return Parts(prefixJoiner: true, core: core, suffixJoiner: true) }
        }
        if core.last == joiner {
            suffix = true
            core = core.dropLast()
        }
        return Parts(prefixJoiner: prefix, core: core, suffixJoiner: suffix)
    }

    /// Appends `scalar` to `bytes` as the escape `￮XXXX`.
    static func appendEscape(of scalar: UInt32, to bytes: inout [UInt8]) {
        precondition(scalar <= 0xFFFF, "escapes are only written for BMP characters")
        bytes.append(contentsOf: escapeBytes)
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        for shift in stride(from: 12, through: 0, by: -4) {
            bytes.append(digits[Int((scalar >> UInt32(shift)) & 0xF)])
        }
    }

    /// The text a core stands for: escapes `￮XXXX` become their characters; anything else is literal.
    /// Returns whether every character came from an escape of a whitespace character (a whitespace token).
    static func unescape(_ core: Substring, into output: inout String) -> Bool {
        guard core.contains(escape) else {
            output += core
            return false
        }
        var allWhitespace = !core.isEmpty
        var index = core.startIndex
        while index < core.endIndex {
            let character = core[index]
            if character == escape, let (scalar, next) = escapedScalar(in: core, after: index) {
                output.unicodeScalars.append(scalar)
                if !WhiteSpace.contains(scalar.value) { allWhitespace = false }
                index = next
            } else {
                output.append(character)
                allWhitespace = false
                index = core.index(after: index)
            }
        }
        return allWhitespace
    }

    /// Whether `core` is a whitespace token: non-empty and made only of escapes of whitespace characters.
    public static func isWhitespaceToken(_ core: Substring) -> Bool {
        guard core.first == escape else { return false }
        var scratch = ""
        return unescape(core, into: &scratch)
    }

    /// The scalar written by the escape starting at `index`, and the index after it.
    private static func escapedScalar(in text: Substring, after index: Substring.Index) -> (Unicode.Scalar, Substring.Index)? {
        var value: UInt32 = 0
        var cursor = text.index(after: index)
        for _ in 0..<4 {
            guard cursor < text.endIndex, let digit = text[cursor].hexDigitValue, text[cursor].isASCII,
                  !text[cursor].isLowercase else { return nil }
            value = value << 4 | UInt32(digit)
            cursor = text.index(after: cursor)
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, cursor)
    }
}
