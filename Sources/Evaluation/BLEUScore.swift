/// A BLEU score with everything sacreBLEU reports beside it.
public struct BLEUScore: Sendable, CustomStringConvertible {
    /// BLEU on a 0–100 scale, unrounded.
    public let score: Double
    /// The n-gram precisions of orders 1...4 in percent, after smoothing (0 for an order left out).
    public let precisions: [Double]
    /// The brevity penalty, in (0, 1].
    public let brevityPenalty: Double
    /// The sufficient statistics the score was computed from (before any add-k smoothing).
    public let statistics: BLEUStatistics
    /// What was computed and how, for reproducibility.
    public let signature: BLEUSignature

    /// The metric's name, as the first word of the formatted line.
    public var name: String { "BLEU" }
    public var hypothesisLength: Int { statistics.hypothesisLength }
    public var referenceLength: Int { statistics.referenceLength }
    /// hyp_len / ref_len, or 0 when there is no reference token.
    public var ratio: Double {
        statistics.referenceLength == 0 ? 0 : Double(statistics.hypothesisLength) / Double(statistics.referenceLength)
    }

    /// `62.2/39.6/27.1/18.7 (BP = 1.000 ratio = 1.066 hyp_len = 12904 ref_len = 12106)`.
    public var details: String {
        let precisionText = precisions.map { NumberFormatting.fixed($0, decimals: 1) }.joined(separator: "/")
        return "\(precisionText) (BP = \(NumberFormatting.fixed(brevityPenalty, decimals: 3)) "
            + "ratio = \(NumberFormatting.fixed(ratio, decimals: 3)) hyp_len = \(hypothesisLength) "
            + "ref_len = \(referenceLength))"
    }

    /// The score with `width` decimals.
    public func scoreText(width: Int = 1) -> String { NumberFormatting.fixed(score, decimals: width) }

    /// sacreBLEU's text line:
    /// `BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:swiftnmt-0.1.0 = 33.4 62.2/39.6/27.1/18.7 (BP = …)`.
    public func formatted(width: Int = 1) -> String {
        "\(name)|\(signature) = \(scoreText(width: width)) \(details)"
    }

    public var description: String { formatted() }
}

/// The reproducibility signature of a BLEU score, in sacreBLEU's order:
/// `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:swiftnmt-0.1.0`.
public struct BLEUSignature: Hashable, Sendable, CustomStringConvertible {
    public let referenceCount: Int
    public let options: BLEUOptions

    public init(options: BLEUOptions, referenceCount: Int) {
        self.options = options
        self.referenceCount = referenceCount
    }

    /// The key-value pairs, in order.
    public var fields: [(key: String, value: String)] {
        [("nrefs", String(referenceCount)), ("case", options.lowercase ? "lc" : "mixed"),
         ("eff", options.effectiveOrder ? "yes" : "no"), ("tok", options.tokenizer.name),
         ("smooth", options.smoothing.signature), ("version", EvaluationVersion.string)]
    }

    public var description: String { fields.map { "\($0.key):\($0.value)" }.joined(separator: "|") }
}
