import XCTest
import TensorKernels

/// Finite-difference gradient checking (STYLE.md habit 2): central differences, relative tolerance.
public enum GradientCheck {
    /// The numeric gradient of `loss` with respect to each element of `values`, by central differences.
    /// `loss` is evaluated with `values` perturbed in place; it is restored afterwards.
    public static func numeric(_ values: inout [Float], indices: [Int]? = nil, epsilon: Float = 1e-2,
                               loss: ([Float]) -> Double) -> [Int: Double] {
        centralDifferences(&values, indices: indices, epsilon: epsilon, loss: loss)
    }

    /// Central differences of a Double `loss` (a Double reference of a layer) at every element of `values`.
    /// With ε = 1e-5 on losses of order 1, the truncation error ε²·f'''/6 and the rounding error
    /// 1e-16·|L|/ε are both near 1e-11, far below the Float error of the analytic gradient it is compared with.
    public static func numeric(_ values: inout [Double], epsilon: Double = 1e-5, loss: ([Double]) -> Double) -> [Int: Double] {
        centralDifferences(&values, indices: nil, epsilon: epsilon, loss: loss)
    }

    private static func centralDifferences<T: BinaryFloatingPoint>(_ values: inout [T], indices: [Int]?, epsilon: T,
                                                                   loss: ([T]) -> Double) -> [Int: Double] {
        var result: [Int: Double] = [:]
        for i in indices ?? Array(values.indices) {
            let saved = values[i]
            values[i] = saved + epsilon
            let plus = loss(values)
            values[i] = saved - epsilon
            let minus = loss(values)
            values[i] = saved
            result[i] = (plus - minus) / Double(2 * epsilon)
        }
        return result
    }

    /// What is wrong with an analytic gradient, one message per problem (empty when it passes):
    /// - an entry with |analytic − numeric| > absolute + relative · max(|analytic|, |numeric|);
    /// - an entry whose analytic gradient is exactly 0 where the numeric one exceeds the floor (named as such,
    ///   since a forgotten contribution shows up this way);
    /// - a check that cannot fail: no numeric entry is above twice the absolute floor, so a backward that
    ///   returned zeros would pass. Lower the floor (a Double reference allows a tiny one) or choose inputs
    ///   with larger gradients.
    /// `requireSignal: false` drops the last rule, for Float finite differences whose noise forces a floor that
    /// some tensors' gradients never reach (say there where those tensors are checked exactly).
    public static func mismatches(analytic: [Double], numeric: [Int: Double], relative: Double, absolute: Double,
                                  requireSignal: Bool = true, _ what: String) -> [String] {
        guard !numeric.isEmpty else { return ["\(what): nothing was checked"] }
        var problems: [String] = []
        for (i, n) in numeric.sorted(by: { $0.key < $1.key }) {
            let a = analytic[i]
            if a == 0, abs(n) > absolute {
                problems.append("\(what)[\(i)]: analytic gradient is exactly 0 where the numeric one is \(n)")
            } else if !(abs(a - n) <= absolute + relative * max(abs(a), abs(n))) {
                problems.append("\(what)[\(i)]: analytic \(a) vs numeric \(n) (allowed \(absolute) + \(relative)·max)")
            }
        }
        let largest = numeric.values.map(abs).max() ?? 0
        if requireSignal, largest <= 2 * absolute {
            problems.append("\(what): every numeric gradient is within twice the absolute floor \(absolute) (largest \(largest)); "
                + "the check could not tell a zero backward from this one")
        }
        return problems
    }

    /// Fails the test with the first of `mismatches` (and how many more there are).
    public static func assertClose(analytic: [Double], numeric: [Int: Double], relative: Double, absolute: Double,
                                   requireSignal: Bool = true, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let problems = mismatches(analytic: analytic, numeric: numeric, relative: relative, absolute: absolute,
                                  requireSignal: requireSignal, what)
        if let first = problems.first {
            XCTFail(first + (problems.count > 1 ? " (and \(problems.count - 1) more)" : ""), file: file, line: line)
        }
    }

    /// `assertClose` for a Float gradient checked against Float finite differences.
    public static func assertClose(analytic: [Float], numeric: [Int: Double], relative: Double = 2e-2,
                                   absolute: Double = 1e-4, requireSignal: Bool = true, _ what: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        assertClose(analytic: analytic.map(Double.init), numeric: numeric, relative: relative, absolute: absolute,
                    requireSignal: requireSignal, what, file: file, line: line)
    }

    /// A few indices spread over `count` elements (all of them when count is small), chosen by a seed.
    public static func sampleIndices(count: Int, maximum: Int = 24, seed: UInt64 = 7) -> [Int] {
        if count <= maximum { return Array(0..<count) }
        var generator = SeededGenerator(seed: seed)
        return (0..<maximum).map { _ in generator.nextIndex(below: count) }
    }

    /// Fixed random weights R for the scalar test loss Σ output ⊙ R.
    public static func randomWeights(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.nextUniform(in: -1...1) }
    }
}

public func dot(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "dot of [\(a.count)] and [\(b.count)]")
    var sum = 0.0
    for i in a.indices { sum += Double(a[i]) * Double(b[i]) }
    return sum
}
