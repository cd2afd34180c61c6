/// Splits a line into tokens with ICU's word break iterator, losslessly: `detokenize(tokenize(L))`
/// equals `normalize(L)` byte for byte (the marks are described in `TokenMarkers`).
///
/// Words, numbers and dictionary-segmented runs (Chinese, Japanese, Thai, Lao, Khmer) follow ICU's
/// rules ("don't", "3.5" and "e-mail" stay whole); punctuation and symbols are tokens of their own;
/// whitespace never appears inside a token. Tokens are built from UTF-8 byte offsets of a UText over
/// the line, never from UTF-16 slices.
///
/// Not Sendable: it owns one ICU break iterator. Give each thread its own `copy()`.
public final class Tokenizer {
    public let options: TokenizerOptions
    private let breaker: ICUWordBreaker
    private let normalizer: ICUNormalizer?
    private let lowercaser: ICULowercaser?

    public init(options: TokenizerOptions = TokenizerOptions()) throws {
        self.options = options
        breaker = try ICUWordBreaker()
        normalizer = options.normalization == .none ? nil : try ICUNormalizer(options.normalization)
        lowercaser = options.lowercase ? try ICULowercaser(locale: options.lowercaseLocale) : nil
    }

    /// A tokenizer with the same options and its own ICU state, for another thread.
    public func copy() throws -> Tokenizer {
        try Tokenizer(options: options)
    }

    /// `line` normalized and, if asked, lowercased: what `detokenize(tokenize(line))` gives back.
    public func normalize(_ line: String) -> String {
        var text = normalizer?.normalize(line) ?? line
        if let lowercaser { text = lowercaser.lowercase(text) }
        return text
    }

    /// The tokens of one line (which must not contain a newline). An empty line gives no tokens.
    public func tokenize(_ line: String) -> [String] {
        var text = normalize(line)
        var tokens: [String] = []
        var scratch: [UInt8] = []
        text.withUTF8 { bytes in
            var builder = TokenSequenceBuilder(bytes: bytes)
            breaker.forEachSegment(bytes) { start, end, status in
                builder.addSegment(start: start, end: end, isWord: status >= 100, scratch: &scratch)
            }
            builder.finish(scratch: &scratch)
            tokens = builder.tokens
        }
        return tokens
    }

    /// The text that `tokens` stand for: the exact inverse of `tokenize` (see `TokenMarkers`). Tokens are
    /// separated by one space unless a joiner sits between them or one of them is a whitespace token.
    public static func detokenize<Tokens: Sequence>(_ tokens: Tokens) -> String where Tokens.Element: StringProtocol {
        var output: [UInt8] = []
        var previousJoinsRight = true  // nothing before the first token
        for token in tokens {
            let done: Void? = token.utf8.withContiguousStorageIfAvailable {
                TokenJoining.append($0, to: &output, previousJoinsRight: &previousJoinsRight)
            }
            if done == nil {
                Array(token.utf8).withUnsafeBufferPointer {
                    TokenJoining.append($0, to: &output, previousJoinsRight: &previousJoinsRight)
                }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Same as the static `detokenize`, for convenience on an instance.
    public func detokenize(_ tokens: [String]) -> String {
        Self.detokenize(tokens)
    }
}

/// Turns word-break segments into marked tokens, one line at a time (the rules are in `TokenMarkers`).
struct TokenSequenceBuilder {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var tokens: [String] = []
    /// Whitespace since the last content token: `gapStart..<gapEnd` (empty when none).
    private var gapStart = 0
    private var gapEnd = 0
    private var hasPrevious = false
    private var previousIsWord = false

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        tokens.reserveCapacity(bytes.count / 4 + 1)
    }

    /// One ICU segment: split into whitespace (gap) and content pieces, since a combining mark after a
    /// space stays in the space's segment.
    mutating func addSegment(start: Int, end: Int, isWord: Bool, scratch: inout [UInt8]) {
        var i = start
        var contentStart = -1
        var contentHasMarkBytes = false
        while i < end {
            let byte = bytes[i]
            let isWhiteSpace: Bool
            let length: Int
            if byte < 0x80 {
                isWhiteSpace = byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
                length = 1
            } else {
                (isWhiteSpace, length) = WhiteSpace.check(bytes, at: i)
                if byte == 0xEF { contentHasMarkBytes = true }
            }
            if isWhiteSpace {
                if contentStart >= 0 {
                    addContent(start: contentStart, end: i, isWord: isWord, mayHoldMarks: contentHasMarkBytes, scratch: &scratch)
                    contentStart = -1
                    contentHasMarkBytes = false
                }
                if gapEnd != i { gapStart = i }
                gapEnd = i + length
            } else if contentStart < 0 {
                contentStart = i
            }
            i += length
        }
        if contentStart >= 0 {
            addContent(start: contentStart, end: end, isWord: isWord, mayHoldMarks: contentHasMarkBytes, scratch: &scratch)
        }
    }

    mutating func finish(scratch: inout [UInt8]) {
        if gapEnd > gapStart { appendWhitespaceToken(scratch: &scratch) }
    }

    private mutating func addContent(start: Int, end: Int, isWord: Bool, mayHoldMarks: Bool, scratch: inout [UInt8]) {
        let gapLength = gapEnd - gapStart
        var prefixJoiner = false
        if !hasPrevious {
            if gapLength > 0 { appendWhitespaceToken(scratch: &scratch) }
        } else if gapLength == 0 {
            if !isWord || previousIsWord {
                prefixJoiner = true
            } else {
                tokens[tokens.count - 1].append(TokenMarkers.joiner)
            }
        } else if !(gapLength == 1 && bytes[gapStart] == 0x20) {
            appendWhitespaceToken(scratch: &scratch)
        }
        if prefixJoiner || mayHoldMarks {
            scratch.removeAll(keepingCapacity: true)
            if prefixJoiner { scratch.append(contentsOf: TokenMarkers.joinerBytes) }
            appendEscapingMarks(start: start, end: end, to: &scratch)
            tokens.append(String(decoding: scratch, as: UTF8.self))
        } else {
            // The common case: the token is its bytes, with no mark to add or escape.
            tokens.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
        }
        hasPrevious = true
        previousIsWord = isWord
        gapStart = end
        gapEnd = end
    }

    /// Content bytes, with any literal `￭` or `￮` escaped so it cannot be read as a mark.
    private func appendEscapingMarks(start: Int, end: Int, to scratch: inout [UInt8]) {
        var i = start
        while i < end {
            let byte = bytes[i]
            if byte == 0xEF, i + 2 < end, bytes[i + 1] == 0xBF, bytes[i + 2] == 0xAD || bytes[i + 2] == 0xAE {
                TokenMarkers.appendEscape(of: bytes[i + 2] == 0xAD ? 0xFFED : 0xFFEE, to: &scratch)
                i += 3
            } else {
                scratch.append(byte)
                i += 1
            }
        }
    }

    /// The pending gap as a whitespace token: each character as an escape.
    private mutating func appendWhitespaceToken(scratch: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        var i = gapStart
        while i < gapEnd {
            let (scalar, length) = WhiteSpace.decode(bytes, at: i)
            TokenMarkers.appendEscape(of: scalar, to: &scratch)
            i += length
        }
        tokens.append(String(decoding: scratch, as: UTF8.self))
        gapStart = gapEnd
    }
}

/// Detokenization on UTF-8 bytes: the marks of `TokenMarkers`, read without building Characters.
enum TokenJoining {
    /// Appends the text of one token, with a space before it unless a joiner or whitespace token says not.
    static func append(_ b: UnsafeBufferPointer<UInt8>, to output: inout [UInt8], previousJoinsRight: inout Bool) {
        var start = 0
        var end = b.count
        let prefix = isJoiner(b, at: 0, end: end)
        if prefix { start = 3 }
        var suffix = start == end && prefix  // a token made only of joiners joins on both sides
        if !suffix && end - start >= 3 && isJoiner(b, at: end - 3, end: end) {
            suffix = true
            end -= 3
        }
        var hasEscape = false
        var i = start
        while i + 2 < end {
            if b[i] == 0xEF && b[i + 1] == 0xBF && b[i + 2] == 0xAE {
                hasEscape = true
                break
            }
            i += 1
        }
        if !hasEscape {
            if !(previousJoinsRight || prefix) { output.append(0x20) }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<end]))
            previousJoinsRight = suffix
            return
        }
        var text: [UInt8] = []
        let isWhitespace = unescape(UnsafeBufferPointer(rebasing: b[start..<end]), into: &text)
        if !(previousJoinsRight || prefix || isWhitespace) { output.append(0x20) }
        output.append(contentsOf: text)
        previousJoinsRight = suffix || isWhitespace
    }

    @inline(__always)
    static func isJoiner(_ b: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> Bool {
        i + 3 <= end && b[i] == 0xEF && b[i + 1] == 0xBF && b[i + 2] == 0xAD
    }

    /// Escapes `￮XXXX` (uppercase hex) become their characters, except the newline's (`￮000A`, which no
    /// line read from a file holds): it stays as written, so one line in gives one line out. Anything else
    /// is copied. Returns whether the core is a whitespace token (only escapes of whitespace characters).
    static func unescape(_ b: UnsafeBufferPointer<UInt8>, into text: inout [UInt8]) -> Bool {
        var allWhitespace = b.count > 0
        var i = 0
        while i < b.count {
            if i + 7 <= b.count, b[i] == 0xEF, b[i + 1] == 0xBF, b[i + 2] == 0xAE, let value = hexValue(b, at: i + 3),
               value != 0x0A, let scalar = Unicode.Scalar(value) {
                text.append(contentsOf: String(scalar).utf8)
                if !WhiteSpace.contains(value) { allWhitespace = false }
                i += 7
            } else {
                text.append(b[i])
                allWhitespace = false
                i += 1
            }
        }
        return allWhitespace
    }

    /// The value of four uppercase hex digits at `i`.
    private static func hexValue(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> UInt32? {
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = b[i + k]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
