import XCTest
import Glibc
import TensorKernels

final class FastMathTests: XCTestCase {
    func testTanhAgainstDouble() {
        var worst: Double = 0
        var x: Float = -12
        while x <= 12 {
            worst = max(worst, abs(Double(FastMath.tanh(x)) - Glibc.tanh(Double(x))))
            x += 0.001
        }
        XCTAssertLessThan(worst, 1e-6)
        XCTAssertEqual(FastMath.tanh(0), 0)
        XCTAssertEqual(FastMath.tanh(50), 1, accuracy: 1e-6)
    }

    func testSigmoidAgainstDouble() {
        var x: Float = -20
        while x <= 20 {
            XCTAssertEqual(Double(FastMath.sigmoid(x)), 1 / (1 + Glibc.exp(-Double(x))), accuracy: 1e-6, "x = \(x)")
            x += 0.01
        }
    }

    func testExpRelativeErrorAgainstDouble() {
        var worst: Double = 0
        var x: Float = -80
        while x <= 80 {
            let exact = Glibc.exp(Double(x))
            worst = max(worst, abs(Double(FastMath.exp(x)) - exact) / exact)
            x += 0.0137
        }
        XCTAssertLessThan(worst, 1e-6)
        XCTAssertEqual(FastMath.exp(-200), 0)
        XCTAssertTrue(FastMath.exp(100).isFinite)
    }
}

final class FastMathNaNTests: XCTestCase {
    func testNaNPropagatesWithoutTrapping() {
        XCTAssertTrue(FastMath.exp(.nan).isNaN)
        XCTAssertTrue(FastMath.tanh(.nan).isNaN, "tanh(NaN) = \(FastMath.tanh(.nan)): a NaN must not turn into a number")
        XCTAssertTrue(FastMath.sigmoid(.nan).isNaN, "σ(NaN) = \(FastMath.sigmoid(.nan))")
    }
}
