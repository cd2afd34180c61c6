/// Greedy search: every sentence follows its single most probable next token until `</s>`.
///
/// All unfinished sentences of the batch are the rows of one scorer call per step; a sentence's row is
/// dropped (`Scorer.reorder`) once it produces `</s>`. Ties go to the lowest token id. Length limits and
/// scoring follow `SearchOptions` exactly as `BeamSearch` does, so beam size 1 returns the same hypotheses.
public struct GreedySearch: Sendable {
    public let options: SearchOptions

    /// Throws `DecodingError.invalidOption` when `options` are out of range.
    public init(options: SearchOptions = SearchOptions()) throws {
        try options.validate()
        self.options = options
    }

    /// One hypothesis per source sentence, in input order.
    /// - Parameters:
    ///   - sources: [B][S_b] source ids (no `<s>`, `</s>` or padding).
    ///   - prefixLengths: [B], forced prefix lengths that do not count against the maximum (as in `BeamSearch`).
    public func search<S: Scorer>(_ scorer: S, sources: [[Int32]], prefixLengths: [Int]? = nil) throws -> [Hypothesis] {
        try scorer.checkVocabulary()
        try checkPrefixLengths(prefixLengths, sentences: sources.count)
        let vocabularySize = scorer.vocabularySize
        let longestSource = sources.map(\.count).max() ?? 0
        guard !sources.isEmpty else { return [] }
        var rows = sources.indices.map { GreedyRow(sentence: $0, limits: options.limits(
            sourceLength: sources[$0].count, vocabularySize: vocabularySize, prefixLength: prefixLengths?[$0] ?? 0)) }
        var results = [Hypothesis?](repeating: nil, count: sources.count)
        var state = try scorer.start(sources: sources)

        while !rows.isEmpty {
            let previous = rows.map { $0.tokens.last ?? SpecialToken.beginning }
            let (output, next) = try scorer.step(state, previous: previous, sentences: rows.map(\.sentence))
            try output.check(rows: rows.count, vocabularySize: vocabularySize,
                             needsAttention: options.needsAttention, longestSource: longestSource)
            var kept: [Int] = []  // state rows that go on
            for r in rows.indices {
                let (token, logProbability) = bestToken(
                    output.logProbabilities, row: r, vocabularySize: vocabularySize,
                    allowance: rows[r].limits.allowance(length: rows[r].tokens.count))
                rows[r].logProbability += logProbability
                if options.needsAttention {
                    rows[r].attention.append(output.attentionRow(r, length: sources[rows[r].sentence].count))
                }
                if token == Int(SpecialToken.end) {
                    results[rows[r].sentence] = finish(rows[r], sourceLength: sources[rows[r].sentence].count)
                } else {
                    rows[r].tokens.append(Int32(token))
                    kept.append(r)
                }
            }
            state = scorer.reorderIfNeeded(next, rows: kept, currentRowCount: rows.count)
            rows = kept.map { rows[$0] }
        }
        return results.filledSlots("greedy search left a sentence unfinished")  // maxLength forces `</s>`
    }

    /// The allowed token of highest log-probability in `row` of [R, V] `logProbabilities`; the first on ties.
    /// NaN counts as -∞, and when every allowed token is -∞ the first allowed one is taken.
    /// - Returns: the token and its log-probability (NaN replaced by -∞).
    private func bestToken(_ logProbabilities: [Float], row: Int, vocabularySize: Int,
                           allowance: NextTokenAllowance) -> (token: Int, logProbability: Float) {
        var best = -1
        var bestValue = -Float.infinity
        logProbabilities.withUnsafeBufferPointer { all in
            let start = row * vocabularySize
            let values = UnsafeBufferPointer(rebasing: all[start..<(start + vocabularySize)])  // [V]
            forEachAllowedToken(allowance, vocabularySize: vocabularySize, allowUnknown: options.allowUnknown) { token in
                let value = values[token]
                if best < 0 || value > bestValue {
                    best = token
                    bestValue = value.isNaN ? -.infinity : value
                }
            }
        }
        return (best, bestValue)
    }

    private func finish(_ row: GreedyRow, sourceLength: Int) -> Hypothesis {
        let attention = options.needsAttention ? row.attention : nil
        let score = FinalScore.of(logProbability: row.logProbability, tokenCount: row.tokens.count,
                                  attention: attention, sourceLength: sourceLength, options: options)
        return Hypothesis(tokens: row.tokens, logProbability: row.logProbability, score: score,
                          attention: options.keepAttention ? row.attention : nil)
    }
}

/// One unfinished sentence of greedy search.
private struct GreedyRow {
    let sentence: Int
    let limits: LengthLimits
    var tokens: [Int32] = []        // [T] so far, without <s>
    var logProbability: Float = 0
    var attention: [[Float]] = []   // [T][S] so far, when attention is needed
}
