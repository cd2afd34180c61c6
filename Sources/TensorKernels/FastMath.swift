import CKernels
import Glibc

/// Vectorisable elementwise math. Glibc's `tanhf`/`expf` cost about 10 ns per element and stop
/// vectorisation (PLATFORM.md); these rational and polynomial forms run at about 1 ns and are tested
/// against Double.
public enum FastMath {
    /// tanh as an odd degree-13 over even degree-6 rational function after clamping to ±7.9053
    /// (where tanh is 1 in Float). Max error about 4e-7 (tested).
    @inlinable @inline(__always)
    public static func tanh(_ input: Float) -> Float {
        let x = min(max(input, -7.905_311_1), 7.905_311_1)
        let x2 = x * x
        var p: Float = -2.760_768_5e-16
        p = p * x2 + 2.000_187_9e-13
        p = p * x2 + -8.604_671_5e-11
        p = p * x2 + 5.122_297_1e-08
        p = p * x2 + 1.485_722_4e-05
        p = p * x2 + 6.372_619_3e-04
        p = p * x2 + 4.893_524_6e-03
        p = p * x
        var q: Float = 1.198_258_4e-06
        q = q * x2 + 1.185_347_1e-04
        q = q * x2 + 2.268_434_6e-03
        q = q * x2 + 4.893_525_2e-03
        return p / q
    }

    /// σ(x) = ½·tanh(½x) + ½.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 0.5 * tanh(0.5 * x) + 0.5 }

    /// e^x = 2^n · e^r with n = round(x·log₂e), |r| ≤ ½ln2 and a degree-6 polynomial; relative error
    /// below 2e-7. n is rounded with the 1.5·2²³ trick and 2^n built from its bits with wrapping integer
    /// operations, so loops over this function vectorise. Below −87.3 it returns 0; NaN gives NaN.
    @inlinable @inline(__always)
    public static func exp(_ input: Float) -> Float {
        let x = Swift.min(Swift.max(input, -87.3), 88.3)
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p: Float = 1.987_569_1e-4
        p = p * r + 1.398_199_9e-3
        p = p * r + 8.333_452e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 0.166_666_65
        p = p * r + 0.5
        p = p * r * r + r + 1
        let bits = (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
        let result = p * Float(bitPattern: bits)
        return input.isNaN ? input : (input < -87.3 ? 0 : result)
    }

    /// Natural log (called once per row, so Glibc's speed is fine).
    @inlinable
    public static func log(_ x: Float) -> Float { Glibc.logf(x) }

    /// x = tanh(x) over `count` values, by the C kernel compiled for this CPU (`nmt_tanh`); the scalar
    /// `tanh` above is its oracle.
    @inlinable
    public static func tanh(count: Int, values: UnsafeMutablePointer<Float>) { nmt_tanh(Int64(count), values) }
}
