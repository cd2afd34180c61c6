/// The ids every vocabulary gives its special tokens, and their spellings: the first four lines of every
/// vocabulary file (ARCHITECTURE.md, "Files on disk"), `<pad> <unk> <s> </s>`. The one definition:
/// Tokenization's `Vocabulary`, Seq2SeqModel's batches and loss, and Decoding's search all refer to it.
public enum SpecialToken {
    /// `<pad>`: fills batches; never predicted, never produced by search, ignored by the loss.
    public static let padding: Int32 = 0
    /// `<unk>`: what a token outside the vocabulary maps to; produced by search only when allowed.
    public static let unknown: Int32 = 1
    /// `<s>`: the decoder's first input, and the first `previous` token of every hypothesis.
    public static let beginning: Int32 = 2
    /// `</s>`: ends a target sentence; scored, but not part of a hypothesis' tokens.
    public static let end: Int32 = 3
    /// How many there are: the smallest vocabulary.
    public static let count = 4
    /// Their spellings in a vocabulary file, by id.
    public static let names = ["<pad>", "<unk>", "<s>", "</s>"]
}
