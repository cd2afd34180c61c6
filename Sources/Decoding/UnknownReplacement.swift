/// `--replace-unk`: puts back the source word behind each `<unk>` of an output, using attention as a
/// soft alignment (Luong et al. 2015's "copy the aligned source word", with attention instead of an aligner).
public enum UnknownReplacement {
    /// Replaces every `unknown` in `target` by the source token that received the most attention when
    /// it was produced; the first such source token on ties.
    /// - Parameters:
    ///   - target: [T] output tokens (strings, before detokenization).
    ///   - source: [S] source tokens, in the order the model saw them.
    ///   - attention: [≥ T][≥ S] rows; row t is the step that produced `target[t]` (`Hypothesis.attention`
    ///     has one more row, for `</s>`, which is ignored). Only the first S columns are looked at.
    ///   - unknown: the unknown-word token, `<unk>` by default.
    /// - Returns: [T] tokens. An `<unk>` stays when its attention row is missing or the source is empty.
    public static func apply(target: [String], source: [String], attention: [[Float]],
                             unknown: String = "<unk>") -> [String] {
        target.enumerated().map { t, token in
            guard token == unknown, t < attention.count,
                  let j = argmax(attention[t].prefix(source.count)) else { return token }
            return source[j]
        }
    }

    /// The index of the largest weight (the first on ties, NaN never wins), or nil when empty.
    static func argmax(_ weights: ArraySlice<Float>) -> Int? {
        var best: Int?
        var bestWeight = -Float.infinity
        for (offset, weight) in weights.enumerated() where best == nil || weight > bestWeight {
            best = offset
            bestWeight = weight.isNaN ? -.infinity : weight
        }
        return best
    }
}
