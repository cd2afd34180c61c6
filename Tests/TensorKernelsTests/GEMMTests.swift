import XCTest
import TensorKernels
import TestSupport

final class GEMMTests: XCTestCase {
    /// oneDNN against the triple loop on odd shapes, every transpose combination, alpha and beta.
    func testGEMMMatchesTheReferenceLoopOnOddShapes() {
        var generator = SeededGenerator(seed: 11)
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 1, 33), (1, 29, 13), (31, 37, 41), (64, 65, 3)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = (0..<(m * k)).map { _ in generator.nextUniform(in: -1...1) }
                    let b = (0..<(k * n)).map { _ in generator.nextUniform(in: -1...1) }
                    let start = (0..<(m * n)).map { _ in generator.nextUniform(in: -1...1) }
                    var fast = start, slow = start
                    let lda = transposeA ? m : k, ldb = transposeB ? k : n
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            fast.withUnsafeMutableBufferPointer { pc in
                                GEMM.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                                              a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                                              beta: 0.25, c: pc.baseAddress!, ldc: n)
                            }
                            slow.withUnsafeMutableBufferPointer { pc in
                                GEMM.referenceMultiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                                                       a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                                                       beta: 0.25, c: pc.baseAddress!, ldc: n)
                            }
                        }
                    }
                    // Each entry is α·Σ_p a·b + β·c: k products and k − 1 additions, the α and β products and the
                    // last addition, so at most k + 2 roundings on any path. Whatever the summation order,
                    // |computed − exact| ≤ γ_{k+2} · (|α|·Σ_p |a·b| + |β|·|c|) with γ_n = n·u / (1 − n·u),
                    // u = 2⁻²⁴ (Higham, Accuracy and Stability of Numerical Algorithms, §3.1). Both must be within it.
                    let u = 0x1p-24, gamma = Double(k + 2) * u / (1 - Double(k + 2) * u)
                    for row in 0..<m {
                        for column in 0..<n {
                            var exact = 0.0, magnitude = 0.0
                            for p in 0..<k {
                                let x = Double(transposeA ? a[p * lda + row] : a[row * lda + p])
                                let y = Double(transposeB ? b[column * ldb + p] : b[p * ldb + column])
                                exact += x * y
                                magnitude += abs(x * y)
                            }
                            let i = row * n + column, c = Double(start[i])
                            exact = 0.5 * exact + 0.25 * c
                            let bound = gamma * (0.5 * magnitude + 0.25 * abs(c))
                            for (name, value) in [("oneDNN", fast[i]), ("reference", slow[i])] where abs(Double(value) - exact) > bound {
                                return XCTFail("M \(m) N \(n) K \(k) tA \(transposeA) tB \(transposeB): \(name) [\(i)] \(value) "
                                    + "vs exact \(exact), beyond the bound \(bound)")
                            }
                        }
                    }
                }
            }
        }
    }
}

final class TransposeTests: XCTestCase {
    /// Shapes that are not multiples of the 32×32 tile, and the transpose-B product it feeds.
    func testTransposeCopyOnTileUnalignedShapesAndTheProductThroughIt() {
        for (rows, columns) in [(1, 1), (3, 70), (33, 65)] {
            let source = (0..<(rows * columns)).map { Float($0) }
            let t = source.withUnsafeBufferPointer { Transpose.copy($0.baseAddress!, rows: rows, columns: columns) }
            for r in 0..<rows { for c in 0..<columns { XCTAssertEqual(t[c * rows + r], source[r * columns + c], "[\(r), \(c)]") } }
            // x·W with W [rows, columns] equals x·(Wᵀ)ᵀ through the transposed copy.
            let x = (0..<(2 * rows)).map { Float($0 % 5) - 2 }
            var direct = [Float](repeating: 0, count: 2 * columns), viaCopy = direct
            GEMM.referenceMultiply(m: 2, n: columns, k: rows, a: x, lda: rows, b: source, ldb: columns, c: &direct, ldc: columns)
            GEMM.multiply(transposeB: true, m: 2, n: columns, k: rows, a: x, lda: rows, b: t.pointer, ldb: rows, c: &viaCopy, ldc: columns)
            for i in direct.indices { XCTAssertEqual(viaCopy[i], direct[i], accuracy: 1e-3, "\(rows)×\(columns) element \(i)") }
        }
    }
}
