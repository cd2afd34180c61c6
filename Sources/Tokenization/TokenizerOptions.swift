/// Unicode normalization applied before segmentation.
public enum TextNormalization: String, Sendable, CaseIterable {
    /// Canonical composition (the default): "e" + U+0301 becomes "é"; nothing visible changes.
    case nfc
    /// Compatibility composition: also folds "ﬁ" to "fi", full-width "Ａ" to "A", "²" to "2".
    case nfkc
    /// The text as it is.
    case none
}

/// How a `Tokenizer` prepares text before it segments it.
public struct TokenizerOptions: Sendable, Equatable {
    public var normalization: TextNormalization
    /// Lowercase with ICU's full case mapping for `lowercaseLocale`. Lossy: detokenized text stays lowercase.
    public var lowercase: Bool
    /// The locale whose case rules apply (`""`: root; `"tr"`: Turkish dotless i).
    public var lowercaseLocale: String

    public init(normalization: TextNormalization = .nfc, lowercase: Bool = false, lowercaseLocale: String = "") {
        self.normalization = normalization
        self.lowercase = lowercase
        self.lowercaseLocale = lowercaseLocale
    }
}
