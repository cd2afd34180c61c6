import Foundation

/// How a finished hypothesis's total log-probability is turned into the score that ranks it.
///
/// Without normalization, search prefers short outputs: every token adds a negative log-probability.
/// Each kind divides the total by a penalty lp(L) that grows with the length L, where
/// **L counts every generated token including `</s>`, and not `<s>`** (so the empty output has L = 1):
///
///     none:     lp(L) = 1
///     avg:      lp(L) = L^α                   (OpenNMT-py's default; α = 1 is the per-token average)
///     wu:       lp(L) = ((5 + L) / 6)^α       (GNMT, Wu et al. 2016, eq. 14)
///
///     score = logProbability / lp(L)
///
/// With α ≥ 0 the divisor never shrinks as L grows, which the early-stopping rule of `BeamSearch` uses.
public enum LengthPenalty: Sendable, Equatable {
    /// No normalization (CLI name `none`). Not called `none`, which would clash with `Optional.none`.
    case disabled
    /// score / L^α (CLI name `avg`).
    case average(alpha: Double)
    /// score / ((5 + L) / 6)^α (CLI name `wu`).
    case wu(alpha: Double)

    /// The names `--length-penalty` accepts, in the order help text lists them.
    public static let names = ["none", "avg", "wu"]

    /// Parses a CLI/recipe name (`none`, `avg`, `wu`) with its α (ignored by `none`).
    public init(name: String, alpha: Double) throws {
        switch name {
        case "none": self = .disabled
        case "avg": self = .average(alpha: alpha)
        case "wu": self = .wu(alpha: alpha)
        default: throw DecodingError.unknownLengthPenalty(name: name, choices: Self.names)
        }
    }

    /// The CLI name of this kind.
    public var name: String {
        switch self {
        case .disabled: return "none"
        case .average: return "avg"
        case .wu: return "wu"
        }
    }

    /// α, or 0 for `disabled`.
    public var alpha: Double {
        switch self {
        case .disabled: return 0
        case let .average(alpha), let .wu(alpha): return alpha
        }
    }

    /// lp(L) for a hypothesis of L generated tokens (including `</s>`); L ≥ 1.
    public func divisor(length: Int) -> Double {
        precondition(length >= 1, "a finished hypothesis has at least one token (</s>), got length \(length)")
        switch self {
        case .disabled: return 1
        case let .average(alpha): return pow(Double(length), alpha)
        case let .wu(alpha): return pow((5 + Double(length)) / 6, alpha)
        }
    }

    /// logProbability / lp(length).
    public func normalize(logProbability: Float, length: Int) -> Float {
        Float(Double(logProbability) / divisor(length: length))
    }

    /// The largest lp(L) over L in `lengths`; lp is monotonic in L, so one endpoint holds it.
    func largestDivisor(lengths: ClosedRange<Int>) -> Double {
        max(divisor(length: lengths.lowerBound), divisor(length: lengths.upperBound))
    }
}
