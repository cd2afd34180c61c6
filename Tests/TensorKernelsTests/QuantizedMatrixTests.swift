import XCTest
import TensorKernels
import TestSupport

/// The 8-bit product against its f32 oracle (`GEMM.referenceMultiply`), within the stated tolerance.
final class QuantizedMatrixTests: XCTestCase {
    func testQuantizedProductAgainstF32() {
        let M = 7, K = 300, N = 45
        let a = GradientCheck.randomWeights(M * K, seed: 21)  // in [−1, 1], as the decoder's inputs
        let w = GradientCheck.randomWeights(K * N, seed: 22).enumerated().map { $1 * Float(1 + $0 % N) / 10 }  // column scales differ
        var exact = [Float](repeating: 0, count: M * N)
        exact.withUnsafeMutableBufferPointer {
            GEMM.referenceMultiply(m: M, n: N, k: K, a: a, lda: K, b: w, ldb: N, c: $0.baseAddress!, ldc: N)
        }
        let q = w.withUnsafeBufferPointer { QuantizedMatrix($0.baseAddress!, rows: K, columns: N) }
        var fast = [Float](repeating: 1, count: M * N)  // multiplyAdd adds: start from 1
        fast.withUnsafeMutableBufferPointer { q.multiplyAdd(m: M, a: a, lda: K, c: $0.baseAddress!, ldc: N, scratch: ProductScratch()) }
        for j in 0..<N {
            let largest = (0..<K).map { abs(w[$0 * N + j]) }.max()!
            // Each of the K terms is off by at most |a|·½s_W + |W|·½/127 ≤ largest/127; random signs cancel, so
            // the error stays within 3·√K of one term's bound.
            let bound = 3 * Float(K).squareRoot() * largest / 127
            for i in 0..<M {
                XCTAssertEqual(fast[i * N + j] - 1, exact[i * N + j], accuracy: bound, "entry \(i), \(j)")
            }
        }
        // Part of the rows (firstRow/count) multiplies only those rows of W.
        var part = [Float](repeating: 0, count: M * N), partExact = part
        part.withUnsafeMutableBufferPointer {
            q.multiplyAdd(m: M, a: a, lda: K, firstRow: 100, count: 50, c: $0.baseAddress!, ldc: N, scratch: ProductScratch())
        }
        partExact.withUnsafeMutableBufferPointer { c in
            w.withUnsafeBufferPointer { GEMM.referenceMultiply(m: M, n: N, k: 50, a: a, lda: K, b: $0.baseAddress! + 100 * N, ldb: N,
                                                               c: c.baseAddress!, ldc: N) }
        }
        let partError = zip(part, partExact).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(partError, 3 * Float(50).squareRoot() * 3.6 / 127)
    }

    func testGatheredColumnsEqualTheirSource() {
        let K = 9, N = 6
        let w = GradientCheck.randomWeights(K * N, seed: 23)
        let q = w.withUnsafeBufferPointer { QuantizedMatrix($0.baseAddress!, rows: K, columns: N) }
        let g = QuantizedMatrix(gathering: q, columns: [1, 4])
        let a = GradientCheck.randomWeights(2 * K, seed: 24)
        var full = [Float](repeating: 0, count: 2 * N), some = [Float](repeating: 0, count: 4)
        full.withUnsafeMutableBufferPointer { q.multiplyAdd(m: 2, a: a, lda: K, c: $0.baseAddress!, ldc: N, scratch: ProductScratch()) }
        some.withUnsafeMutableBufferPointer { g.multiplyAdd(m: 2, a: a, lda: K, c: $0.baseAddress!, ldc: 2, scratch: ProductScratch()) }
        XCTAssertEqual(some, [full[1], full[4], full[N + 1], full[N + 4]])
    }
}
