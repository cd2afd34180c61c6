import CDNNL
import CKernels

/// A weight `[K, N]` in 8 bits for inference products whose input lies in [−1, 1] (tanh outputs, recurrent
/// states): each column j keeps its scale s_j = max_k |W_kj| / 127 and q_kj = round(W_kj / s_j); the input
/// is quantized with the fixed scale 1/127. Then `input·W ≈ (q_a·q_W) · s_j / 127`, computed by oneDNN's
/// `dnnl_gemm_u8s8s32` (VNNI where the CPU has it). Error per product entry: at most about
/// K · max|W_·j| / 127 (both roundings), typically far less (they cancel); `testQuantizedProductAgainstF32`.
public final class QuantizedMatrix: ReducedPrecisionMatrix, @unchecked Sendable {
    public let rows: Int, columns: Int  // K, N
    let values: UnsafeMutablePointer<Int8>  // [K, N]
    /// s_j / 127: what one unit of q_a·q_W is worth in column j.
    let unit: FloatBuffer  // [N]

    /// Quantizes `weight` `[rows, columns]` row-major.
    public init(_ weight: UnsafePointer<Float>, rows: Int, columns: Int) {
        self.rows = rows; self.columns = columns
        values = .allocate(capacity: max(rows * columns, 1))
        unit = FloatBuffer(count: columns)
        for j in 0..<columns {
            var largest: Float = 0
            for k in 0..<rows { largest = max(largest, abs(weight[k * columns + j])) }
            let scale = largest > 0 ? largest / 127 : 1
            unit[j] = scale / 127
            for k in 0..<rows { values[k * columns + j] = Int8((weight[k * columns + j] / scale).rounded()) }
        }
    }

    /// Columns `ids` of this matrix (a vocabulary shortlist), as their own matrix.
    public init(gathering source: QuantizedMatrix, columns ids: [Int32]) {
        rows = source.rows; columns = ids.count
        values = .allocate(capacity: max(rows * columns, 1))
        unit = FloatBuffer(count: columns)
        for (k, id) in ids.enumerated() {
            unit[k] = source.unit[Int(id)]
            for r in 0..<rows { values[r * columns + k] = source.values[r * source.columns + Int(id)] }
        }
    }

    deinit { values.deallocate() }

    public func gathering(columns ids: [Int32]) -> any ReducedPrecisionMatrix { QuantizedMatrix(gathering: self, columns: ids) }

    /// c += a · W[rows, :] with a in [−1, 1]: the input quantized into the scratch, the integer products
    /// into its second area, then scaled and added.
    public func accumulate(m: Int, a: UnsafePointer<Float>, lda: Int, rows range: Range<Int>, c: UnsafeMutablePointer<Float>,
                           ldc: Int, scratch: ProductScratch) {
        let k = range.count, n = columns
        let input = scratch.input(UInt8.self, count: m * k), products = scratch.output(Int32.self, count: m * n)
        nmt_quantize_unit(Int64(m), Int64(k), a, Int64(lda), input)
        var offset: Int32 = 0
        let status = dnnl_gemm_u8s8s32(78, 78, 70, Int64(m), Int64(n), Int64(k), 1, input, Int64(k), 128,
                                       values + range.lowerBound * n, Int64(n), 0, 0, products, Int64(n), &offset)
        precondition(status == dnnl_success, "dnnl_gemm_u8s8s32 failed (status \(status.rawValue)) for M \(m) N \(n) K \(k)")
        nmt_dequantize_add(Int64(m), Int64(n), products, unit.pointer, c, Int64(ldc))
    }
}
