import Recipes
import Seq2SeqModel

/// The model's names for the recipe's choices: the one place that maps `model.*` keys onto `Seq2SeqModel`
/// (which reads no recipe, ARCHITECTURE.md).
extension RecurrentCell {
    public init(_ kind: CellKind) {
        switch kind {
        case .lstm: self = .lstm
        case .gru: self = .gru
        case .rnn: self = .rnn
        }
    }
}

extension AttentionScore {
    public init(_ kind: AttentionKind) {
        switch kind {
        case .bahdanau: self = .bahdanau
        case .luong_general: self = .luongGeneral
        case .luong_dot: self = .luongDot
        case .none: self = .none
        }
    }
}

extension ModelConfiguration {
    /// The shape a recipe's `model` section describes, for vocabularies of the given sizes.
    public init(_ m: ModelSection, sourceVocabularySize: Int, targetVocabularySize: Int) {
        self.init(sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize,
                  embedding: m.embedding, encoderHidden: m.encoderHidden, encoderLayers: m.encoderLayers,
                  decoderHidden: m.decoderHidden, attentionSize: m.attentionSize, inputFeeding: m.inputFeeding,
                  tieEmbeddings: m.tieEmbeddings, dropout: Float(m.dropout), cell: RecurrentCell(m.cell),
                  attention: AttentionScore(m.attention))
    }
}
