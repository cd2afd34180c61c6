import CKernels
import Glibc

/// A fixed-size, 64-byte aligned, zero-initialised Float buffer: the storage of parameters, gradients
/// and per-batch workspaces. A class so that a layer's cache can hand out raw pointers without copies;
/// it is owned by one thread at a time.
///
/// Buffers of 32 MiB and more are anonymous memory maps: the kernel hands out zero pages when they are
/// first touched, so a large buffer that is never written (the gradients of a model loaded only to
/// translate) costs nothing. Smaller ones come from the heap, which reuses pages already faulted in:
/// mapping the per-step workspaces of decoding too (threshold 256 KiB) made beam search 13 % slower.
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>
    private let mappedBytes: Int  // 0: allocated on the heap

    static let mapThreshold = 32 * 1024 * 1024

    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer count \(count) is negative")
        self.count = count
        let bytes = max(count, 1) * 4
        if bytes >= Self.mapThreshold,
           let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), mapped != MAP_FAILED {
            mappedBytes = bytes
            pointer = mapped.bindMemory(to: Float.self, capacity: max(count, 1))  // page-aligned, already zero
        } else {
            mappedBytes = 0
            let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            pointer = raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 1))
        }
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit {
        if mappedBytes > 0 { munmap(pointer, mappedBytes) } else { pointer.deallocate() }
    }

    public subscript(index: Int) -> Float {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public func zero() { pointer.update(repeating: 0, count: count) }

    /// Whether no value is NaN or infinite.
    public var allFinite: Bool {
        UnsafeBufferPointer(start: pointer, count: count).allSatisfy(\.isFinite)
    }

    /// A pointer to row `row` of a row-major view with `columns` columns.
    @inlinable public func row(_ row: Int, columns: Int) -> UnsafeMutablePointer<Float> { pointer + row * columns }
}

/// Small vectorisable helpers over raw rows.
public enum Rows {
    /// dst[j] += src[j] for j in 0..<n
    @inlinable public static func add(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count n: Int) {
        for j in 0..<n { dst[j] += src[j] }
    }

    /// bias[j] += Σ_r m[r, j] for an `[rows, n]` matrix with leading dimension `ld`.
    @inlinable public static func addColumnSums(_ m: UnsafePointer<Float>, rows: Int, columns n: Int, ld: Int,
                                                into bias: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = m + r * ld
            for j in 0..<n { bias[j] += row[j] }
        }
    }

    /// Sets each of `rows` rows of `m` (leading dimension `ld`) to `bias`.
    @inlinable public static func broadcast(_ bias: UnsafePointer<Float>, rows: Int, columns n: Int,
                                            into m: UnsafeMutablePointer<Float>, ld: Int) {
        for r in 0..<rows { (m + r * ld).update(from: bias, count: n) }
    }

    /// Copies an `[rows, n]` block between two leading dimensions.
    @inlinable public static func copy(_ src: UnsafePointer<Float>, ldSource: Int, into dst: UnsafeMutablePointer<Float>,
                                       ldDestination: Int, rows: Int, columns n: Int) {
        for r in 0..<rows { (dst + r * ldDestination).update(from: src + r * ldSource, count: n) }
    }
}

/// Transposed copies, for products that run faster with the other operand layout (PLATFORM.md;
/// `nmt-bench gemm` shows which).
public enum Transpose {
    /// - Parameters: source: `[rows, columns]` row-major
    /// - Returns: `[columns, rows]`, by the C kernel (`referenceCopy` is its oracle)
    public static func copy(_ source: UnsafePointer<Float>, rows: Int, columns: Int) -> FloatBuffer {
        let result = FloatBuffer(count: rows * columns)
        nmt_transpose(Int64(rows), Int64(columns), source, result.pointer)
        return result
    }

    /// The element-by-element loop `copy` is tested against.
    public static func referenceCopy(_ source: UnsafePointer<Float>, rows: Int, columns: Int) -> FloatBuffer {
        let result = FloatBuffer(count: rows * columns)
        for r in 0..<rows { for c in 0..<columns { result[c * rows + r] = source[r * columns + c] } }
        return result
    }
}
