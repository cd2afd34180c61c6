/// A weight W `[K, N]` made once for inference products in reduced precision: `QuantizedMatrix` (int8,
/// its input must lie in [−1, 1]) or `BF16Matrix` (bfloat16, any input). The decoder reads all of them
/// through this one interface: `multiplyAdd` over some of W's rows, and `gathering` W's columns for a
/// vocabulary shortlist.
public protocol ReducedPrecisionMatrix: AnyObject, Sendable {
    var rows: Int { get }  // K
    var columns: Int { get }  // N

    /// c `[M, N]` (leading dimension `ldc`) += a `[M, rows.count]` (leading dimension `lda`) · W[rows, :].
    /// Called by `multiplyAdd`, which has checked the shapes and that M, N and the row count are not 0.
    func accumulate(m: Int, a: UnsafePointer<Float>, lda: Int, rows: Range<Int>, c: UnsafeMutablePointer<Float>, ldc: Int,
                    scratch: ProductScratch)

    /// Columns `ids` of this matrix (a vocabulary shortlist), as their own matrix `[K, ids.count]`.
    func gathering(columns ids: [Int32]) -> any ReducedPrecisionMatrix
}

extension ReducedPrecisionMatrix {
    /// c `[M, N]` (leading dimension `ldc`) += a `[M, count]` · W[first..<first+count, :] (all rows by default).
    /// - Parameters: a: leading dimension `lda`; scratch: the calling thread's (see `ProductScratch`)
    public func multiplyAdd(m: Int, a: UnsafePointer<Float>, lda: Int, firstRow first: Int = 0, count: Int? = nil,
                            c: UnsafeMutablePointer<Float>, ldc: Int, scratch: ProductScratch) {
        let k = count ?? rows - first
        precondition(first >= 0 && k >= 0 && first + k <= rows && lda >= k && ldc >= columns,
                     "multiplyAdd: rows \(first)..<\(first + k) of W [\(rows), \(columns)], lda \(lda), ldc \(ldc)")
        guard m > 0, columns > 0, k > 0 else { return }
        accumulate(m: m, a: a, lda: lda, rows: first..<(first + k), c: c, ldc: ldc, scratch: scratch)
    }
}

/// The per-thread room that reduced-precision products need: the input converted to the weight's format,
/// a second area (int8: the integer products; bf16: oneDNN's scratchpad), each grown to the largest
/// product and reused, and the oneDNN stream that bf16 products run on. Use it from one thread at a time.
public final class ProductScratch {
    private var inputArea = ScratchArea(), outputArea = ScratchArea()
    private var oneDNNStream: OneDNNStream?

    public init() {}

    deinit { inputArea.deallocate(); outputArea.deallocate() }

    /// Room for `count` values of the converted input.
    func input<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> { inputArea.reserve(type, count: count) }

    /// Room for `count` values of the second area.
    func output<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> { outputArea.reserve(type, count: count) }

    /// This thread's oneDNN stream, made at its first bf16 product.
    var stream: OneDNNStream {
        if let oneDNNStream { return oneDNNStream }
        let made = OneDNNStream()
        oneDNNStream = made
        return made
    }
}

/// A 64-byte aligned block that grows to the largest request.
private struct ScratchArea {
    private var pointer = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
    private var bytes = 64

    mutating func reserve<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let needed = max(count * MemoryLayout<T>.stride, 1)
        if needed > bytes {
            pointer.deallocate()
            pointer = .allocate(byteCount: needed, alignment: 64)
            bytes = needed
        }
        return pointer.bindMemory(to: type, capacity: count)
    }

    func deallocate() { pointer.deallocate() }
}
