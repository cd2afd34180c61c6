/// The knobs of greedy and beam search. Greedy search ignores `beamSize` and `nBest`.
///
/// **Lengths.** A hypothesis's length here counts its output tokens, not `<s>` and not `</s>`.
/// For a source of S tokens:
///
///     maxLength(S) = ⌊maxLengthRatio · S⌋ + maxLengthOffset
///
/// The offset lets an empty or one-word source still produce a few words. A hypothesis that reaches
/// maxLength tokens can only be followed by `</s>`: it is *forced* to end, and `</s>`'s log-probability
/// is added as usual, so every finished hypothesis ends with a scored `</s>`.
/// `</s>` is forbidden while a hypothesis has fewer than `min(minLength, maxLength(S))` tokens.
public struct SearchOptions: Sendable, Equatable {
    /// K, the number of live hypotheses per sentence (`--beam`); 1 makes beam search equal greedy search.
    public var beamSize: Int
    /// How many finished hypotheses each sentence returns (`--n-best`), 1 ≤ nBest ≤ beamSize.
    public var nBest: Int
    /// How finished hypotheses of different lengths are compared (`--length-penalty`, `--alpha`).
    public var lengthPenalty: LengthPenalty
    /// β of `CoveragePenalty`; 0 turns it off. A non-zero β needs a scorer with attention.
    public var coverageWeight: Float
    /// The ratio in maxLength(S) (`--max-length-ratio`), ≥ 0.
    public var maxLengthRatio: Double
    /// The constant in maxLength(S), ≥ 0.
    public var maxLengthOffset: Int
    /// The fewest output tokens before `</s>` may be chosen, ≥ 0 (capped by maxLength(S)).
    public var minLength: Int
    /// Whether `<unk>` may be produced. Keep it true with `--replace-unk`, which needs the `<unk>`s.
    public var allowUnknown: Bool
    /// Whether each `Hypothesis` carries its attention rows (for `--replace-unk` and `--attention`).
    public var keepAttention: Bool

    public init(
        beamSize: Int = 5, nBest: Int = 1, lengthPenalty: LengthPenalty = .average(alpha: 1),
        coverageWeight: Float = 0, maxLengthRatio: Double = 2, maxLengthOffset: Int = 5,
        minLength: Int = 0, allowUnknown: Bool = true, keepAttention: Bool = false
    ) {
        self.beamSize = beamSize
        self.nBest = nBest
        self.lengthPenalty = lengthPenalty
        self.coverageWeight = coverageWeight
        self.maxLengthRatio = maxLengthRatio
        self.maxLengthOffset = maxLengthOffset
        self.minLength = minLength
        self.allowUnknown = allowUnknown
        self.keepAttention = keepAttention
    }

    /// Throws `DecodingError.invalidOption` for the first option out of range (these come from users).
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: String, _ expected: String) throws {
            if !ok { throw DecodingError.invalidOption(name: name, value: value, expected: expected) }
        }
        try check((1...SearchBounds.maxBeam).contains(beamSize), "beam size", "\(beamSize)",
                  "an integer from 1 to \(SearchBounds.maxBeam)")
        try check(nBest >= 1 && nBest <= beamSize, "n-best", "\(nBest)", "an integer from 1 to the beam size \(beamSize)")
        let alpha = lengthPenalty.alpha
        try check(alpha.isFinite && alpha >= 0, "length penalty alpha", "\(alpha)", "a finite number ≥ 0")
        try check(coverageWeight.isFinite && coverageWeight >= 0, "coverage penalty weight", "\(coverageWeight)",
                  "a finite number ≥ 0")
        try check(maxLengthRatio.isFinite && maxLengthRatio >= 0 && maxLengthRatio <= SearchBounds.maxLengthRatio,
                  "max length ratio", "\(maxLengthRatio)", "a number from 0 to \(Int(SearchBounds.maxLengthRatio))")
        try check(maxLengthOffset >= 0, "max length offset", "\(maxLengthOffset)", "an integer ≥ 0")
        try check(minLength >= 0, "min length", "\(minLength)", "an integer ≥ 0")
    }

    /// maxLength(S) = ⌊maxLengthRatio · S⌋ + maxLengthOffset, in output tokens (without `</s>`).
    public func maxLength(sourceLength: Int) -> Int {
        Int((maxLengthRatio * Double(sourceLength)).rounded(.down)) + maxLengthOffset
    }

    /// The length limits of one sentence, with minLength capped by maxLength.
    func limits(sourceLength: Int) -> LengthLimits {
        let maximum = maxLength(sourceLength: sourceLength)
        return LengthLimits(minimum: min(minLength, maximum), maximum: maximum)
    }

    /// Whether search must collect attention rows from the scorer.
    var needsAttention: Bool { keepAttention || coverageWeight != 0 }
}

/// The output-length bounds of one sentence, in tokens without `</s>`: minimum ≤ maximum.
struct LengthLimits: Sendable, Equatable {
    var minimum: Int
    var maximum: Int

    /// Which next tokens a hypothesis of `length` output tokens may take.
    func allowance(length: Int) -> NextTokenAllowance {
        if length >= maximum { return .endOnly }
        if length < minimum { return .noEnd }
        return .any
    }
}

/// What the next token of a hypothesis may be; `<pad>` and `<s>` are never allowed.
enum NextTokenAllowance {
    /// Only `</s>`: the hypothesis has reached its maximum length.
    case endOnly
    /// Anything but `</s>`: the hypothesis is shorter than the minimum length.
    case noEnd
    /// Any token.
    case any
}

/// Upper bounds on search settings, checked by `SearchOptions.validate` and the `translate` flags: beyond them a run would
/// only exhaust memory or time (a beam of 2^62 used to be accepted and run until killed).
public enum SearchBounds {
    public static let maxBeam = 1000
    public static let maxBatchSize = 100_000
    public static let maxLengthRatio = 1000.0
}
