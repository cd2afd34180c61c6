import TokenIDs

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
    /// The recurrent cell of encoder and decoder.
    public var cell: RecurrentCell
    /// How attention scores a source position.
    public var attention: AttentionScore

    public init(sourceVocabularySize: Int, targetVocabularySize: Int, embedding: Int, encoderHidden: Int,
                encoderLayers: Int = 1, decoderHidden: Int, attentionSize: Int, inputFeeding: Bool = true,
                tieEmbeddings: Bool = false, dropout: Float = 0, cell: RecurrentCell = .lstm,
                attention: AttentionScore = .bahdanau) {
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
        self.cell = cell
        self.attention = attention
    }

    private enum CodingKeys: String, CodingKey {
        case sourceVocabularySize, targetVocabularySize, embedding, encoderHidden, encoderLayers, decoderHidden
        case attentionSize, inputFeeding, tieEmbeddings, dropout, cell, attention
    }

    /// Checkpoints written before cells and attention scores could be chosen hold neither: LSTM, Bahdanau.
    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(sourceVocabularySize: try c.decode(Int.self, forKey: .sourceVocabularySize),
                  targetVocabularySize: try c.decode(Int.self, forKey: .targetVocabularySize),
                  embedding: try c.decode(Int.self, forKey: .embedding), encoderHidden: try c.decode(Int.self, forKey: .encoderHidden),
                  encoderLayers: try c.decode(Int.self, forKey: .encoderLayers),
                  decoderHidden: try c.decode(Int.self, forKey: .decoderHidden),
                  attentionSize: try c.decode(Int.self, forKey: .attentionSize),
                  inputFeeding: try c.decode(Bool.self, forKey: .inputFeeding),
                  tieEmbeddings: try c.decode(Bool.self, forKey: .tieEmbeddings), dropout: try c.decode(Float.self, forKey: .dropout),
                  cell: try c.decodeIfPresent(RecurrentCell.self, forKey: .cell) ?? .lstm,
                  attention: try c.decodeIfPresent(AttentionScore.self, forKey: .attention) ?? .bahdanau)
    }

    /// Width of the context vector in the decoder's z = [ctx; h]: the encoder's 2H, or 0 without attention.
    var contextWidth: Int { attention == .none ? 0 : 2 * encoderHidden }

    /// Width of the decoder's recurrent input: the previous attentional vector (input feeding) and h.
    var recurrentInput: Int { (inputFeeding ? decoderHidden : 0) + decoderHidden }
}

/// Special token ids shared with the vocabulary, under the model's names: TokenIDs' `SpecialToken`.
public enum SpecialTokens {
    public static let pad = SpecialToken.padding
    public static let unk = SpecialToken.unknown
    public static let bos = SpecialToken.beginning
    public static let eos = SpecialToken.end
}
