/// A configuration no model can be built from: the field, the value found and the rule it breaks.
/// `field` is the configuration's own key (as stored in a checkpoint's `configuration` metadata).
public struct ModelConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    public let field: ModelConfiguration.Field
    public let message: String

    public var description: String { "`\(field.rawValue)` \(message)" }
}

extension ModelConfiguration {
    /// The fields `validate` checks, named as the checkpoint's configuration JSON names them.
    public enum Field: String, Sendable, CaseIterable {
        case sourceVocabularySize, targetVocabularySize, embedding, encoderHidden, encoderLayers, decoderHidden
        case attentionSize, dropout, tieEmbeddings, attention, parameterCount
    }

    /// The largest vocabulary: 2^24 entries.
    public static let maximumVocabularySize = 1 << 24
    /// The largest embedding, hidden or attention size: 2^16.
    public static let maximumWidth = 1 << 16
    /// The most encoder layers.
    public static let maximumEncoderLayers = 64
    /// The most parameters a model may have: 2^31 (8 GiB of weights).
    public static let maximumParameterCount = 1 << 31

    /// Every rule a buildable model needs, in one place: used for the configuration read from a checkpoint
    /// and for the one a recipe describes. Within these bounds no parameter's element count can overflow
    /// (2^24 · 2^16 = 2^40 elements at most).
    public func validate() throws(ModelConfigurationError) {
        func require(_ condition: Bool, _ field: Field, _ message: @autoclosure () -> String) throws(ModelConfigurationError) {
            if !condition { throw ModelConfigurationError(field: field, message: message()) }
        }
        let minimumVocabulary = 4  // <pad> <unk> <s> </s>: the model refers to their ids
        for (field, value) in [(Field.sourceVocabularySize, sourceVocabularySize), (.targetVocabularySize, targetVocabularySize)] {
            try require((minimumVocabulary...Self.maximumVocabularySize).contains(value), field,
                        "is \(value), but must be in \(minimumVocabulary)...\(Self.maximumVocabularySize) "
                        + "(the 4 special tokens at least)")
        }
        for (field, value) in [(Field.embedding, embedding), (.encoderHidden, encoderHidden), (.decoderHidden, decoderHidden),
                               (.attentionSize, attentionSize)] {
            try require((1...Self.maximumWidth).contains(value), field, "is \(value), but must be in 1...\(Self.maximumWidth)")
        }
        try require((1...Self.maximumEncoderLayers).contains(encoderLayers), .encoderLayers,
                    "is \(encoderLayers), but must be in 1...\(Self.maximumEncoderLayers)")
        try require(dropout.isFinite && dropout >= 0 && dropout < 1, .dropout, "is \(dropout), but must be in [0, 1)")
        try require(!tieEmbeddings || embedding == decoderHidden, .tieEmbeddings,
                    "is true, which needs embedding (\(embedding)) equal to decoderHidden (\(decoderHidden))")
        try require(attention != .luongDot || decoderHidden == 2 * encoderHidden, .attention,
                    "is \(attention.rawValue), which needs decoderHidden (\(decoderHidden)) equal to 2 × encoderHidden (\(2 * encoderHidden))")
        let count = parameterCount
        try require(count <= Self.maximumParameterCount, .parameterCount,
                    "would be \(count), but a model may have at most \(Self.maximumParameterCount) parameters")
    }

    /// The number of parameters; meaningful once the sizes are within the bounds `validate` checks.
    public var parameterCount: Int {
        Seq2Seq.parameterShapes(self).reduce(0) { $0 + $1.1 * $1.2 }
    }
}
