import Recipes
import Seq2SeqModel

/// The model's configuration lives in two files of a model directory: `recipe.yaml` (the source of
/// truth, what people read and edit) and the weights' metadata (what builds the model). Training writes
/// both from one recipe; on load the second is checked against the first.
extension ModelConfiguration {
    /// Throws when these (stored) weights describe another model than `recipe` with the same vocabulary
    /// sizes; the error names both files and every recipe key that differs.
    public func checkMatches(_ recipe: ModelSection, recipePath: String, weightsPath: String) throws {
        let expected = try ModelConfiguration(recipe, sourceVocabularySize: sourceVocabularySize,
                                              targetVocabularySize: targetVocabularySize)
        guard expected != self else { return }
        var rows: [ConfigurationMismatch.Row] = []
        func compare<V: Equatable>(_ key: String, _ stored: V, _ wanted: V) {
            if stored != wanted { rows.append(.init(key: "model." + key, weights: "\(stored)", recipe: "\(wanted)")) }
        }
        compare("cell", cell.rawValue, expected.cell.rawValue)
        compare("embedding", embedding, expected.embedding)
        compare("encoder_hidden", encoderHidden, expected.encoderHidden)
        compare("encoder_layers", encoderLayers, expected.encoderLayers)
        compare("decoder_hidden", decoderHidden, expected.decoderHidden)
        compare("attention", attention.rawValue, expected.attention.rawValue)
        compare("attention_size", attentionSize, expected.attentionSize)
        compare("input_feeding", inputFeeding, expected.inputFeeding)
        compare("tie_embeddings", tieEmbeddings, expected.tieEmbeddings)
        compare("dropout", dropout, expected.dropout)
        throw ConfigurationMismatch(weightsPath: weightsPath, recipePath: recipePath, rows: rows)
    }
}

/// A weights file and a recipe.yaml that describe different models.
public struct ConfigurationMismatch: Error, CustomStringConvertible {
    public struct Row: Sendable {
        public let key: String, weights: String, recipe: String
    }
    public let weightsPath: String
    public let recipePath: String
    public let rows: [Row]

    public var description: String {
        "the weights in \(weightsPath) are a model with " + rows.map { "\($0.key): \($0.weights)" }.joined(separator: ", ")
            + ", but \(recipePath) says " + rows.map { "\($0.key): \($0.recipe)" }.joined(separator: ", ")
            + "; the files do not belong together (copy the whole model directory)"
    }
}
