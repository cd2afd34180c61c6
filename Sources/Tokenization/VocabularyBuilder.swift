/// Counts tokens over a corpus and builds the `Vocabulary` from the counts.
public struct VocabularyBuilder: Sendable {
    public private(set) var counts: [String: Int] = [:]
    /// Tokens seen in total.
    public private(set) var total = 0

    public init() {}

    /// Counts the tokens of one line.
    public mutating func add<Tokens: Sequence>(_ tokens: Tokens) where Tokens.Element == String {
        for token in tokens {
            counts[token, default: 0] += 1
            total += 1
        }
    }

    /// Adds every count of `other`.
    public mutating func add(_ other: VocabularyBuilder) {
        counts.merge(other.counts, uniquingKeysWith: +)
        total += other.total
    }

    /// The vocabulary of the counted tokens (see `Vocabulary.build`).
    public func build(minFrequency: Int = 1, maxSize: Int = Int.max) -> Vocabulary {
        Vocabulary.build(counts: counts, minFrequency: minFrequency, maxSize: maxSize)
    }
}
