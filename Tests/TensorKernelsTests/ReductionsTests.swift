import XCTest
import TensorKernels
import TestSupport

/// The SIMD reductions against plain Double loops, on lengths that exercise the 16-lane body and the tail.
final class ReductionsTests: XCTestCase {
    func testSumMaximumDotAndSquaresMatchSimpleLoops() {
        for n in [0, 1, 15, 16, 17, 33, 1000, 8060] {
            let x = GradientCheck.randomWeights(n, seed: UInt64(n + 1)), y = GradientCheck.randomWeights(n, seed: UInt64(n + 2))
            x.withUnsafeBufferPointer { px in
                y.withUnsafeBufferPointer { py in
                    let p = px.baseAddress ?? UnsafePointer(bitPattern: 16)!, q = py.baseAddress ?? UnsafePointer(bitPattern: 16)!
                    XCTAssertEqual(Double(Reductions.sum(p, count: n)), x.reduce(0.0) { $0 + Double($1) }, accuracy: 1e-4, "n \(n)")
                    XCTAssertEqual(Reductions.maximum(p, count: n), x.max() ?? -.infinity, "n \(n)")
                    XCTAssertEqual(Double(Reductions.dot(p, q, count: n)), dot(x, y), accuracy: 1e-4, "n \(n)")
                    XCTAssertEqual(Reductions.sumOfSquares(p, count: n), dot(x, x), accuracy: 1e-4, "n \(n)")
                }
            }
        }
    }
}
