import XCTest
import Glibc
import TensorKernels
import TestSupport

final class SoftmaxTests: XCTestCase {
    func testMaskedSoftmaxRowsSumToOneAndMaskedEntriesAreZero() {
        var scores = GradientCheck.randomWeights(3 * 5, seed: 3).map { $0 * 10 }
        let lengths: [Int32] = [5, 2, 0]
        scores.withUnsafeMutableBufferPointer { s in
            lengths.withUnsafeBufferPointer { l in
                SoftmaxKernel.maskedSoftmax(rows: 3, columns: 5, stride: 5, scores: s.baseAddress!, lengths: l.baseAddress!)
            }
        }
        XCTAssertEqual(scores[0..<5].reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(scores[5..<7].reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(Array(scores[7..<15]), [Float](repeating: 0, count: 8))
    }

    /// The fused kernel against the plain definition, and its gradient against finite differences.
    func testCrossEntropyWithSmoothingMatchesDefinitionAndGradient() {
        let N = 4, V = 7, smoothing: Float = 0.1
        var logits = GradientCheck.randomWeights(N * V, seed: 9).map { $0 * 4 }
        let targets: [Int32] = [3, 0, 6, 2]  // row 1 is padding (ignore index 0)
        func plainLoss(_ z: [Float]) -> Double {
            var total = 0.0
            for r in 0..<N where targets[r] != 0 {
                let row = z[(r * V)..<((r + 1) * V)].map(Double.init)
                let logZ = Glibc.log(row.map { Glibc.exp($0) }.reduce(0, +))
                for j in 0..<V {
                    let q = (j == Int(targets[r]) ? 1 - Double(smoothing) : 0) + Double(smoothing) / Double(V)
                    total -= q * (row[j] - logZ)
                }
            }
            return total
        }
        var work = logits
        let result = work.withUnsafeMutableBufferPointer { w in
            SoftmaxKernel.crossEntropy(rows: N, vocabulary: V, logits: w.baseAddress!, targets: targets, ignoreIndex: 0,
                                       smoothing: smoothing, scale: 1, writeGradient: true)
        }
        XCTAssertEqual(result.tokens, 3)
        XCTAssertEqual(result.loss, plainLoss(logits), accuracy: 1e-4)
        let numeric = GradientCheck.numeric(&logits, epsilon: 1e-2, loss: plainLoss)
        GradientCheck.assertClose(analytic: work, numeric: numeric, "dlogits")
        XCTAssertEqual(Array(work[V..<(2 * V)]), [Float](repeating: 0, count: V), "a padding row has zero gradient")
    }
}
