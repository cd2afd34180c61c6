import Seq2SeqModel

/// The model seen from search: `Seq2Seq`'s batched encode, step and reorder behind the `Scorer` protocol.
public struct ModelScorer: Scorer {
    public let model: Seq2Seq
    /// The most rows one sentence will have (the beam size): the step's buffers are sized for it once per batch.
    public let rowsPerSentence: Int
    /// Whether steps return attention rows (for `--attention`, unknown-word replacement, coverage penalties).
    public let attention: Bool
    /// Score only each batch's shortlisted target tokens (the others get −∞); nil: the whole vocabulary.
    public let shortlist: Shortlist?
    /// Target ids scored whatever the shortlist says: the batch's target prefixes, which search must be able to take.
    public let forcedTargets: [Int32]

    public init(model: Seq2Seq, rowsPerSentence: Int = 1, attention: Bool = true, shortlist: Shortlist? = nil,
                forcedTargets: [Int32] = []) {
        self.model = model
        self.rowsPerSentence = rowsPerSentence
        self.attention = attention
        self.shortlist = shortlist
        self.forcedTargets = forcedTargets
    }

    /// The scorer the search `options` need: rows for their beam, attention only when they use it.
    public init(model: Seq2Seq, options: SearchOptions, shortlist: Shortlist? = nil, forcedTargets: [Int32] = []) {
        self.init(model: model, rowsPerSentence: options.beamSize, attention: options.needsAttention, shortlist: shortlist,
                  forcedTargets: forcedTargets)
    }

    public var vocabularySize: Int { model.configuration.targetVocabularySize }

    public func start(sources: [[Int32]]) throws -> InferenceState {
        model.start(sources: sources, rowsPerSentence: rowsPerSentence, candidates: shortlist?.candidates(for: sources, forced: forcedTargets))
    }

    public func step(_ state: InferenceState, previous: [Int32], sentences: [Int]) throws -> (output: ScorerOutput, next: InferenceState) {
        let result = model.step(state, previous: previous, sentences: sentences, attention: attention)
        return (ScorerOutput(logProbabilities: result.logProbabilities, attention: result.attention,
                             attentionWidth: result.attention == nil ? 0 : state.sourceSteps), result.next)
    }

    public func reorder(_ state: InferenceState, rows: [Int]) -> InferenceState { model.reorder(state, rows: rows) }
}
