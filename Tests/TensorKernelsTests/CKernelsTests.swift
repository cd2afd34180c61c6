import Foundation
import XCTest
import TensorKernels
import TestSupport

/// Every C kernel (compiled for AVX-512, AVX2 and baseline, picked at load) against its Swift oracle, at
/// sizes that are not multiples of the vector width.
final class CKernelsTests: XCTestCase {
    private func random(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        KernelOracle.random(count, seed: seed, scale: scale)
    }

    private func assertClose(_ a: [Float], _ b: [Float], tolerance: Float, _ what: String, file: StaticString = #filePath,
                             line: UInt = #line) {
        KernelOracle.assertClose(a, b, tolerance: tolerance, what, file: file, line: line)
    }

    func testTheChosenVectorLevelMatchesTheCPU() throws {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let expected = flags.contains(" avx512f") && flags.contains(" avx512bw") && flags.contains(" avx512vl")
            && flags.contains(" avx512dq") ? 4 : (flags.contains(" avx2") && flags.contains(" fma") ? 3 : 1)
        XCTAssertEqual(KernelChoice.vectorLevel, expected)
        XCTAssertEqual(KernelChoice.transposeRecurrentWeights, expected < 4 || ProcessInfo.processInfo.environment["NMT_GEMM_LAYOUT"] == "nt")
    }

    /// `nmt_round_bf16` (`BF16Matrix.rounding`) needs no bf16 instructions, so this runs on every CPU.
    func testBF16RoundingIsToNearestWithTiesToEven() {
        let special: [Float] = [1, -1, 0, -0.0, 1 + 0x1p-8, 1 + 0x1p-7 + 0x1p-8, 1 + 0x1p-9, -(1 + 0x1p-8 + 0x1p-20),
                                .greatestFiniteMagnitude / 4, .leastNonzeroMagnitude, 3.0e-39, .infinity, -.infinity]
        let values = special + random(1000, seed: 33, scale: 1000)
        let bits = BF16Matrix.rounding(values)
        for (x, b) in zip(values, bits) {
            XCTAssertEqual(b, UInt16(BF16Oracle.rounded(x).bitPattern >> 16), "\(x)")
        }
        XCTAssertTrue(Float(bitPattern: UInt32(BF16Matrix.rounding([.nan])[0]) << 16).isNaN)
        // The ties: 1 + 2⁻⁸ lies halfway between 1 and 1 + 2⁻⁷ and goes to 1 (even); 1 + 3·2⁻⁸ goes up to 1 + 2⁻⁶.
        XCTAssertEqual(Array(bits[4...5]), [0x3F80, 0x3F82])
    }

    func testLogSoftmaxAgainstTheSwiftOracle() {
        for (rows, columns) in [(1, 1), (3, 17), (5, 1003), (2, 8060)] {
            let x = random(rows * columns, seed: UInt64(columns), scale: 12)
            var fast = x, oracle = x
            fast.withUnsafeMutableBufferPointer { SoftmaxKernel.logSoftmax(rows: rows, vocabulary: columns, values: $0.baseAddress!) }
            oracle.withUnsafeMutableBufferPointer { SoftmaxKernel.portableLogSoftmax(rows: rows, vocabulary: columns, values: $0.baseAddress!) }
            assertClose(fast, oracle, tolerance: 2e-6, "log-softmax \(rows)×\(columns)")
            for r in 0..<rows {  // each row sums to 1 in probability
                let total = (0..<columns).reduce(0.0) { $0 + Foundation.exp(Double(fast[r * columns + $1])) }
                XCTAssertEqual(total, 1, accuracy: 1e-4)
            }
        }
    }

    func testLSTMForwardAgainstTheSwiftOracleWithPadding() {
        let B = 5, H = 37
        let z = random(B * 4 * H, seed: 7, scale: 4), cPrev = random(B * H, seed: 8), hPrev = random(B * H, seed: 9)
        let mask: [Float] = [1, 0, 1, 1, 0]
        func run(_ kernel: (Int, Int, UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                            UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<Float>?) -> Void)
            -> [Float] {
            var gates = z, c = [Float](repeating: 0, count: B * H), h = c
            gates.withUnsafeMutableBufferPointer { g in
                c.withUnsafeMutableBufferPointer { pc in
                    h.withUnsafeMutableBufferPointer { ph in
                        kernel(B, H, g.baseAddress!, cPrev, hPrev, pc.baseAddress!, ph.baseAddress!, mask)
                    }
                }
            }
            return gates + c + h
        }
        let fast = run { LSTMCellKernel.forward(batch: $0, hidden: $1, gates: $2, cPrev: $3, hPrev: $4, c: $5, h: $6, mask: $7) }
        let oracle = run { LSTMCellKernel.portableForward(batch: $0, hidden: $1, gates: $2, cPrev: $3, hPrev: $4, c: $5, h: $6, mask: $7) }
        assertClose(fast, oracle, tolerance: 1e-6, "LSTM forward")
    }

    func testTanhAgainstTheScalarOracle() {
        var x = random(1001, seed: 3, scale: 9) + [0, -0, 100, -100, .infinity, -.infinity]
        let oracle = x.map(FastMath.tanh)
        x.withUnsafeMutableBufferPointer { FastMath.tanh(count: $0.count, values: $0.baseAddress!) }
        assertClose(x, oracle, tolerance: 1e-6, "tanh")
    }

    func testAdditiveScoresAndWeightedSumAgainstTheirOracles() {
        let length = 13, size = 53, stride = 3 * size, width = 45, valueStride = 2 * width
        let q = random(size, seed: 11), v = random(size, seed: 12), keys = random(length * stride, seed: 13, scale: 2)
        var fast = [Float](repeating: 0, count: length), oracle = fast
        fast.withUnsafeMutableBufferPointer {
            AttentionKernels.additiveScores(length: length, size: size, query: q, keys: keys, keyStride: stride, v: v, scores: $0.baseAddress!)
        }
        oracle.withUnsafeMutableBufferPointer {
            AttentionKernels.portableAdditiveScores(length: length, size: size, query: q, keys: keys, keyStride: stride, v: v,
                                                    scores: $0.baseAddress!)
        }
        assertClose(fast, oracle, tolerance: 1e-5, "additive scores")
        let weights = random(length, seed: 14), values = random(length * valueStride, seed: 15)
        var context = [Float](repeating: 9, count: width), expected = context
        context.withUnsafeMutableBufferPointer {
            AttentionKernels.weightedSum(length: length, width: width, weights: weights, values: values, valueStride: valueStride,
                                         into: $0.baseAddress!)
        }
        expected.withUnsafeMutableBufferPointer {
            AttentionKernels.portableWeightedSum(length: length, width: width, weights: weights, values: values,
                                                 valueStride: valueStride, into: $0.baseAddress!)
        }
        assertClose(context, expected, tolerance: 1e-6, "weighted sum")
    }
}
