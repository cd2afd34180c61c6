/// Words as aligners see them: the maximal runs of non-whitespace characters (Unicode White_Space) of a
/// detokenized line, which is what fast_align and Marian's `--alignment` count (`line.split()`).
extension Tokenizer {
    /// For each token (word or BPE subword), the index of the word of `detokenize(tokens)` its text starts
    /// in; nil for a token whose text is only whitespace. Tokens joined by `￭` (punctuation without a
    /// space, BPE pieces of one word) share an index.
    public static func wordIndices<Tokens: Sequence>(of tokens: Tokens) -> [Int?] where Tokens.Element: StringProtocol {
        var output: [UInt8] = []
        var previousJoinsRight = true  // nothing before the first token
        var words = 0                  // words begun so far
        var inWord = false             // whether the output ends inside a word
        var indices: [Int?] = []
        for token in tokens {
            let before = output.count
            Array(token.utf8).withUnsafeBufferPointer {
                TokenJoining.append($0, to: &output, previousJoinsRight: &previousJoinsRight)
            }
            var first: Int?
            output.withUnsafeBufferPointer { bytes in
                var i = before
                while i < bytes.count {
                    let (scalar, length) = WhiteSpace.decode(bytes, at: i)
                    if WhiteSpace.contains(scalar) {
                        inWord = false
                    } else {
                        if !inWord { words += 1; inWord = true }
                        if first == nil { first = words - 1 }
                    }
                    i += length
                }
            }
            indices.append(first)
        }
        return indices
    }

    /// The number of words of `text` in the sense of `wordIndices(of:)`.
    public static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            let space = WhiteSpace.contains(scalar.value)
            if !space && !inWord { count += 1 }
            inWord = !space
        }
        return count
    }
}
