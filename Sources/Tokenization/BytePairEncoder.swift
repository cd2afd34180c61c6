/// Applies learned BPE merges to tokenizer tokens: the core of each token is split into symbols and
/// merged greedily by rank (the earliest learned merge first), as the learner did. Pieces that do not
/// end their token carry the joiner, so detokenization stays exact. Results are cached per core.
///
/// Not Sendable (the cache); give each thread its own `copy()`.
public final class BytePairEncoder {
    public let merges: BPEMerges
    private let ranks: [BPEMerges.Pair: Int]
    private var cache: [String: [String]] = [:]
    /// The cache is emptied when it holds this many cores, to bound memory on endless input: 65,536
    /// cores take about 10 MB, and hold every word of a corpus like Multi30k (about 20,000 types).
    private let cacheLimit = 1 << 16

    public init(merges: BPEMerges) {
        self.merges = merges
        var ranks: [BPEMerges.Pair: Int] = [:]
        for (rank, pair) in merges.pairs.enumerated() where ranks[pair] == nil { ranks[pair] = rank }
        self.ranks = ranks
    }

    public func copy() -> BytePairEncoder {
        BytePairEncoder(merges: merges)
    }

    /// Splits tokenizer tokens into subword tokens. Joiners of a token move to its first and last piece;
    /// whitespace tokens pass through unchanged.
    public func apply(_ tokens: [String]) -> [String] {
        var output: [String] = []
        output.reserveCapacity(tokens.count * 2)
        for token in tokens {
            let parts = TokenMarkers.parts(of: token)
            if parts.core.isEmpty || TokenMarkers.isWhitespaceToken(parts.core) {
                output.append(token)
                continue
            }
            var pieces = segment(parts.core)
            if pieces.count == 1 {
                output.append(token)
                continue
            }
            if parts.prefixJoiner { pieces[0] = TokenMarkers.joinerString + pieces[0] }
            if parts.suffixJoiner { pieces[pieces.count - 1].append(TokenMarkers.joiner) }
            output.append(contentsOf: pieces)
        }
        return output
    }

    /// The subword pieces of one token core; all but the last end with the joiner.
    public func segment(_ core: Substring) -> [String] {
        let key = String(core)
        if let cached = cache[key] { return cached }
        var symbols = BPESymbols.initial(core)
        while symbols.count > 1 {
            var bestRank = Int.max
            var bestIndex = -1
            for i in 0..<(symbols.count - 1) {
                if let rank = ranks[BPEMerges.Pair(symbols[i], symbols[i + 1])], rank < bestRank {
                    bestRank = rank
                    bestIndex = i
                }
            }
            if bestIndex < 0 { break }
            let left = symbols[bestIndex]
            let right = symbols[bestIndex + 1]
            let merged = BPEMerges.Pair(left, right).merged
            var next: [String] = []
            next.reserveCapacity(symbols.count - 1)
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count && symbols[i] == left && symbols[i + 1] == right {
                    next.append(merged)
                    i += 2
                } else {
                    next.append(symbols[i])
                    i += 1
                }
            }
            symbols = next
        }
        if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[key] = symbols
        return symbols
    }
}
