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
    /// The shape a recipe's `model` section describes, for vocabularies of the given sizes, validated by
    /// `ModelConfiguration.validate` (the one owner of the bounds); a failure names the recipe's key.
    public init(_ m: ModelSection, sourceVocabularySize: Int, targetVocabularySize: Int) throws {
        self.init(sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize,
                  embedding: m.embedding, encoderHidden: m.encoderHidden, encoderLayers: m.encoderLayers,
                  decoderHidden: m.decoderHidden, attentionSize: m.attentionSize, inputFeeding: m.inputFeeding,
                  tieEmbeddings: m.tieEmbeddings, dropout: Float(m.dropout), cell: RecurrentCell(m.cell),
                  attention: AttentionScore(m.attention))
        do {
            try validate()
        } catch {
            throw RecipeModelError(problem: error)
        }
    }
}

/// A recipe whose `model` section (with its vocabularies) describes no buildable model.
public struct RecipeModelError: Error, CustomStringConvertible {
    public let problem: ModelConfigurationError

    /// The recipe key (or what to change) for each configuration field.
    public var key: String {
        switch problem.field {
        case .sourceVocabularySize: return "the source vocabulary size (vocab.max_size)"
        case .targetVocabularySize: return "the target vocabulary size (vocab.max_size)"
        case .embedding: return "model.embedding"
        case .encoderHidden: return "model.encoder_hidden"
        case .encoderLayers: return "model.encoder_layers"
        case .decoderHidden: return "model.decoder_hidden"
        case .attentionSize: return "model.attention_size"
        case .dropout: return "model.dropout"
        case .tieEmbeddings: return "model.tie_embeddings"
        case .attention: return "model.attention"
        case .parameterCount: return "the parameter count (model sizes and vocab.max_size)"
        }
    }

    public var description: String { "the recipe's \(key) \(problem.message); change it in the recipe" }
}
