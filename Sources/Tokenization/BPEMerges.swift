import DurableFiles
/// An ordered list of BPE merges: what `BPELearner` learns and `BytePairEncoder` applies.
///
/// Symbols are written as they appear in tokenized output: a symbol that does not end its word carries
/// the joiner `￭` at its end (the learner's end-of-word convention, the mirror of subword-nmt's `</w>`
/// on the last symbol). So the left symbol of every merge ends with `￭`, and merging `Hun￭` with `d`
/// gives `Hund`, while `Hun￭` with `d￭` gives `Hund￭`.
///
/// File format: the line `#swiftnmt-bpe v1`, then one `left right` pair per line, in merge order (the
/// line number minus one is the merge's rank). Symbols never contain whitespace.
public struct BPEMerges: Sendable, Equatable {
    public static let header = "#swiftnmt-bpe v1"

    /// One merge: the left symbol (ending with the joiner) and the right symbol.
    public struct Pair: Hashable, Sendable {
        public var left: String
        public var right: String
        public init(_ left: String, _ right: String) {
            self.left = left
            self.right = right
        }

        /// The symbol the merge makes: the left symbol without its joiner, then the right symbol.
        public var merged: String { String(left.dropLast()) + right }

        // Symbols match byte for byte, as the learner wrote them. (String's own == and hash compare by
        // canonical equivalence, which normalizes every symbol that holds the joiner or any other
        // non-ASCII character: most of the time of loading the merges and of encoding a word.)
        public static func == (a: Pair, b: Pair) -> Bool {
            a.left.utf8.elementsEqual(b.left.utf8) && a.right.utf8.elementsEqual(b.right.utf8)
        }

        public func hash(into hasher: inout Hasher) {
            for symbol in [left, right] {
                hasher.combine(symbol.utf8.count)
                var symbol = symbol
                symbol.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            }
        }
    }

    public var pairs: [Pair]

    public init(pairs: [Pair]) {
        self.pairs = pairs
    }

    /// Reads and validates a merges file.
    public static func load(path: String) throws -> BPEMerges {
        try parse(bytes: try FileAccess.readBytes(path: path), path: path)
    }

    /// Parses the bytes of a file: UTF-8 text, then as `parse(_:path:)`.
    public static func parse(bytes: [UInt8], path: String) throws -> BPEMerges {
        try parse(try FileAccess.text(bytes, notText: TokenizationError.malformedMerges(path: path, line: 1, reason: "the file is not UTF-8 text")),
                  path: path)
    }

    /// Parses the text of a merges file; `path` is only used in messages.
    public static func parse(_ text: String, path: String) throws -> BPEMerges {
        let lines = FileAccess.lines(text)
        guard let first = lines.first, first == header else {
            throw TokenizationError.malformedMerges(
                path: path, line: 1, reason: "the first line must be `\(header)`, found `\(lines.first ?? "")`")
        }
        let joiner = Array(TokenMarkers.joinerString.utf8)
        var pairs: [Pair] = []
        pairs.reserveCapacity(lines.count - 1)
        var seen = Set<Pair>(minimumCapacity: lines.count - 1)
        for (index, line) in lines.enumerated().dropFirst() {
            let fields = line.utf8.split(separator: 0x20, omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw TokenizationError.malformedMerges(
                    path: path, line: index + 1, reason: "expected two symbols separated by one space, found `\(line)`")
            }
            let (left, right) = (fields[0], fields[1])
            guard left.count > joiner.count, left.suffix(joiner.count).elementsEqual(joiner), !right.elementsEqual(joiner) else {
                throw TokenizationError.malformedMerges(
                    path: path, line: index + 1,
                    reason: "the left symbol `\(Substring(left))` must end with the joiner \(TokenMarkers.joinerString) (it never ends a word)")
            }
            guard !line.utf8.contains(0x09), !line.utf8.contains(0x0D) else {
                throw TokenizationError.malformedMerges(path: path, line: index + 1, reason: "symbols cannot contain tabs or carriage returns")
            }
            let pair = Pair(String(Substring(left)), String(Substring(right)))
            guard seen.insert(pair).inserted else {
                throw TokenizationError.malformedMerges(path: path, line: index + 1, reason: "the pair `\(line)` is listed twice")
            }
            pairs.append(pair)
        }
        return BPEMerges(pairs: pairs)
    }

    /// The file text: the header, then one pair per line.
    public var fileText: String {
        var text = Self.header + "\n"
        for pair in pairs { text += pair.left + " " + pair.right + "\n" }
        return text
    }

    /// Writes the merges file (to a temporary name first, then renamed).
    public func write(to path: String) throws {
        try AtomicFile.write(fileText, to: path)
    }
}
