import CDNNL
import CKernels
import Synchronization

/// A weight `[K, N]` in bfloat16 for inference products: rounded once from f32 (to nearest, ties to
/// even), reordered once into the blocked layout oneDNN's matmul primitive reads fastest, and multiplied
/// by the input rounded to bf16 per call, accumulating in f32 (AVX512-BF16's `vdpbf16ps`).
///
/// Error per product entry: each factor is off by at most 2⁻⁸ of itself (8 significant bits), so a term
/// by at most (2⁻⁷ + 2⁻¹⁶)·|a||w|, and the entry by at most (2⁻⁷ + 2⁻¹⁶ + K·2⁻²⁴)·Σ_k |a_k||w_kj| (the
/// last part: f32 accumulation); `testBF16ProductAgainstF32` checks that bound.
///
/// Why this path: `dnnl_gemm_bf16bf16f32` is not in oneDNN 2.6's C API, and an f32 matmul allowed to
/// compute in bf16 (`dnnl_fpmath_mode_bf16`) ran without the bf16 instructions and slower than sgemm.
/// µs per product on the Zen 5, one thread, bf16 input made outside the timing (a throwaway C program,
/// shared machine, so ±20 %):
///
/// | [M, K]·[K, N]            | M   | sgemm f32 | runtime M, plain W | fixed M, plain W | fixed M, packed W |
/// |--------------------------|-----|-----------|--------------------|------------------|-------------------|
/// | recurrent 1024×2048      | 1   | 133       | 71                 | 215              | **55**            |
/// |                          | 5   | 214       | 230                | 264              | **59**            |
/// |                          | 40  | 940       | 580                | 586              | **404**           |
/// |                          | 160 | 3549      | **1709**           | 2027             | 1835              |
/// | output 512×5834          | 1   | 140       | **74**             | 198              | 75                |
/// |                          | 5   | 270       | 296                | 246              | **92**            |
/// |                          | 40  | 1484      | 870                | 1004             | **645**           |
/// |                          | 160 | 5199      | **2900**           | 3380             | 2990              |
///
/// A runtime M (`DNNL_RUNTIME_DIM_VAL`) gets oneDNN's gemm-based matmul, a fixed M its brgemm kernels,
/// which read the weights in tiles of 16×64×2 (the same layout for every M). So there is one primitive
/// per (rows of W, M, ldc, OpenMP team size), made on first use (about 80 µs, once) and kept; the
/// weights are packed once per row range. More than 64 input rows run in blocks of 64 (`rowBlock`): as
/// fast per row (`nmt-bench products`), and a primitive and its kernels (about 20 kB) for at most 64
/// values of M instead of one per beam-row count. Partial K (`firstRow`/`count`, GRU's split) packs
/// that range of rows on its own.
public final class BF16Matrix: ReducedPrecisionMatrix, @unchecked Sendable {
    public let rows: Int, columns: Int  // K, N
    private let values: UnsafeMutablePointer<UInt16>  // [K, N] bf16 row-major: what the packs and gathering read
    private let prepared = Mutex(Prepared())

    /// Whether this CPU has AVX512-BF16 as oneDNN sees it (lower it with `ONEDNN_MAX_CPU_ISA`). Without it
    /// oneDNN would emulate bf16, slower than f32.
    public static var isSupported: Bool { OneDNN.includes(OneDNN.isa, dnnl_cpu_isa_avx512_core_bf16) }

    public static func checkSupport() throws(ReducedPrecisionError) {
        guard isSupported else {
            throw .unsupportedCPU(precision: "bf16", feature: "AVX512-BF16 (avx512_bf16 in /proc/cpuinfo)", found: OneDNN.name(OneDNN.isa))
        }
    }

    /// Rounds `weight` `[rows, columns]` row-major to bf16 and packs it; throws where the CPU lacks
    /// AVX512-BF16 or oneDNN cannot make the product.
    public init(_ weight: UnsafePointer<Float>, rows: Int, columns: Int) throws(ReducedPrecisionError) {
        try Self.checkSupport()
        self.rows = rows; self.columns = columns
        values = .allocate(capacity: max(rows * columns, 1))
        nmt_round_bf16(Int64(rows), Int64(columns), weight, Int64(columns), values)
        try prepareAllRows()
    }

    /// Columns `ids` of `source` (a vocabulary shortlist), as their own matrix.
    public init(gathering source: BF16Matrix, columns ids: [Int32]) {
        rows = source.rows; columns = ids.count
        values = .allocate(capacity: max(rows * columns, 1))
        for r in 0..<rows {
            let from = source.values + r * source.columns, to = values + r * columns
            for (k, id) in ids.enumerated() { to[k] = from[Int(id)] }
        }
        do { try prepareAllRows() } catch { preconditionFailure("packing the gathered bf16 columns: \(error)") }
    }

    deinit { values.deallocate() }

    /// The bf16 bits of each value, rounded as the products round their weights and inputs.
    public static func rounding(_ values: [Float]) -> [UInt16] {
        var bits = [UInt16](repeating: 0, count: values.count)
        guard !values.isEmpty else { return bits }
        values.withUnsafeBufferPointer { from in
            bits.withUnsafeMutableBufferPointer { nmt_round_bf16(1, Int64(values.count), from.baseAddress!, Int64(values.count), $0.baseAddress!) }
        }
        return bits
    }

    public func gathering(columns ids: [Int32]) -> any ReducedPrecisionMatrix { BF16Matrix(gathering: self, columns: ids) }

    /// The most input rows one primitive takes: more are run in blocks of this many.
    static let rowBlock = 64

    /// c += a · W[rows, :]: a rounded to bf16 into the scratch, then the primitive for each block of rows.
    public func accumulate(m: Int, a: UnsafePointer<Float>, lda: Int, rows range: Range<Int>, c: UnsafeMutablePointer<Float>,
                           ldc: Int, scratch: ProductScratch) {
        let k = range.count, input = scratch.input(UInt16.self, count: m * k)
        nmt_round_bf16(Int64(m), Int64(k), a, Int64(lda), input)
        for first in stride(from: 0, to: m, by: Self.rowBlock) {
            let block = min(Self.rowBlock, m - first)
            let product: (weights: PackedWeights, primitive: MatmulPrimitive)
            do { product = try self.product(m: block, rows: range, ldc: ldc) } catch {
                preconditionFailure("the bf16 product W[\(range), :] of [\(rows), \(columns)] at M \(block): \(error)")
            }
            product.primitive.run(source: input + first * k, weights: product.weights.storage, destination: c + first * ldc,
                                  scratch: scratch)
        }
    }

    /// Packs all rows and makes the one-row product, so that a failure shows when the model is prepared.
    private func prepareAllRows() throws(ReducedPrecisionError) {
        guard rows > 0, columns > 0 else { return }
        _ = try product(m: 1, rows: 0..<rows, ldc: columns)
    }

    /// The packed rows and the primitive for M rows of input into c with leading dimension ldc, made on
    /// first use. The first primitive of a row range chooses the layout; the later ones read that layout.
    private func product(m: Int, rows range: Range<Int>, ldc: Int) throws(ReducedPrecisionError) -> (PackedWeights, MatmulPrimitive) {
        // A primitive plans its work split and scratchpad for the OpenMP team of the thread that makes it
        // (oneDNN's own primitive cache keys on it too), so each team size gets its own.
        let key = Prepared.Key(rows: range, m: m, ldc: ldc, threads: GEMM.threadsOfThisThread)
        let (k, n, first) = (range.count, columns, range.lowerBound)
        return try prepared.withLock { (state: inout Prepared) throws(ReducedPrecisionError) -> (PackedWeights, MatmulPrimitive) in
            if let weights = state.packs[range] {
                if let primitive = state.primitives[key] { return (weights, primitive) }
                let primitive = try MatmulPrimitive(m: m, k: k, n: n, ldc: ldc, weights: weights.layout)
                state.primitives[key] = primitive
                return (weights, primitive)
            }
            let primitive = try MatmulPrimitive(m: m, k: k, n: n, ldc: ldc, weights: nil)
            let weights = try PackedWeights(values + first * n, rows: k, columns: n, layout: primitive.weights)
            state.packs[range] = weights
            state.primitives[key] = primitive
            return (weights, primitive)
        }
    }
}

/// What a `BF16Matrix` has made so far: packed row ranges, and primitives by shape.
private struct Prepared {
    struct Key: Hashable {
        let rows: Range<Int>, m: Int, ldc: Int, threads: Int
    }

    var packs: [Range<Int>: PackedWeights] = [:]
    var primitives: [Key: MatmulPrimitive] = [:]
}
