/// Batched beam search over any `Scorer`.
///
/// Every step runs the scorer once on the R live hypotheses of all unfinished sentences of the batch
/// (rows of one matrix; R ≤ B·K), then, for each sentence, in named stages:
///
/// 1. **expand and select top-K**: extend each of the sentence's live hypotheses by every allowed token
///    (`SearchOptions` length limits) and keep the K extensions of highest total log-probability. All
///    extensions of one step have the same length, so ranking them by log-probability is ranking them by
///    normalized score; normalization only matters between finished hypotheses of different lengths.
/// 2. **retire finished hypotheses**: an extension ending in `</s>` leaves the beam and joins the
///    sentence's finished list (best nBest kept, by normalized score); the others are the new live beam,
///    which may hold fewer than K entries for a step.
/// 3. **decide**: the sentence stops when no live hypothesis remains or none can beat its finished ones
///    (see `SentenceBeam.isDecided` for the rule and why it is exact under length normalization).
/// 4. **reorder states**: the scorer's state keeps exactly the parent rows of the surviving live hypotheses.
///
/// Ties are broken by visiting order (parent row, then token id), so K = 1 gives greedy search's result.
/// Sentences are independent: decoding a batch returns what decoding each sentence alone would.
public struct BeamSearch: Sendable {
    public let options: SearchOptions

    /// Throws `DecodingError.invalidOption` when `options` are out of range.
    public init(options: SearchOptions = SearchOptions()) throws {
        try options.validate()
        self.options = options
    }

    /// For each source sentence, in input order, its n-best list: at most `options.nBest` distinct
    /// hypotheses, best score first. A list is shorter only when fewer complete hypotheses exist.
    /// - Parameters:
    ///   - sources: [B][S_b] source ids (no `<s>`, `</s>` or padding).
    ///   - prefixLengths: [B], the tokens a `PrefixForcingScorer` forces at the start of each sentence; they
    ///     do not count against the maximum length. nil: no prefixes.
    public func search<S: Scorer>(_ scorer: S, sources: [[Int32]], prefixLengths: [Int]? = nil) throws -> [[Hypothesis]] {
        try scorer.checkVocabulary()
        try checkPrefixLengths(prefixLengths, sentences: sources.count)
        guard !sources.isEmpty else { return [] }
        let vocabularySize = scorer.vocabularySize
        let longestSource = sources.map(\.count).max() ?? 0
        var beams = sources.indices.map {
            SentenceBeam(sentence: $0, sourceLength: sources[$0].count,
                         limits: options.limits(sourceLength: sources[$0].count, vocabularySize: vocabularySize,
                                                prefixLength: prefixLengths?[$0] ?? 0))
        }
        var history = SearchHistory()
        var state = try scorer.start(sources: sources)

        while true {
            let active = beams.indices.filter { !beams[$0].isDone }
            guard !active.isEmpty else { break }
            let previous = active.flatMap { b in beams[b].live.map { history.token($0.node) } }
            let sentences = active.flatMap { b in [Int](repeating: b, count: beams[b].live.count) }
            let (output, next) = try scorer.step(state, previous: previous, sentences: sentences)
            try output.check(rows: previous.count, vocabularySize: vocabularySize,
                             needsAttention: options.needsAttention, longestSource: longestSource)
            var keptRows: [Int] = []  // [R'] parent row of each surviving live hypothesis
            var firstRow = 0
            for b in active {
                let parentCount = beams[b].live.count
                let selected = selectTopK(expanding: beams[b], output: output, firstRow: firstRow,
                                          vocabularySize: vocabularySize)
                let parents = retireFinished(selected, in: &beams[b], output: output, firstRow: firstRow,
                                             history: &history)
                if beams[b].isDecided(nBest: options.nBest, lengthPenalty: options.lengthPenalty) {
                    beams[b].isDone = true
                } else {
                    keptRows.append(contentsOf: parents.map { firstRow + $0 })
                }
                firstRow += parentCount
            }
            state = scorer.reorderIfNeeded(next, rows: keptRows, currentRowCount: firstRow)
        }
        return beams.map { results(of: $0, history: history) }
    }

    /// Stage 1: every allowed one-token extension of the sentence's live hypotheses, keeping the K best.
    /// `output.logProbabilities` is [R, V]; this sentence's rows are `firstRow ..< firstRow + live.count`.
    /// Tokens are visited in the order of `forEachAllowedToken` (`<unk>`, `</s>`, then words), which the
    /// beam-1-equals-greedy test relies on. The words are search's hot loop: K·V candidates per sentence
    /// and step, scanned by `TopKSelection.offer(row:…)`.
    func selectTopK(expanding beam: SentenceBeam, output: ScorerOutput, firstRow: Int,
                    vocabularySize: Int) -> [Candidate] {
        var selection = TopKSelection(capacity: options.beamSize)
        output.logProbabilities.withUnsafeBufferPointer { all in
            for (parent, hypothesis) in beam.live.enumerated() {
                let start = (firstRow + parent) * vocabularySize
                let row = UnsafeBufferPointer(rebasing: all[start..<(start + vocabularySize)])  // [V]
                let base = hypothesis.logProbability
                func offer(_ token: Int32) {
                    selection.offer(Candidate(parent: parent, token: token, logProbability: base + row[Int(token)]))
                }
                let allowance = beam.limits.allowance(length: hypothesis.length)
                if allowance == .endOnly {
                    offer(SpecialToken.end)
                    continue
                }
                if options.allowUnknown { offer(SpecialToken.unknown) }
                if allowance == .any { offer(SpecialToken.end) }
                selection.offer(row: row, tokens: SpecialToken.count..<vocabularySize, parent: parent, base: base)
            }
        }
        return selection.best
    }

    /// Stage 2: records the selected extensions in `history`; those ending in `</s>` join the finished list,
    /// the others become the new live beam (best first).
    /// - Returns: for each new live hypothesis, the index of its parent among the old live ones.
    func retireFinished(_ selected: [Candidate], in beam: inout SentenceBeam, output: ScorerOutput,
                        firstRow: Int, history: inout SearchHistory) -> [Int] {
        var live: [LiveHypothesis] = []
        var parents: [Int] = []
        for candidate in selected {
            let parent = beam.live[candidate.parent]
            let attention = options.needsAttention
                ? output.attentionRow(firstRow + candidate.parent, length: beam.sourceLength) : nil
            let node = history.append(parent: parent.node, token: candidate.token, attention: attention)
            if candidate.token == SpecialToken.end {
                let score = FinalScore.of(
                    logProbability: candidate.logProbability, tokenCount: parent.length,
                    attention: options.coverageWeight != 0 ? history.attention(to: node) : nil,
                    sourceLength: beam.sourceLength, options: options)
                beam.addFinished(FinishedHypothesis(node: node, logProbability: candidate.logProbability,
                                                    score: score), keeping: options.nBest)
            } else {
                live.append(LiveHypothesis(node: node, logProbability: candidate.logProbability,
                                           length: parent.length + 1))
                parents.append(candidate.parent)
            }
        }
        beam.live = live
        return parents
    }

    /// The n-best list of a finished sentence, read back from the history.
    func results(of beam: SentenceBeam, history: SearchHistory) -> [Hypothesis] {
        beam.finished.map { finished in
            Hypothesis(tokens: Array(history.tokens(to: finished.node).dropLast()),  // drop </s>
                       logProbability: finished.logProbability, score: finished.score,
                       attention: options.keepAttention ? history.attention(to: finished.node) : nil)
        }
    }
}
