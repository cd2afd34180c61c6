import Glibc

/// One GRU step for a batch, fused, in the formulation of Cho et al. (2014) as PyTorch and cuDNN use it:
///     r = σ(x_r + h_r)      z = σ(x_z + h_z)      n = tanh(x_n + r ⊙ h_n)
///     h = (1 − z) ⊙ n + z ⊙ h₋
/// where `x_* = x·W_x* + b_x*` (one GEMM over all time steps) and `h_* = h₋·W_h* + b_h*` (per step). The
/// reset gate scales the recurrent part of n only, which is why the two products stay apart.
/// Gate blocks in a row are r, z, n (each H wide). A row whose mask is 0 (padding) keeps h = h₋.
public enum GRUCellKernel {
    /// - Parameters:
    ///   - gates: `[B, 3H]`; in: x·Wx + b_x; out: activations (r, z, n), which backward reads
    ///   - recurrent: `[B, 3H]` h₋·Wh + b_h (read; backward reads its n block again)
    ///   - hPrev: `[B, H]`; h: `[B, H]` the new state (written)
    ///   - mask: `[B]` 1 for a real position, 0 for padding; nil means all real
    public static func forward(batch: Int, hidden: Int, gates: UnsafeMutablePointer<Float>,
                               recurrent: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                               h: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?) {
        let H = hidden
        for b in 0..<batch {
            let xr = gates + b * 3 * H, xz = xr + H, xn = xz + H
            let hr = recurrent + b * 3 * H, hz = hr + H, hn = hz + H
            let hp = hPrev + b * H, out = h + b * H
            if let mask, mask[b] == 0 {
                for j in 0..<H { out[j] = hp[j] }
                for j in 0..<3 * H { xr[j] = 0 }
                continue
            }
            for j in 0..<H {
                let r = FastMath.sigmoid(xr[j] + hr[j]), z = FastMath.sigmoid(xz[j] + hz[j])
                let n = FastMath.tanh(xn[j] + r * hn[j])
                xr[j] = r; xz[j] = z; xn[j] = n
                out[j] = (1 - z) * n + z * hp[j]
            }
        }
    }

    /// Backward of `forward`. Local derivatives:
    ///     ∂h/∂n = 1 − z     ∂h/∂z = h₋ − n     ∂h/∂h₋ = z (directly; the rest flows through the products)
    ///     ∂n/∂(pre_n) = 1 − n², pre_n = x_n + r ⊙ h_n:  ∂/∂x_n = 1, ∂/∂h_n = r, ∂/∂r = h_n
    ///     σ' = σ(1 − σ)
    /// - Parameters:
    ///   - gates: `[B, 3H]` activations from forward; recurrent: `[B, 3H]` as forward read it
    ///   - dh: `[B, H]` gradient reaching h
    ///   - dGates: `[B, 3H]` gradient for x·Wx + b_x (written)
    ///   - dRecurrent: `[B, 3H]` gradient for h₋·Wh + b_h (written)
    ///   - dhPass: `[B, H]` the part of h₋'s gradient that bypasses the products (written)
    public static func backward(batch: Int, hidden: Int, gates: UnsafePointer<Float>, recurrent: UnsafePointer<Float>,
                                hPrev: UnsafePointer<Float>, mask: UnsafePointer<Float>?, dh: UnsafePointer<Float>,
                                dGates: UnsafeMutablePointer<Float>, dRecurrent: UnsafeMutablePointer<Float>,
                                dhPass: UnsafeMutablePointer<Float>) {
        let H = hidden
        for b in 0..<batch {
            let ar = gates + b * 3 * H, az = ar + H, an = az + H, hn = recurrent + b * 3 * H + 2 * H
            let dxr = dGates + b * 3 * H, dxz = dxr + H, dxn = dxz + H
            let dhr = dRecurrent + b * 3 * H, dhz = dhr + H, dhn = dhz + H
            let hp = hPrev + b * H, d = dh + b * H, pass = dhPass + b * H
            if let mask, mask[b] == 0 {
                for j in 0..<H { pass[j] = d[j] }
                for j in 0..<3 * H { dxr[j] = 0; dhr[j] = 0 }
                continue
            }
            for j in 0..<H {
                let r = ar[j], z = az[j], n = an[j]
                let dnPre = d[j] * (1 - z) * (1 - n * n)
                let dzPre = d[j] * (hp[j] - n) * z * (1 - z)
                let drPre = dnPre * hn[j] * r * (1 - r)
                dxr[j] = drPre; dxz[j] = dzPre; dxn[j] = dnPre
                dhr[j] = drPre; dhz[j] = dzPre; dhn[j] = dnPre * r
                pass[j] = d[j] * z
            }
        }
    }
}

/// The simple GRU step that the kernel is tested against, in Double with libm.
public enum GRUCellReference {
    /// - Parameters: x, hr: `[3H]` the input and recurrent pre-activations (r, z, n); hPrev: `[H]`
    public static func forward(x: [Double], recurrent: [Double], hPrev: [Double], hidden H: Int) -> [Double] {
        func sigmoid(_ v: Double) -> Double { 1 / (1 + Glibc.exp(-v)) }
        return (0..<H).map { j in
            let r = sigmoid(x[j] + recurrent[j]), z = sigmoid(x[H + j] + recurrent[H + j])
            let n = Glibc.tanh(x[2 * H + j] + r * recurrent[2 * H + j])
            return (1 - z) * n + z * hPrev[j]
        }
    }
}
