import Foundation
import XCTest
@testable import Seq2SeqModel
import TensorKernels
import TestSupport

/// Finite-difference checks of each layer on its own (STYLE.md habit 2), every entry of every tensor at tiny
/// sizes (B 2, S 4, 2H 8, D 5, A 3, V 7): the layer runs in Float, as in training, and its analytic
/// gradient is compared with central differences of a Double reference of the same forward, written here
/// from the formulas in the layer's doc comment. The scalar loss is Σ output ⊙ R for a fixed random R.
///
/// Tolerance: |analytic − numeric| ≤ 2e-6 · max(|analytic|, |numeric|) + 1e-6 · (largest |numeric| of the
/// layer). The Double side is exact to about 1e-11 (GradientCheck.numeric). The Float side rounds each
/// operation to u = 6e-8, and a gradient entry here goes through at most about 20 operations, so its relative
/// error stays near 20u ≈ 1.2e-6; the absolute part covers entries that are sums with cancellation, whose
/// error scales with the size of the terms rather than with the result, and FastMath's tanh, σ and exp,
/// which are within 1e-6 of the exact functions (FastMathTests). A zero where the numeric gradient is
/// above that floor fails (GradientCheck.mismatches).
final class LayerGradientTests: XCTestCase {
    static let relative = 2e-6
    static let absoluteShare = 1e-6

    typealias Tensors = [String: [Double]]

    static let B = 2, S = 4, W = 8, D = 5, A = 3, V = 7
    /// Sentence 1 has two real source positions of four; rows 0…2 of a step attend to sentences 0, 1, 1.
    static let lengths: [Int32] = [4, 2]
    static let rowSources: [Int32] = [0, 1, 1]

    // MARK: the check

    /// Compares `analytic` with central differences of `loss` at `values`, for every entry of every tensor.
    func check(_ values: Tensors, analytic: Tensors, _ label: String, file: StaticString = #filePath, line: UInt = #line,
                       loss: (Tensors) -> Double) {
        var numeric: [String: [Int: Double]] = [:]
        for (name, tensor) in values {
            var copy = tensor
            numeric[name] = GradientCheck.numeric(&copy) { perturbed in
                var all = values
                all[name] = perturbed
                return loss(all)
            }
        }
        let scale = numeric.values.flatMap { $0.values.map(abs) }.max() ?? 0
        XCTAssertGreaterThan(scale, 1e-2, "\(label): the gradients are too small to check", file: file, line: line)
        for name in values.keys.sorted() {
            guard let a = analytic[name] else { XCTFail("\(label): no analytic gradient for \(name)", file: file, line: line); continue }
            XCTAssertEqual(a.count, values[name]!.count, "\(label) \(name)", file: file, line: line)
            if ProcessInfo.processInfo.environment["GRADIENT_CHECK_REPORT"] != nil {
                let worst = numeric[name]!.map { abs(a[$0.key] - $0.value) / scale }.max() ?? 0
                print("\(label) \(name): worst |a − n| / scale = \(worst)")
            }
            GradientCheck.assertClose(analytic: a, numeric: numeric[name]!, relative: Self.relative,
                                      absolute: Self.absoluteShare * scale, "\(label) \(name)", file: file, line: line)
        }
    }

    // MARK: Double reference helpers

    /// c = a·b with a `[m, k]`, b `[k, n]`, row-major.
    static func product(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for p in 0..<k { let x = a[i * k + p]; for j in 0..<n { c[i * n + j] += x * b[p * n + j] } } }
        return c
    }

    static func addRows(_ a: [Double], bias: [Double]) -> [Double] {
        a.enumerated().map { $0.element + bias[$0.offset % bias.count] }
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// Softmax over the first n entries of `scores`, zeros after; ctx = Σ_j α_j M_j of sentence b.
    static func attend(scores: [Double], length n: Int, memory: [Double], sentence b: Int) -> (alpha: [Double], context: [Double]) {
        let top = scores[..<n].max()!
        let e = scores[..<n].map { Foundation.exp($0 - top) }, sum = e.reduce(0, +)
        let alpha = e.map { $0 / sum } + [Double](repeating: 0, count: S - n)
        var context = [Double](repeating: 0, count: W)
        for j in 0..<n { for i in 0..<W { context[i] += alpha[j] * memory[(j * B + b) * W + i] } }
        return (alpha, context)
    }

    static func weightedSum(_ output: [Double], _ weights: [Double]) -> Double {
        zip(output, weights).reduce(0) { $0 + $1.0 * $1.1 }
    }

    // MARK: Float helpers

    /// Seeded uniform values in [-scale, scale].
    static func random(_ count: Int, seed: UInt64, scale: Float = 0.8) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.nextUniform(in: -scale...scale) }
    }

    static func fill(_ store: ParameterStore, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        store.initializeUniform(scale: 0.8, generator: &generator)
    }

    /// Every parameter of `store` in Double, by name.
    static func parameters(_ store: ParameterStore) -> Tensors {
        Dictionary(uniqueKeysWithValues: store.views.map { v in (v.name, (0..<v.count).map { Double(store.values[v.offset + $0]) }) })
    }

    static func gradients(_ store: ParameterStore) -> Tensors {
        Dictionary(uniqueKeysWithValues: store.views.map { v in (v.name, (0..<v.count).map { Double(store.gradients[v.offset + $0]) }) })
    }

    static func doubles(_ buffer: FloatBuffer) -> [Double] { buffer.array.map(Double.init) }
    static func doubles(_ values: [Float]) -> [Double] { values.map(Double.init) }
}

/// The checker itself must reject a zero backward, however small the true gradient, and a floor so loose
/// that it could not.
final class GradientCheckTests: XCTestCase {
    func testZeroAnalyticGradientFailsWhereTheNumericOneIsNot() {
        let numeric: [Int: Double] = [0: 5e-5, 1: -3e-3, 2: 0]
        XCTAssertEqual(GradientCheck.mismatches(analytic: [5e-5, -3e-3, 0], numeric: numeric, relative: 1e-6, absolute: 1e-9, "g"), [])
        let zero = GradientCheck.mismatches(analytic: [0, -3e-3, 0], numeric: numeric, relative: 1e-6, absolute: 1e-9, "g")
        XCTAssertEqual(zero, ["g[0]: analytic gradient is exactly 0 where the numeric one is 5e-05"])
        let off = GradientCheck.mismatches(analytic: [5e-5, -3.001e-3, 0], numeric: numeric, relative: 1e-6, absolute: 1e-9, "g")
        XCTAssertEqual(off.count, 1, "a 3e-4 relative error is far above 1e-6: \(off)")
    }

    func testAFloorAboveEveryGradientIsReportedAsVacuous() {
        let numeric: [Int: Double] = [0: 5e-5, 1: -8e-5]
        let problems = GradientCheck.mismatches(analytic: [0, 0], numeric: numeric, relative: 3e-2, absolute: 3e-4, "w")
        XCTAssertEqual(problems.count, 1, "\(problems)")
        XCTAssertTrue(problems[0].contains("could not tell a zero backward"), problems[0])
        XCTAssertEqual(GradientCheck.mismatches(analytic: [0, 0], numeric: numeric, relative: 3e-2, absolute: 3e-4,
                                                requireSignal: false, "w"), [])
    }
}
