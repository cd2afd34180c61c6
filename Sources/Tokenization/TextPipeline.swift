/// One side's text processing, as training and translation use it: the `Tokenizer`, then BPE when
/// merges are given. `decode(encode(L))` equals `tokenizer.normalize(L)` byte for byte.
///
/// Not Sendable (ICU state and the BPE cache); give each thread its own `copy()`.
public final class TextPipeline {
    public let tokenizer: Tokenizer
    public let bpe: BytePairEncoder?

    public init(options: TokenizerOptions = TokenizerOptions(), merges: BPEMerges? = nil) throws {
        tokenizer = try Tokenizer(options: options)
        bpe = merges.map { BytePairEncoder(merges: $0) }
    }

    /// A pipeline whose merges are read from `mergesPath` (nil: no BPE).
    public convenience init(options: TokenizerOptions, mergesPath: String?) throws {
        try self.init(options: options, merges: try mergesPath.map { try BPEMerges.load(path: $0) })
    }

    private init(tokenizer: Tokenizer, bpe: BytePairEncoder?) {
        self.tokenizer = tokenizer
        self.bpe = bpe
    }

    /// A pipeline with the same settings and its own state, for another thread.
    public func copy() throws -> TextPipeline {
        TextPipeline(tokenizer: try tokenizer.copy(), bpe: bpe?.copy())
    }

    /// The tokens of one line, with BPE applied when there are merges.
    public func encode(_ line: String) -> [String] {
        let tokens = tokenizer.tokenize(line)
        return bpe?.apply(tokens) ?? tokens
    }

    /// The text of tokens (words or subwords): the exact inverse of `encode`.
    public func decode<Tokens: Sequence>(_ tokens: Tokens) -> String where Tokens.Element: StringProtocol {
        Tokenizer.detokenize(tokens)
    }
}
