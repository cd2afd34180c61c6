/// One finished translation of one source sentence, as search returns it.
public struct Hypothesis: Sendable, Equatable {
    /// [T] target ids, without `<s>` and `</s>`.
    public var tokens: [Int32]
    /// Σ log P over the T tokens and the final `</s>`: the model score.
    public var logProbability: Float
    /// What ranks hypotheses: logProbability / lp(T + 1) + coverage penalty (`LengthPenalty`, `CoveragePenalty`).
    public var score: Float
    /// [T + 1][S] attention rows when `SearchOptions.keepAttention` is set, else nil: row t is the step that
    /// produced `tokens[t]`, the last row the step that produced `</s>`; S is the source length.
    public var attention: [[Float]]?

    public init(tokens: [Int32], logProbability: Float, score: Float, attention: [[Float]]? = nil) {
        self.tokens = tokens
        self.logProbability = logProbability
        self.score = score
        self.attention = attention
    }
}

/// The scoring both searches share, so that beam size 1 and greedy give bit-identical scores.
enum FinalScore {
    /// logProbability / lp(tokenCount + 1) + β · coverage. `attention` is [T + 1][S], needed when β ≠ 0.
    static func of(logProbability: Float, tokenCount: Int, attention: [[Float]]?, sourceLength: Int,
                   options: SearchOptions) -> Float {
        let normalized = options.lengthPenalty.normalize(logProbability: logProbability, length: tokenCount + 1)
        guard options.coverageWeight != 0, let attention else { return normalized }
        return normalized + CoveragePenalty.value(beta: options.coverageWeight, attention: attention,
                                                  sourceLength: sourceLength)
    }
}
