import Seq2SeqModel

/// The model seen from search: `Seq2Seq`'s batched encode, step and reorder behind the `Scorer` protocol.
public struct ModelScorer: Scorer {
    public let model: Seq2Seq
    public init(model: Seq2Seq) { self.model = model }

    public var vocabularySize: Int { model.configuration.targetVocabularySize }

    public func start(sources: [[Int32]]) throws -> InferenceState { model.start(sources: sources) }

    public func step(_ state: InferenceState, previous: [Int32], sentences: [Int]) throws -> (output: ScorerOutput, next: InferenceState) {
        let result = model.step(state, previous: previous, sentences: sentences)
        return (ScorerOutput(logProbabilities: result.logProbabilities, attention: result.attention,
                             attentionWidth: result.attention == nil ? 0 : state.sourceSteps), result.next)
    }

    public func reorder(_ state: InferenceState, rows: [Int]) -> InferenceState { model.reorder(state, rows: rows) }
}
