/// How BLEU treats an n-gram order with no match (Chen & Cherry, 2014; sacreBLEU's `--smooth-method`).
public enum BLEUSmoothing: Hashable, Sendable {
    /// mteval-v13a's smoothing, the default: the k-th order with no match gets precision 1 / (2^k · total).
    case exponential
    /// An order with no match gets `value` matches (0.1 by default).
    case floor(Double = 0.1)
    /// Orders 2 and up get `value` added to both matches and totals (1 by default).
    case addK(Double = 1)
    /// No smoothing: one order without a match makes the score 0.
    case none

    /// The name in the signature and on the command line: `exp`, `floor`, `add-k`, `none`.
    public var name: String {
        switch self {
        case .exponential: "exp"
        case .floor: "floor"
        case .addK: "add-k"
        case .none: "none"
        }
    }

    /// Parses a command-line name with sacreBLEU's default value; nil when unknown.
    public init?(name: String, value: Double? = nil) {
        switch name {
        case "exp": self = .exponential
        case "floor": self = .floor(value ?? 0.1)
        case "add-k": self = .addK(value ?? 1)
        case "none": self = .none
        default: return nil
        }
    }

    public static let names = ["exp", "floor", "add-k", "none"]

    /// As in the signature: `exp`, `floor[0.10]`, `add-k[1.00]`, `none`.
    var signature: String {
        switch self {
        case .exponential, .none: name
        case .floor(let value), .addK(let value): "\(name)[\(NumberFormatting.fixed(value, decimals: 2))]"
        }
    }
}

/// The choices of a BLEU computation; the defaults are sacreBLEU's.
public struct BLEUOptions: Hashable, Sendable {
    public var tokenizer: BLEUTokenizer
    public var smoothing: BLEUSmoothing
    /// Lowercase hypotheses and references before tokenizing (`case:lc` in the signature).
    public var lowercase: Bool
    /// Average the log-precisions only over the orders that have n-grams in the hypotheses, so that
    /// a short sentence is not scored 0. sacreBLEU turns it on for sentence-level BLEU.
    public var effectiveOrder: Bool

    public init(tokenizer: BLEUTokenizer = .thirteenA, smoothing: BLEUSmoothing = .exponential,
                lowercase: Bool = false, effectiveOrder: Bool = false) {
        self.tokenizer = tokenizer
        self.smoothing = smoothing
        self.lowercase = lowercase
        self.effectiveOrder = effectiveOrder
    }

    /// sacreBLEU's defaults for corpus BLEU.
    public static let corpus = BLEUOptions()
    /// sacreBLEU's defaults for sentence BLEU (`--sentence-level` turns on effective order).
    public static let sentence = BLEUOptions(effectiveOrder: true)
}

/// The version named in every signature, in place of sacreBLEU's own version number: scores are
/// computed by SwiftNMT's reimplementation of sacreBLEU 2.x's definitions.
public enum EvaluationVersion {
    public static let string = "swiftnmt-0.1.0"
}
