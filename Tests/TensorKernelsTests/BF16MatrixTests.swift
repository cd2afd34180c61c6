import XCTest
import TensorKernels
import TestSupport

/// The bf16 product against two oracles in Double: the exact product of the f32 values, within the bound
/// of `BF16Matrix`'s doc comment, and the exact product of the bf16-rounded values, within f32
/// accumulation error (so the rounding is to nearest and nothing else is lost).
final class BF16MatrixTests: XCTestCase {
    override func setUpWithError() throws {
        try skipUnlessBF16Products()
    }

    static let K = 300, N = 45
    static let a = GradientCheck.randomWeights(130 * K, seed: 31).map { $0 * 3 }  // [130, K]; bf16 takes any range
    static let w = GradientCheck.randomWeights(K * N, seed: 32).enumerated().map { $1 * Float(1 + $0 % N) / 10 }  // column scales differ

    /// What each entry of a[rows]·W[k rows] may be off by: (bound vs exact, bound vs the rounded values'
    /// exact product), and those two exact products. c starts at 1, whose f32 addition adds up to 2⁻²⁴·|1 + x|.
    struct Oracle {
        var exact: [Double] = [], rounded: [Double] = [], exactBound: [Double] = [], roundedBound: [Double] = []
    }

    func oracle(m: Int, lda: Int, rows: Range<Int>) -> Oracle {
        let a = Self.a, w = Self.w, roundedA = BF16Oracle.rounded(a), roundedW = BF16Oracle.rounded(w)
        var o = Oracle()
        for i in 0..<m {
            for j in 0..<Self.N {
                var exact = 0.0, rounded = 0.0, size = 0.0, roundedSize = 0.0
                for k in rows {
                    let x = a[i * lda + k - rows.lowerBound], y = w[k * Self.N + j]
                    let rx = roundedA[i * lda + k - rows.lowerBound], ry = roundedW[k * Self.N + j]
                    exact += Double(x) * Double(y); size += abs(Double(x) * Double(y))
                    rounded += Double(rx) * Double(ry); roundedSize += abs(Double(rx) * Double(ry))
                }
                let accumulation = Double(rows.count + 2) * 0x1p-24, addition = 0x1p-23 * (1 + abs(exact))
                o.exact.append(exact); o.rounded.append(rounded)
                o.exactBound.append((0x1p-7 + 0x1p-16 + accumulation) * size + addition)
                o.roundedBound.append(accumulation * roundedSize + addition)
            }
        }
        return o
    }

    /// c [M, N] (leading dimension ldc, started at 1, the padding at −7) += a · W[rows].
    static func product(_ matrix: BF16Matrix, m: Int, lda: Int, rows: Range<Int>, ldc: Int, scratch: ProductScratch = ProductScratch()) -> [Float] {
        var c = [Float](repeating: -7, count: m * ldc)
        for i in 0..<m { for j in 0..<Self.N { c[i * ldc + j] = 1 } }
        c.withUnsafeMutableBufferPointer { out in
            matrix.multiplyAdd(m: m, a: Self.a, lda: lda, firstRow: rows.lowerBound, count: rows.count, c: out.baseAddress!, ldc: ldc,
                               scratch: scratch)
        }
        return c
    }

    func assertWithinBounds(_ c: [Float], _ o: Oracle, m: Int, ldc: Int, _ what: String) {
        var worstVsExact = 0.0, largestF32Explanation = 0.0
        for i in 0..<m {
            for j in 0..<Self.N {
                let got = Double(c[i * ldc + j]) - 1, e = i * Self.N + j
                XCTAssertLessThanOrEqual(abs(got - o.exact[e]), o.exactBound[e], "\(what): entry \(i), \(j) against the f32 values")
                XCTAssertLessThanOrEqual(abs(got - o.rounded[e]), o.roundedBound[e], "\(what): entry \(i), \(j) against the bf16 values")
                worstVsExact = max(worstVsExact, abs(got - o.exact[e]))
                largestF32Explanation = max(largestF32Explanation, o.roundedBound[e])
            }
            for j in Self.N..<ldc { XCTAssertEqual(c[i * ldc + j], -7, "\(what): row \(i) column \(j) lies beyond N") }
        }
        // The product really ran in bf16: f32 alone could not be this far off.
        XCTAssertGreaterThan(worstVsExact, largestF32Explanation, what)
    }

    func testBF16ProductAgainstF32() throws {
        let K = Self.K, N = Self.N
        let matrix = try Self.w.withUnsafeBufferPointer { try BF16Matrix($0.baseAddress!, rows: K, columns: N) }
        XCTAssertEqual(matrix.rows, K)
        XCTAssertEqual(matrix.columns, N)
        // M 1, a few rows, and more than one block of 64 rows; c with ldc = N and ldc > N.
        for (m, ldc) in [(1, N), (7, N + 3), (130, N + 1)] {
            let c = Self.product(matrix, m: m, lda: K, rows: 0..<K, ldc: ldc)
            assertWithinBounds(c, oracle(m: m, lda: K, rows: 0..<K), m: m, ldc: ldc, "M \(m) ldc \(ldc)")
        }
    }

    func testPartOfTheRowsMultipliesOnlyThoseRows() throws {
        let K = Self.K, N = Self.N
        let matrix = try Self.w.withUnsafeBufferPointer { try BF16Matrix($0.baseAddress!, rows: K, columns: N) }
        // GRU's split: the input's first columns against the first rows, the rest against the others.
        for rows in [100..<150, 0..<100, 100..<K] {
            let c = Self.product(matrix, m: 5, lda: K, rows: rows, ldc: N + 2)
            assertWithinBounds(c, oracle(m: 5, lda: K, rows: rows), m: 5, ldc: N + 2, "rows \(rows)")
        }
    }

    func testGatheredColumnsGiveTheirSourceColumns() throws {
        let K = Self.K, N = Self.N, ids: [Int32] = [1, 4, 44]
        let matrix = try Self.w.withUnsafeBufferPointer { try BF16Matrix($0.baseAddress!, rows: K, columns: N) }
        let gathered = matrix.gathering(columns: ids)
        XCTAssertEqual(gathered.columns, ids.count)
        let full = Self.product(matrix, m: 3, lda: K, rows: 0..<K, ldc: N)
        var some = [Float](repeating: 0, count: 3 * ids.count)
        some.withUnsafeMutableBufferPointer { gathered.multiplyAdd(m: 3, a: Self.a, lda: K, c: $0.baseAddress!, ldc: ids.count, scratch: ProductScratch()) }
        let o = oracle(m: 3, lda: K, rows: 0..<K)
        for i in 0..<3 {
            for (k, id) in ids.enumerated() {
                // Both sum the same bf16 terms in f32, so they agree to twice the accumulation bound.
                let e = i * N + Int(id)
                XCTAssertEqual(Double(some[i * ids.count + k]), Double(full[e]) - 1, accuracy: 2 * o.roundedBound[e], "row \(i) id \(id)")
            }
        }
    }

    func testTwoThreadsWithTheirOwnScratchShareOneMatrix() throws {
        let K = Self.K, N = Self.N
        let matrix = try Self.w.withUnsafeBufferPointer { try BF16Matrix($0.baseAddress!, rows: K, columns: N) }
        let alone = Self.product(matrix, m: 70, lda: K, rows: 0..<K, ldc: N)
        let first = BackgroundWork { (0..<20).map { _ in Self.product(matrix, m: 70, lda: K, rows: 0..<K, ldc: N) } }
        let second = BackgroundWork { (0..<20).map { _ in Self.product(matrix, m: 70, lda: K, rows: 0..<K, ldc: N) } }
        let o = oracle(m: 70, lda: K, rows: 0..<K)
        for c in first.wait() + second.wait() {
            for e in alone.indices { XCTAssertEqual(Double(c[e]), Double(alone[e]), accuracy: 2 * o.roundedBound[e]) }
        }
    }
}

/// The nearest bf16 of each value, found from its two bf16 neighbours in Double (ties to the one with an
/// even last bit): the oracle of the products' rounding.
enum BF16Oracle {
    static func rounded(_ x: Float) -> Float {
        guard x.isFinite else { return x }
        let toward = Float(bitPattern: x.bitPattern & 0xFFFF_0000), away = Float(bitPattern: (x.bitPattern & 0xFFFF_0000) &+ 0x1_0000)
        let below = abs(Double(x) - Double(toward)), above = abs(Double(away) - Double(x))
        if below != above { return below < above ? toward : away }
        return (toward.bitPattern >> 16) & 1 == 0 ? toward : away
    }

    static func rounded(_ values: [Float]) -> [Float] { values.map(rounded) }
}
