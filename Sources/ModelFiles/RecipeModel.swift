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

    /// What the message is about: the recipe key, or what depends on one, for each configuration field.
    public var subject: String {
        switch problem.field {
        case .sourceVocabularySize: return "the source vocabulary size (see vocab.max_size)"
        case .targetVocabularySize: return "the target vocabulary size (see vocab.max_size)"
        case .embedding: return "the recipe's model.embedding"
        case .encoderHidden: return "the recipe's model.encoder_hidden"
        case .encoderLayers: return "the recipe's model.encoder_layers"
        case .decoderHidden: return "the recipe's model.decoder_hidden"
        case .attentionSize: return "the recipe's model.attention_size"
        case .dropout: return "the recipe's model.dropout"
        case .tieEmbeddings: return "the recipe's model.tie_embeddings"
        case .attention: return "the recipe's model.attention"
        case .parameterCount: return "the model's parameter count (from the model sizes and vocab.max_size)"
        }
    }

    public var description: String { "\(subject) \(problem.message); change it in the recipe" }
}
