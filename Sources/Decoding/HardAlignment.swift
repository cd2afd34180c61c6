import Tokenization

/// `--alignment hard`: word alignments in the Pharaoh format of fast_align and Marian, `0-0 1-2 …`, each pair
/// `SOURCE-TARGET` (0-based word indices), from the attention of the best hypothesis.
///
/// Each target token (subword) is aligned to the source token it attended to most; both are then mapped to
/// the words of their detokenized lines (`Tokenizer.wordIndices`: whitespace-separated, so the subwords of
/// one word and punctuation written without a space belong to that word). Pairs are listed once each, by
/// target word, then by source word. The row of `</s>` is not used, and neither are whitespace tokens.
public enum HardAlignment {
    /// The (source word, target word) pairs, by target then source.
    /// - Parameters:
    ///   - source: [S] source tokens as the model saw them; `target`: [T] output tokens as detokenized.
    ///   - attention: [≥ T][≥ S] rows; row t is the step that produced `target[t]`.
    public static func pairs(source: [String], target: [String], attention: [[Float]]) -> [(source: Int, target: Int)] {
        let sourceWords = Tokenizer.wordIndices(of: source)
        let targetWords = Tokenizer.wordIndices(of: target)
        var seen = Set<[Int]>()
        var pairs: [(source: Int, target: Int)] = []
        for (t, targetWord) in targetWords.enumerated() where t < attention.count {
            guard let targetWord else { continue }
            var best: Int?
            var bestWeight = -Float.infinity
            for (j, weight) in attention[t].prefix(source.count).enumerated() where sourceWords[j] != nil {
                if best == nil || weight > bestWeight {  // the first on ties; NaN never wins
                    best = j
                    bestWeight = weight.isNaN ? -.infinity : weight
                }
            }
            guard let best, let sourceWord = sourceWords[best], seen.insert([sourceWord, targetWord]).inserted else { continue }
            pairs.append((sourceWord, targetWord))
        }
        return pairs.sorted { ($0.target, $0.source) < ($1.target, $1.source) }
    }

    /// The pairs as one Pharaoh line: `s-t` separated by single spaces; empty when there are none.
    public static func pharaoh(source: [String], target: [String], attention: [[Float]]) -> String {
        pairs(source: source, target: target, attention: attention).map { "\($0.source)-\($0.target)" }.joined(separator: " ")
    }
}
