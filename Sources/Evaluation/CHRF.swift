/// The choices of a chrF computation; the defaults are sacreBLEU's.
public struct CHRFOptions: Hashable, Sendable {
    /// Character n-gram orders 1...charOrder (at most 6).
    public var charOrder: Int
    /// Word n-gram orders 1...wordOrder (at most 4); 2 makes chrF++.
    public var wordOrder: Int
    /// Recall is `beta` times as important as precision.
    public var beta: Int
    public var lowercase: Bool
    /// Keep whitespace inside character n-grams (sacreBLEU removes it by default).
    public var whitespace: Bool
    /// Average F-scores over all orders with a tiny epsilon for empty ones (chrF++.py, Moses, NLTK)
    /// instead of sacreBLEU's default, which averages precision and recall over the orders that occur.
    public var epsilonSmoothing: Bool

    public init(charOrder: Int = 6, wordOrder: Int = 0, beta: Int = 2, lowercase: Bool = false,
                whitespace: Bool = false, epsilonSmoothing: Bool = false) {
        precondition((1...6).contains(charOrder), "chrF character order \(charOrder) is outside 1...6")
        precondition((0...4).contains(wordOrder), "chrF word order \(wordOrder) is outside 0...4")
        self.charOrder = charOrder
        self.wordOrder = wordOrder
        self.beta = beta
        self.lowercase = lowercase
        self.whitespace = whitespace
        self.epsilonSmoothing = epsilonSmoothing
    }

    /// chrF2, sacreBLEU's default.
    public static let chrF = CHRFOptions()
    /// chrF2++: word unigrams and bigrams as well.
    public static let chrFPlusPlus = CHRFOptions(wordOrder: 2)
}

/// chrF's sufficient statistics: for each order (the character orders, then the word orders), the
/// hypothesis n-grams, the reference n-grams and the matches. They add up across sentences.
public struct CHRFStatistics: Hashable, Sendable, Codable {
    public var hypothesisCounts: [Int]
    public var referenceCounts: [Int]
    public var matches: [Int]

    public init(hypothesisCounts: [Int], referenceCounts: [Int], matches: [Int]) {
        precondition(hypothesisCounts.count == referenceCounts.count && matches.count == referenceCounts.count,
                     "chrF statistics need the same number of orders in all three arrays")
        self.hypothesisCounts = hypothesisCounts
        self.referenceCounts = referenceCounts
        self.matches = matches
    }

    public static func zero(orders: Int) -> CHRFStatistics {
        let zeros = Array(repeating: 0, count: orders)
        return CHRFStatistics(hypothesisCounts: zeros, referenceCounts: zeros, matches: zeros)
    }

    public static func + (lhs: CHRFStatistics, rhs: CHRFStatistics) -> CHRFStatistics {
        var sum = lhs
        sum += rhs
        return sum
    }

    public static func += (lhs: inout CHRFStatistics, rhs: CHRFStatistics) {
        precondition(lhs.matches.count == rhs.matches.count, "adding chrF statistics of different orders")
        for i in lhs.matches.indices {
            lhs.hypothesisCounts[i] += rhs.hypothesisCounts[i]
            lhs.referenceCounts[i] += rhs.referenceCounts[i]
            lhs.matches[i] += rhs.matches[i]
        }
    }

    /// sacreBLEU's flat layout: `[hyp, ref, match]` per order.
    public var flattened: [Int] { matches.indices.flatMap { [hypothesisCounts[$0], referenceCounts[$0], matches[$0]] } }
}

/// A chrF score.
public struct CHRFScore: Sendable, CustomStringConvertible {
    /// chrF on a 0–100 scale, unrounded.
    public let score: Double
    public let statistics: CHRFStatistics
    public let signature: CHRFSignature

    /// `chrF2`, or `chrF2++` with word order 2.
    public var name: String {
        "chrF\(signature.options.beta)" + String(repeating: "+", count: signature.options.wordOrder)
    }

    public func scoreText(width: Int = 1) -> String { NumberFormatting.fixed(score, decimals: width) }

    /// sacreBLEU's text line: `chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:… = 58.1`.
    public func formatted(width: Int = 1) -> String { "\(name)|\(signature) = \(scoreText(width: width))" }

    public var description: String { formatted() }
}

/// `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:swiftnmt-0.1.0`.
public struct CHRFSignature: Hashable, Sendable, CustomStringConvertible {
    public let referenceCount: Int
    public let options: CHRFOptions

    public var fields: [(key: String, value: String)] {
        [("nrefs", String(referenceCount)), ("case", options.lowercase ? "lc" : "mixed"),
         ("eff", options.epsilonSmoothing ? "no" : "yes"), ("nc", String(options.charOrder)),
         ("nw", String(options.wordOrder)), ("space", options.whitespace ? "yes" : "no"),
         ("version", EvaluationVersion.string)]
    }

    public var description: String { fields.map { "\($0.key):\($0.value)" }.joined(separator: "|") }
}
