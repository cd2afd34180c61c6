/// Sums and maxima over Float rows, 16 lanes at a time. A plain `sum += x[i]` loop does not vectorise
/// (floating-point addition is not associative, and Swift keeps the order); SIMD16 accumulators
/// reorder the additions on purpose, which changes results only in the last bits.
public enum Reductions {
    @inlinable
    public static func sum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var acc = SIMD16<Float>(repeating: 0)
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 16 <= n {
            acc += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        var total = acc.sum()
        while i < n { total += x[i]; i += 1 }
        return total
    }

    @inlinable
    public static func maximum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var acc = SIMD16<Float>(repeating: -.infinity)
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 16 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            acc.replace(with: v, where: v .> acc)  // compare and blend: pointwiseMax does not vectorise
            i += 16
        }
        var best = acc.max()
        while i < n { best = Swift.max(best, x[i]); i += 1 }
        return best
    }

    /// Σ x[i]·y[i]
    @inlinable
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count n: Int) -> Float {
        var acc = SIMD16<Float>(repeating: 0)
        var i = 0
        let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
        while i + 16 <= n {
            acc += rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                * ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        var total = acc.sum()
        while i < n { total += x[i] * y[i]; i += 1 }
        return total
    }

    /// Σ x[i]², accumulated in Double per block of 4,096 so that 10⁷ terms stay accurate.
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count n: Int) -> Double {
        var total = 0.0
        var start = 0
        while start < n {
            let m = Swift.min(4096, n - start)
            total += Double(dot(x + start, x + start, count: m))
            start += m
        }
        return total
    }
}
