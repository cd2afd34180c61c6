import Glibc

/// One step of the plain (Elman) recurrent network for a batch: `h = tanh(x·Wx + b + h₋·Wh)`.
/// The pre-activation arrives whole in `gates` (the input GEMM over all steps plus the recurrent GEMM of
/// this step); a row whose mask is 0 (padding) keeps h = h₋.
public enum RNNCellKernel {
    /// - Parameters:
    ///   - gates: `[B, H]`; in: the pre-activation; out: the activation tanh(·), which backward reads
    ///   - hPrev: `[B, H]`; h: `[B, H]` the new state (written)
    ///   - mask: `[B]` 1 for a real position, 0 for padding; nil means all real
    public static func forward(batch: Int, hidden: Int, gates: UnsafeMutablePointer<Float>,
                               hPrev: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?) {
        let H = hidden
        for b in 0..<batch {
            let g = gates + b * H, hp = hPrev + b * H, out = h + b * H
            if let mask, mask[b] == 0 {
                for j in 0..<H { out[j] = hp[j]; g[j] = 0 }
                continue
            }
            for j in 0..<H {
                let a = FastMath.tanh(g[j])
                g[j] = a
                out[j] = a
            }
        }
    }

    /// Backward of `forward`: ∂h/∂pre = 1 − h². A padded row passes dh straight to h₋.
    /// - Parameters:
    ///   - gates: `[B, H]` the activations from forward; dh: `[B, H]` gradient reaching h
    ///   - dGates: `[B, H]` gradient for the pre-activation (written)
    ///   - dhPass: `[B, H]` the part of h₋'s gradient that bypasses the recurrent product (written)
    public static func backward(batch: Int, hidden: Int, gates: UnsafePointer<Float>, mask: UnsafePointer<Float>?,
                                dh: UnsafePointer<Float>, dGates: UnsafeMutablePointer<Float>,
                                dhPass: UnsafeMutablePointer<Float>) {
        let H = hidden
        for b in 0..<batch {
            let a = gates + b * H, d = dh + b * H, dg = dGates + b * H, pass = dhPass + b * H
            let real = mask.map { $0[b] != 0 } ?? true
            for j in 0..<H {
                dg[j] = real ? d[j] * (1 - a[j] * a[j]) : 0
                pass[j] = real ? 0 : d[j]
            }
        }
    }
}

/// The simple RNN step the kernel is tested against, in Double with libm.
public enum RNNCellReference {
    public static func forward(preActivation: [Double]) -> [Double] { preActivation.map { Glibc.tanh($0) } }
}
