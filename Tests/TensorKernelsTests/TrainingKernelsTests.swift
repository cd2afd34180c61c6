import XCTest
import TensorKernels
import CDNNL
import TestSupport

/// The training step's C kernels (transpose, LSTM backward, additive-attention backward, cross-entropy)
/// against their Swift oracles, at sizes that are not multiples of the vector width, on one thread and
/// on two (the OpenMP split must not change a result).
final class TrainingKernelsTests: XCTestCase {
    private func random(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        KernelOracle.random(count, seed: seed, scale: scale)
    }

    private func assertClose(_ a: [Float], _ b: [Float], tolerance: Float, _ what: String, file: StaticString = #filePath,
                             line: UInt = #line) {
        KernelOracle.assertClose(a, b, tolerance: tolerance, what, file: file, line: line)
    }

    func testTransposeEqualsTheElementLoop() {
        for (rows, columns) in [(1, 1), (17, 33), (64, 1024), (5, 300)] {
            let source = random(rows * columns, seed: UInt64(rows * 7 + columns))
            let fast = Transpose.copy(source, rows: rows, columns: columns)
            let oracle = Transpose.referenceCopy(source, rows: rows, columns: columns)
            XCTAssertEqual(fast.array, oracle.array, "\(rows)×\(columns)")
        }
    }

    func testLSTMBackwardMatchesItsOracleWithAndWithoutMask() {
        let B = 3, H = 37
        let gates = random(B * 4 * H, seed: 1).map { 1 / (1 + exp(-$0)) }  // activations in (0, 1)
        let cPrev = random(B * H, seed: 2), c = random(B * H, seed: 3), dh = random(B * H, seed: 4)
        let dcIn = random(B * H, seed: 5), mask: [Float] = [1, 0, 1]
        for useMask in [false, true] {
            func run(_ kernel: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void)
                -> [Float] {
                var dc = dcIn, dGates = [Float](repeating: 7, count: B * 4 * H), pass = [Float](repeating: 7, count: B * H)
                kernel(&dc, &dGates, &pass)
                return dc + dGates + pass
            }
            let m: [Float]? = useMask ? mask : nil
            let fast = run { dc, dg, pass in
                m.withOptionalPointer { LSTMCellKernel.backward(batch: B, hidden: H, gates: gates, cPrev: cPrev, c: c, mask: $0,
                                                                  dh: dh, dc: dc, dGates: dg, dhPass: pass) }
            }
            let oracle = run { dc, dg, pass in
                m.withOptionalPointer { LSTMCellKernel.portableBackward(batch: B, hidden: H, gates: gates, cPrev: cPrev, c: c,
                                                                          mask: $0, dh: dh, dc: dc, dGates: dg, dhPass: pass) }
            }
            assertClose(fast, oracle, tolerance: 1e-5, "LSTM backward, mask \(useMask)")
        }
    }

    func testAdditiveBackwardMatchesItsOracle() {
        let length = 5, size = 45, stride = 3 * size
        let query = random(size, seed: 11), keys = random(length * stride, seed: 12), v = random(size, seed: 13)
        let dScores = random(length, seed: 14)
        func run(_ kernel: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void)
            -> [Float] {
            var dq = random(size, seed: 15), dk = random(length * stride, seed: 16), dv = random(size, seed: 17)
            kernel(&dq, &dk, &dv)
            return dq + dk + dv
        }
        let fast = run {
            AttentionKernels.additiveBackward(length: length, size: size, query: query, keys: keys, keyStride: stride, v: v,
                                              dScores: dScores, dQuery: $0, dKeys: $1, dV: $2)
        }
        let oracle = run {
            AttentionKernels.portableAdditiveBackward(length: length, size: size, query: query, keys: keys, keyStride: stride,
                                                      v: v, dScores: dScores, dQuery: $0, dKeys: $1, dV: $2)
        }
        assertClose(fast, oracle, tolerance: 1e-5, "additive backward")
    }

    /// One thread and two give the same bits; both agree with the Swift loop row by row.
    func testCrossEntropyMatchesItsOracleOnOneAndTwoThreads() {
        let rows = 9, V = 1003
        let logits = random(rows * V, seed: 21, scale: 4)
        let targets: [Int32] = [3, 0, 1002, 5, 0, 17, 999, 4, 2]  // id 0 is the ignored padding here
        func run(threads: Int, reference: Bool) -> ([Float], Double, Double, Int, Int) {
            let saved = GEMM.threadsOfThisThread
            GEMM.threadsOfThisThread = threads
            defer { GEMM.threadsOfThisThread = saved }
            var values = logits
            let r = reference
                ? SoftmaxKernel.referenceCrossEntropy(rows: rows, vocabulary: V, logits: &values, targets: targets, ignoreIndex: 0,
                                                      smoothing: 0.1, scale: 0.5, writeGradient: true)
                : SoftmaxKernel.crossEntropy(rows: rows, vocabulary: V, logits: &values, targets: targets, ignoreIndex: 0,
                                             smoothing: 0.1, scale: 0.5, writeGradient: true)
            return (values, r.loss, r.nll, r.tokens, r.correct)
        }
        let one = run(threads: 1, reference: false), two = run(threads: 2, reference: false)
        let oracle = run(threads: 1, reference: true)
        XCTAssertEqual(one.0, two.0)
        XCTAssertEqual(one.1, two.1)
        XCTAssertEqual(one.2, two.2)
        XCTAssertEqual(one.3, 7)
        XCTAssertEqual(one.3, oracle.3)
        XCTAssertEqual(one.4, oracle.4)
        assertClose(one.0, oracle.0, tolerance: 1e-5, "gradient")
        XCTAssertEqual(one.1, oracle.1, accuracy: 1e-3 * oracle.1)
        XCTAssertEqual(one.2, oracle.2, accuracy: 1e-3 * oracle.2)
        XCTAssertEqual(Array(one.0[V..<(2 * V)]), [Float](repeating: 0, count: V), "an ignored row has zero gradient")
    }
}

private extension Optional where Wrapped == [Float] {
    func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let array = self else { return body(nil) }
        return array.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
