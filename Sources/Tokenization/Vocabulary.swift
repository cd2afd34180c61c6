import DurableFiles
import TokenIDs
/// Token ↔ id, with `<pad> <unk> <s> </s>` as ids 0–3; an unknown token maps to `<unk>`.
///
/// File format: `token<TAB>count` per line, the line number (from 0) being the id, the special tokens
/// first (their count is 0), then tokens by count descending, ties by the token's UTF-8 bytes ascending.
/// No escaping is needed: tokens never contain a tab or a newline.
public struct Vocabulary: Sendable, Equatable {
    // The ids and spellings of the special tokens are TokenIDs' `SpecialToken`.
    public static let pad = Int(SpecialToken.padding)
    public static let unk = Int(SpecialToken.unknown)
    public static let bos = Int(SpecialToken.beginning)
    public static let eos = Int(SpecialToken.end)
    public static let specialTokens = SpecialToken.names

    /// Tokens by id.
    public let tokens: [String]
    /// Corpus counts by id (0 for the special tokens).
    public let counts: [Int]
    private let ids: [String: Int]

    /// A vocabulary from tokens already in id order; the first four must be the special tokens.
    public init(tokens: [String], counts: [Int]) {
        precondition(tokens.count == counts.count, "tokens (\(tokens.count)) and counts (\(counts.count)) differ in length")
        precondition(Array(tokens.prefix(4)) == Self.specialTokens, "a vocabulary starts with \(Self.specialTokens)")
        self.tokens = tokens
        self.counts = counts
        var ids: [String: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            precondition(ids[token] == nil, "duplicate token \(token)")
            ids[token] = id
        }
        self.ids = ids
    }

    /// Builds a vocabulary from token counts: the special tokens, then tokens with a count of at least
    /// `minFrequency`, by count descending then UTF-8 bytes ascending, cut so that the whole vocabulary
    /// (special tokens included) holds at most `maxSize` entries. Special tokens in `counts` are ignored.
    public static func build(counts: [String: Int], minFrequency: Int = 1, maxSize: Int = Int.max) -> Vocabulary {
        precondition(maxSize >= specialTokens.count, "maxSize must leave room for the \(specialTokens.count) special tokens")
        let kept = counts
            .filter { $0.value >= minFrequency && $0.value > 0 && !specialTokens.contains($0.key) }
            .sorted { a, b in a.value != b.value ? a.value > b.value : a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }
            .prefix(maxSize - specialTokens.count)
        return Vocabulary(tokens: specialTokens + kept.map(\.key),
                          counts: Array(repeating: 0, count: specialTokens.count) + kept.map(\.value))
    }

    /// The number of entries, special tokens included (the model's V).
    public var count: Int { tokens.count }

    /// The id of `token`, or `Vocabulary.unk` when it is not in the vocabulary.
    public func id(for token: String) -> Int { ids[token] ?? Self.unk }

    /// Whether `token` has its own id.
    public func contains(_ token: String) -> Bool { ids[token] != nil }

    /// The token of `id`; ids outside the vocabulary give `<unk>`.
    public func token(for id: Int) -> String { tokens.indices.contains(id) ? tokens[id] : Self.specialTokens[Self.unk] }

    /// Ids of tokens (unknown tokens → `<unk>`).
    public func ids<Tokens: Sequence>(for tokens: Tokens) -> [Int] where Tokens.Element == String { tokens.map { id(for: $0) } }

    /// Tokens of ids.
    public func tokens<IDs: Sequence>(for ids: IDs) -> [String] where IDs.Element == Int { ids.map { token(for: $0) } }

    /// The file text: `token<TAB>count` per line.
    public var fileText: String {
        var text = ""
        for (token, count) in zip(tokens, counts) { text += token + "\t" + String(count) + "\n" }
        return text
    }

    /// Writes the vocabulary file (to a temporary name first, then renamed).
    public func write(to path: String) throws {
        try AtomicFile.write(fileText, to: path)
    }

    /// Reads and validates a vocabulary file.
    public static func load(path: String) throws -> Vocabulary {
        try parse(bytes: try FileAccess.readBytes(path: path), path: path)
    }

    /// Parses the bytes of a file: UTF-8 text, then as `parse(_:path:)`.
    public static func parse(bytes: [UInt8], path: String) throws -> Vocabulary {
        try parse(try FileAccess.text(bytes, notText: TokenizationError.malformedVocabulary(path: path, line: 1, reason: "the file is not UTF-8 text")),
                  path: path)
    }

    /// Parses the text of a vocabulary file; `path` is only used in messages. Lines count from 1.
    public static func parse(_ text: String, path: String) throws -> Vocabulary {
        let lines = FileAccess.lines(text)
        var tokens: [String] = []
        var counts: [Int] = []
        var seen: [String: Int] = [:]
        tokens.reserveCapacity(lines.count); counts.reserveCapacity(lines.count); seen.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            let lineNumber = index + 1
            let fields = line.utf8.split(separator: 0x09, omittingEmptySubsequences: false).map { Substring($0) }
            guard fields.count == 2, !fields[0].isEmpty else {
                throw TokenizationError.malformedVocabulary(
                    path: path, line: lineNumber, reason: "expected `token<TAB>count`, found `\(line)`")
            }
            guard let count = Int(fields[1]), count >= 0 else {
                throw TokenizationError.malformedVocabulary(
                    path: path, line: lineNumber, reason: "the count `\(fields[1])` is not a non-negative integer")
            }
            let token = String(fields[0])
            guard !token.unicodeScalars.contains(where: { WhiteSpace.contains($0.value) }) else {
                throw TokenizationError.malformedVocabulary(path: path, line: lineNumber, reason: "the token `\(token)` contains whitespace")
            }
            if index < specialTokens.count, token != specialTokens[index] {
                throw TokenizationError.malformedVocabulary(
                    path: path, line: lineNumber, reason: "line \(lineNumber) must be the special token \(specialTokens[index]), found `\(token)`")
            }
            if let first = seen[token] {
                throw TokenizationError.malformedVocabulary(
                    path: path, line: lineNumber, reason: "the token `\(token)` is listed twice (first on line \(first))")
            }
            seen[token] = lineNumber
            tokens.append(token)
            counts.append(count)
        }
        guard tokens.count >= specialTokens.count else {
            throw TokenizationError.malformedVocabulary(
                path: path, line: tokens.count + 1, reason: "the special token \(specialTokens[tokens.count]) is missing")
        }
        return Vocabulary(tokens: tokens, counts: counts)
    }
}
