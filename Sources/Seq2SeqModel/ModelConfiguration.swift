/// The shape of a model: everything needed to lay out its parameters. Letters as in STYLE.md:
/// E embedding, H encoder hidden per direction, D decoder hidden, A attention size, V vocabularies.
public struct ModelConfiguration: Sendable, Equatable, Codable {
    public var sourceVocabularySize: Int
    public var targetVocabularySize: Int
    public var embedding: Int
    public var encoderHidden: Int
    public var encoderLayers: Int
    public var decoderHidden: Int
    public var attentionSize: Int
    public var inputFeeding: Bool
    public var tieEmbeddings: Bool
    public var dropout: Float

    public init(sourceVocabularySize: Int, targetVocabularySize: Int, embedding: Int, encoderHidden: Int,
                encoderLayers: Int = 1, decoderHidden: Int, attentionSize: Int, inputFeeding: Bool = true,
                tieEmbeddings: Bool = false, dropout: Float = 0) {
        precondition(!tieEmbeddings || embedding == decoderHidden, "tied embeddings need E == D")
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.embedding = embedding
        self.encoderHidden = encoderHidden
        self.encoderLayers = encoderLayers
        self.decoderHidden = decoderHidden
        self.attentionSize = attentionSize
        self.inputFeeding = inputFeeding
        self.tieEmbeddings = tieEmbeddings
        self.dropout = dropout
    }

    /// Width of the decoder's recurrent input: the previous attentional vector (input feeding) and h.
    var recurrentInput: Int { (inputFeeding ? decoderHidden : 0) + decoderHidden }
}

/// Special token ids shared with the vocabulary: `<pad> <unk> <s> </s>`.
public enum SpecialTokens {
    public static let pad: Int32 = 0
    public static let unk: Int32 = 1
    public static let bos: Int32 = 2
    public static let eos: Int32 = 3
}
