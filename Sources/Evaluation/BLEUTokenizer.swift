/// The tokenizers BLEU can split text with before counting n-grams, as sacreBLEU 2.x names them.
///
/// Each one turns a line into a sequence of tokens (arrays of Unicode scalars, which is how Python
/// compares strings). The rules below are written from sacreBLEU's documented behaviour:
/// - `13a` (the default) is mteval-v13a's tokenizer, used by WMT: it unescapes `&quot; &amp; &lt; &gt;`,
///   drops `<skipped>`, splits off ASCII punctuation except `'`, splits `.` and `,` unless they sit
///   between digits, and splits `-` after a digit.
/// - `intl` is mteval-v14's international tokenizer: it splits off every Unicode punctuation mark
///   (category P) unless it is preceded or followed by a number (category N), and every symbol (category S).
/// - `char` makes each non-space character (code point) a token.
/// - `none` only splits on whitespace.
public enum BLEUTokenizer: String, CaseIterable, Sendable, Codable {
    case thirteenA = "13a"
    case international = "intl"
    case character = "char"
    case none = "none"

    /// The name in the signature and on the command line.
    public var name: String { rawValue }

    /// The tokens of `line`, as sacreBLEU's tokenizer followed by `str.split()` gives them.
    public func tokens(_ line: String) -> [String] {
        tokenize(Array(line.unicodeScalars)).map { token in
            var text = String.UnicodeScalarView()
            text.append(contentsOf: token)
            return String(text)
        }
    }

    /// The tokens of a line given as scalars.
    func tokenize(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        switch self {
        case .none: return PythonText.split(scalars)
        case .character: return PythonText.split(scalars).flatMap { piece in piece.indices.map { piece[$0...$0] } }
        case .thirteenA: return PythonText.split(Self.mteval13a(scalars))
        case .international: return PythonText.split(Self.mteval14International(scalars))
        }
    }

    // MARK: - 13a

    static func mteval13a(_ input: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var line = ScalarRewriting.replacingAll(input, "<skipped>", with: "")
        line = ScalarRewriting.replacingAll(line, "-\n", with: "")
        line = ScalarRewriting.replacingAll(line, "\n", with: " ")
        if line.contains("&") {
            // In this order: `&amp;lt;` becomes `<`, as in mteval.
            line = ScalarRewriting.replacingAll(line, "&quot;", with: "\"")
            line = ScalarRewriting.replacingAll(line, "&amp;", with: "&")
            line = ScalarRewriting.replacingAll(line, "&lt;", with: "<")
            line = ScalarRewriting.replacingAll(line, "&gt;", with: ">")
        }
        line = [" "] + line + [" "]
        // ASCII punctuation and symbols except ' , - . are split off everywhere.
        line = ScalarRewriting.padding(line, where: isThirteenASymbol)
        // `.` and `,` are split off unless preceded by a digit ...
        line = ScalarRewriting.rewritingPairs(line, first: { !isASCIIDigit($0) }, second: isPeriodOrComma,
                                              as: .spaceAfterEach)
        // ... and unless followed by a digit ...
        line = ScalarRewriting.rewritingPairs(line, first: isPeriodOrComma, second: { !isASCIIDigit($0) },
                                              as: .spaceBeforeEach)
        // ... and `-` is split off after a digit.
        line = ScalarRewriting.rewritingPairs(line, first: isASCIIDigit, second: { $0 == "-" }, as: .spaceAfterEach)
        return line
    }

    /// `{|}~ [\]^_` space!"#$%& ()*+ :;<=>?@ /`: ASCII punctuation other than `'`, `,`, `-` and `.`.
    @inlinable
    static func isThirteenASymbol(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }

    @inlinable
    static func isASCIIDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }

    @inlinable
    static func isPeriodOrComma(_ s: Unicode.Scalar) -> Bool { s == "." || s == "," }

    // MARK: - intl

    static func mteval14International(_ input: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var line = ScalarRewriting.rewritingPairs(input, first: { !isNumber($0) }, second: isPunctuation,
                                                  as: .spaceAfterEach)
        line = ScalarRewriting.rewritingPairs(line, first: isPunctuation, second: { !isNumber($0) },
                                              as: .spaceBeforeEach)
        return ScalarRewriting.padding(line, where: isSymbol)
    }

    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    static func isSymbol(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: return true
        default: return false
        }
    }
}

/// The regular-expression substitutions of the mteval tokenizers, written as plain scans over scalars.
enum ScalarRewriting {
    /// How a matched pair `(x)(y)` is rewritten.
    enum PairRewrite {
        /// `x y ` (a space after each of the two).
        case spaceAfterEach
        /// ` x y` (a space before each of the two).
        case spaceBeforeEach
    }

    /// Every non-overlapping occurrence of `pattern`, leftmost first, replaced by `replacement`
    /// (Python's `str.replace`).
    static func replacingAll(_ line: [Unicode.Scalar], _ pattern: String, with replacement: String) -> [Unicode.Scalar] {
        let needle = Array(pattern.unicodeScalars)
        guard line.count >= needle.count, let first = needle.first else { return line }
        let substitute = Array(replacement.unicodeScalars)
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(line.count)
        var i = 0
        while i < line.count {
            if line[i] == first, i + needle.count <= line.count, line[i..<(i + needle.count)].elementsEqual(needle) {
                result.append(contentsOf: substitute)
                i += needle.count
            } else {
                result.append(line[i])
                i += 1
            }
        }
        return result
    }

    /// `re.sub(r'(c)', r' \1 ')` for a one-character class: a space on each side of every match.
    static func padding(_ line: [Unicode.Scalar], where matches: (Unicode.Scalar) -> Bool) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(line.count + 16)
        for s in line {
            if matches(s) { result.append(" "); result.append(s); result.append(" ") } else { result.append(s) }
        }
        return result
    }

    /// `re.sub(r'(x)(y)', ...)` for two one-character classes: scanning left to right, a match consumes
    /// both characters, so the second cannot start the next match (the semantics of `re.sub`).
    static func rewritingPairs(
        _ line: [Unicode.Scalar], first: (Unicode.Scalar) -> Bool, second: (Unicode.Scalar) -> Bool,
        as rewrite: PairRewrite
    ) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(line.count + 16)
        var i = 0
        while i < line.count {
            if i + 1 < line.count, first(line[i]), second(line[i + 1]) {
                switch rewrite {
                case .spaceAfterEach:
                    result.append(line[i]); result.append(" "); result.append(line[i + 1]); result.append(" ")
                case .spaceBeforeEach:
                    result.append(" "); result.append(line[i]); result.append(" "); result.append(line[i + 1])
                }
                i += 2
            } else {
                result.append(line[i])
                i += 1
            }
        }
        return result
    }
}
