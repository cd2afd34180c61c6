// What greedy and beam search share about one step: which tokens may come next, in which order they are
// visited (ties go to the row and token visited first), and checks on what the scorer returned.

/// The tokens a row may take next, visited in increasing id order: `<unk>` (when allowed), `</s>`
/// (when the allowance permits), then the words 4..<V. `<pad>` and `<s>` are never visited.
@inline(__always)
func forEachAllowedToken(_ allowance: NextTokenAllowance, vocabularySize: Int, allowUnknown: Bool,
                         _ body: (Int) -> Void) {
    if allowance == .endOnly {
        body(Int(SpecialToken.end))
        return
    }
    if allowUnknown { body(Int(SpecialToken.unknown)) }
    if allowance == .any { body(Int(SpecialToken.end)) }
    for token in SpecialToken.count..<vocabularySize { body(token) }
}

extension SearchOptions {
    /// The limits of a sentence for a scorer of `vocabularySize` ids. When no word can be produced at all
    /// (V = 4 and `<unk>` forbidden), the maximum is 0 so that `</s>` is always allowed.
    /// A forced prefix of `prefixLength` tokens (`PrefixForcingScorer`) does not count against the maximum,
    /// so a prefix longer than maxLength(S) is still reproduced and followed by up to maxLength(S) tokens.
    func limits(sourceLength: Int, vocabularySize: Int, prefixLength: Int = 0) -> LengthLimits {
        let canProduceWords = vocabularySize > SpecialToken.count || allowUnknown
        guard canProduceWords else { return LengthLimits(minimum: 0, maximum: 0) }
        var limits = limits(sourceLength: sourceLength)
        limits.maximum += prefixLength
        return limits
    }
}

/// Throws unless `prefixLengths` is nil or has one non-negative entry per source sentence.
func checkPrefixLengths(_ prefixLengths: [Int]?, sentences: Int) throws {
    guard let prefixLengths else { return }
    guard prefixLengths.count == sentences, prefixLengths.allSatisfy({ $0 >= 0 }) else {
        throw DecodingError.invalidOption(name: "prefix lengths", value: "\(prefixLengths)",
                                          expected: "one length ≥ 0 per source sentence (\(sentences))")
    }
}

extension ScorerOutput {
    /// Throws `DecodingError.scorerContract` unless this output has `rows` rows of `vocabularySize` entries and,
    /// when `needsAttention`, attention rows at least `longestSource` wide.
    func check(rows: Int, vocabularySize: Int, needsAttention: Bool, longestSource: Int) throws {
        guard logProbabilities.count == rows * vocabularySize else {
            throw DecodingError.scorerContract(
                what: "step returned \(logProbabilities.count) log-probabilities for \(rows) rows × V \(vocabularySize)")
        }
        guard needsAttention else { return }
        guard let attention else {
            throw DecodingError.attentionUnavailable(neededFor: "unknown-word replacement, attention output or the coverage penalty")
        }
        guard attentionWidth >= longestSource, attention.count == rows * attentionWidth else {
            throw DecodingError.scorerContract(
                what: "step returned \(attention.count) attention weights with width \(attentionWidth) for \(rows) rows "
                    + "and a longest source of \(longestSource) tokens")
        }
    }

    /// The first `length` attention weights of `row`: [S]. Only call after `check` with attention.
    func attentionRow(_ row: Int, length: Int) -> [Float] {
        guard let attention else { return [] }
        let start = row * attentionWidth
        return Array(attention[start..<(start + length)])
    }
}

extension Scorer {
    /// Checks the vocabulary size once per search.
    func checkVocabulary() throws {
        guard vocabularySize >= SpecialToken.count else {
            throw DecodingError.scorerContract(
                what: "vocabularySize is \(vocabularySize), but the four special tokens alone need 4")
        }
    }

    /// `reorder`, skipped when `rows` keeps every row in place.
    func reorderIfNeeded(_ state: State, rows: [Int], currentRowCount: Int) -> State {
        if rows.count == currentRowCount && rows.elementsEqual(0..<currentRowCount) { return state }
        return reorder(state, rows: rows)
    }
}
