/// BLEU's sufficient statistics: everything the score needs from a sentence or a corpus. They add up
/// across sentences, so a corpus score is the score of the summed statistics (not a mean of sentence
/// scores), and a trainer can accumulate them batch by batch.
public struct BLEUStatistics: Hashable, Sendable, Codable {
    /// The number of n-gram orders (BLEU uses 1...4).
    public static let order = 4

    /// Tokens in the hypotheses ("hyp_len").
    public var hypothesisLength: Int
    /// For each hypothesis, the length of the reference closest to it in length (the shorter one on a
    /// tie), summed ("ref_len").
    public var referenceLength: Int
    /// Hypothesis n-grams found in a reference, clipped to the reference's count; index 0 is unigrams.
    public var matches: [Int]
    /// Hypothesis n-grams; index 0 is unigrams.
    public var totals: [Int]

    public init(hypothesisLength: Int, referenceLength: Int, matches: [Int], totals: [Int]) {
        precondition(matches.count == Self.order && totals.count == Self.order,
                     "BLEU statistics need \(Self.order) orders, got \(matches.count) matches and \(totals.count) totals")
        self.hypothesisLength = hypothesisLength
        self.referenceLength = referenceLength
        self.matches = matches
        self.totals = totals
    }

    /// All zeros: the statistics of no sentence.
    public static let zero = BLEUStatistics(
        hypothesisLength: 0, referenceLength: 0,
        matches: Array(repeating: 0, count: order), totals: Array(repeating: 0, count: order))

    public static func + (lhs: BLEUStatistics, rhs: BLEUStatistics) -> BLEUStatistics {
        var sum = lhs
        sum += rhs
        return sum
    }

    public static func += (lhs: inout BLEUStatistics, rhs: BLEUStatistics) {
        lhs.hypothesisLength += rhs.hypothesisLength
        lhs.referenceLength += rhs.referenceLength
        for n in 0..<order {
            lhs.matches[n] += rhs.matches[n]
            lhs.totals[n] += rhs.totals[n]
        }
    }

    /// sacreBLEU's flat layout: `[hyp_len, ref_len, matches..., totals...]`.
    public var flattened: [Int] { [hypothesisLength, referenceLength] + matches + totals }
}
