import XCTest
import TensorKernels

/// Finite-difference gradient checking (STYLE.md habit 2): central differences, relative tolerance.
public enum GradientCheck {
    /// The numeric gradient of `loss` with respect to each element of `values`, by central differences.
    /// `loss` is evaluated with `values` perturbed in place; it is restored afterwards.
    public static func numeric(_ values: inout [Float], indices: [Int]? = nil, epsilon: Float = 1e-2,
                               loss: ([Float]) -> Double) -> [Int: Double] {
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

    /// Asserts |analytic − numeric| ≤ absolute + relative · max(|analytic|, |numeric|) for every checked index.
    public static func assertClose(analytic: [Float], numeric: [Int: Double], relative: Double = 2e-2,
                                   absolute: Double = 1e-4, _ what: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        for (i, n) in numeric.sorted(by: { $0.key < $1.key }) {
            let a = Double(analytic[i])
            if abs(a - n) > absolute + relative * max(abs(a), abs(n)) {
                XCTFail("\(what)[\(i)]: analytic \(a) vs numeric \(n) (allowed \(absolute) + \(relative)·max)", file: file, line: line)
                return
            }
        }
        XCTAssertFalse(numeric.isEmpty, "\(what): nothing was checked", file: file, line: line)
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
