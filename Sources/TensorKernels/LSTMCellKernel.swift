import CKernels
import Glibc

/// One LSTM step for a batch, fused: the four gates in one pass (STYLE.md, PLATFORM.md).
///
/// Gate blocks in a row of `gates` are i, f, g, o (each H wide):
///     i = σ(zi)  f = σ(zf)  g = tanh(zg)  o = σ(zo)
///     c = f ⊙ c₋ + i ⊙ g        h = o ⊙ tanh(c)
/// A row whose mask is 0 (padding) keeps its previous state: c = c₋, h = h₋.
public enum LSTMCellKernel {
    /// - Parameters:
    ///   - gates: `[B, 4H]`; in: pre-activations z; out: activations (i, f, g, o), which backward reads
    ///   - cPrev, hPrev: `[B, H]` the previous state
    ///   - c, h: `[B, H]` the new state (written)
    ///   - mask: `[B]` 1 for a real position, 0 for padding; nil means all real
    /// Runs the C kernel compiled for this CPU's widest vectors (`nmt_lstm_forward`); `portableForward` is its oracle.
    @inlinable
    public static func forward(batch: Int, hidden: Int, gates: UnsafeMutablePointer<Float>,
                               cPrev: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                               c: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                               mask: UnsafePointer<Float>?) {
        nmt_lstm_forward(Int64(batch), Int64(hidden), gates, cPrev, hPrev, c, h, mask)
    }

    /// The same step in Swift (baseline vectors): the oracle of the C kernel, same arguments and meaning.
    public static func portableForward(batch: Int, hidden: Int, gates: UnsafeMutablePointer<Float>,
                                       cPrev: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                                       c: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                                       mask: UnsafePointer<Float>?) {
        let H = hidden
        for b in 0..<batch {
            let zi = gates + b * 4 * H, zf = zi + H, zg = zf + H, zo = zg + H
            let cp = cPrev + b * H, hp = hPrev + b * H, cn = c + b * H, hn = h + b * H
            if let mask, mask[b] == 0 {
                for j in 0..<H { cn[j] = cp[j]; hn[j] = hp[j] }
                for j in 0..<4 * H { zi[j] = 0 }
                continue
            }
            for j in 0..<H {
                let i = FastMath.sigmoid(zi[j]), f = FastMath.sigmoid(zf[j])
                let g = FastMath.tanh(zg[j]), o = FastMath.sigmoid(zo[j])
                let cell = f * cp[j] + i * g
                zi[j] = i; zf[j] = f; zg[j] = g; zo[j] = o
                cn[j] = cell
                hn[j] = o * FastMath.tanh(cell)
            }
        }
    }

    /// Backward of `forward`. Local derivatives, with tc = tanh(c):
    ///     ∂h/∂o = tc      ∂h/∂c = o(1 − tc²)      ∂c/∂f = c₋   ∂c/∂i = g   ∂c/∂g = i   ∂c/∂c₋ = f
    ///     σ' = σ(1 − σ)   tanh' = 1 − tanh²
    /// A padded row passes its gradients straight to the previous state and has zero gate gradient.
    /// - Parameters:
    ///   - gates: `[B, 4H]` the activations written by forward
    ///   - cPrev: `[B, H]`, c: `[B, H]` the states forward read and wrote
    ///   - dh: `[B, H]` gradient reaching h
    ///   - dc: `[B, H]`; in: gradient reaching c from later steps; out: gradient for c₋
    ///   - dGates: `[B, 4H]` gradient for the pre-activations (written)
    ///   - dhPass: `[B, H]` the part of h₋'s gradient that bypasses the recurrent product (written: dh on padded rows, else 0)
    /// Runs the C kernel compiled for this CPU (`nmt_lstm_backward`); `portableBackward` is its oracle.
    @inlinable
    public static func backward(batch: Int, hidden: Int, gates: UnsafePointer<Float>,
                                cPrev: UnsafePointer<Float>, c: UnsafePointer<Float>,
                                mask: UnsafePointer<Float>?, dh: UnsafePointer<Float>,
                                dc: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>,
                                dhPass: UnsafeMutablePointer<Float>) {
        nmt_lstm_backward(Int64(batch), Int64(hidden), gates, cPrev, c, mask, dh, dc, dGates, dhPass)
    }

    /// The same backward in Swift: the oracle of the C kernel, same arguments and meaning.
    public static func portableBackward(batch: Int, hidden: Int, gates: UnsafePointer<Float>,
                                cPrev: UnsafePointer<Float>, c: UnsafePointer<Float>,
                                mask: UnsafePointer<Float>?, dh: UnsafePointer<Float>,
                                dc: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>,
                                dhPass: UnsafeMutablePointer<Float>) {
        let H = hidden
        for b in 0..<batch {
            let ai = gates + b * 4 * H, af = ai + H, ag = af + H, ao = ag + H
            let di = dGates + b * 4 * H, df = di + H, dg = df + H, dO = dg + H
            let cp = cPrev + b * H, cn = c + b * H, dhb = dh + b * H, dcb = dc + b * H, pass = dhPass + b * H
            if let mask, mask[b] == 0 {
                for j in 0..<H { pass[j] = dhb[j] }
                for j in 0..<4 * H { di[j] = 0 }
                continue
            }
            for j in 0..<H {
                let tc = FastMath.tanh(cn[j])
                let i = ai[j], f = af[j], g = ag[j], o = ao[j]
                let dcTotal = dcb[j] + dhb[j] * o * (1 - tc * tc)
                dO[j] = dhb[j] * tc * o * (1 - o)
                di[j] = dcTotal * g * i * (1 - i)
                df[j] = dcTotal * cp[j] * f * (1 - f)
                dg[j] = dcTotal * i * (1 - g * g)
                dcb[j] = dcTotal * f
                pass[j] = 0
            }
        }
    }
}

/// The simple, unfused LSTM step that the kernel is tested against, in Double with libm.
public enum LSTMCellReference {
    /// - Parameters: z: `[4H]` pre-activations (i, f, g, o); cPrev: `[H]`
    public static func forward(z: [Double], cPrev: [Double], hidden H: Int) -> (c: [Double], h: [Double]) {
        func sigmoid(_ x: Double) -> Double { 1 / (1 + Glibc.exp(-x)) }
        var c = [Double](repeating: 0, count: H), h = c
        for j in 0..<H {
            let i = sigmoid(z[j]), f = sigmoid(z[H + j]), g = Glibc.tanh(z[2 * H + j]), o = sigmoid(z[3 * H + j])
            c[j] = f * cPrev[j] + i * g
            h[j] = o * Glibc.tanh(c[j])
        }
        return (c, h)
    }
}
