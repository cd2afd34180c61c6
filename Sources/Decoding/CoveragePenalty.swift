import Foundation

/// GNMT's coverage penalty (Wu et al. 2016, eq. 14), added to the normalized score of a finished hypothesis:
///
///     cp = β · Σ_j log(min(c_j, 1)),   c_j = Σ_t attention[t][j]   (t over every generated token, `</s>` included)
///
/// It is ≤ 0, and 0 once every source token has received a total attention of at least 1, so it favours
/// outputs that cover the whole source. c_j is floored at `floor` so that a never-attended token costs
/// β · log(floor) instead of -∞. An empty source costs nothing.
public enum CoveragePenalty {
    /// The smallest coverage a source token is counted with.
    public static let floor: Double = 1e-6

    /// cp for attention rows [T+1][S] with weight β.
    public static func value(beta: Float, attention: [[Float]], sourceLength: Int) -> Float {
        guard beta != 0, sourceLength > 0 else { return 0 }
        var coverage = [Double](repeating: 0, count: sourceLength)  // [S]
        for row in attention {
            for j in 0..<sourceLength { coverage[j] += Double(row[j]) }
        }
        var sum = 0.0
        for c in coverage { sum += log(Swift.min(Swift.max(c, floor), 1)) }
        return Float(Double(beta) * sum)
    }
}
