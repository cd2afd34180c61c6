import Glibc
import TensorKernels
import Seq2SeqModel

/// Adam (Kingma & Ba) over the flat parameter buffer, in one loop:
///     m ← β₁m + (1 − β₁)g     v ← β₂v + (1 − β₂)g²
///     w ← w − lr · m̂ / (√v̂ + ε)   with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)
public final class Adam {
    public let beta1: Float, beta2: Float, epsilon: Float
    public let m: FloatBuffer, v: FloatBuffer
    public var step: Int = 0

    public init(count: Int, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        m = FloatBuffer(count: count)
        v = FloatBuffer(count: count)
    }

    public func update(_ store: ParameterStore, learningRate: Float) {
        precondition(store.count == m.count, "Adam sized for \(m.count) parameters, store has \(store.count)")
        step += 1
        let correction1 = 1 - Float(pow(Double(beta1), Double(step)))
        let correction2 = 1 - Float(pow(Double(beta2), Double(step)))
        let stepSize = learningRate / correction1, b1 = beta1, b2 = beta2, eps = epsilon
        let w = store.values.pointer, g = store.gradients.pointer, mm = m.pointer, vv = v.pointer
        let c2 = 1 / correction2.squareRoot()
        // 16 lanes at a time with explicit SIMD: the compiler cannot prove the four buffers distinct.
        let lanes = 16, n = store.count
        var i = 0
        while i + lanes <= n {
            let gi = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD16<Float>.self)
            var mi = UnsafeRawPointer(mm + i).loadUnaligned(as: SIMD16<Float>.self)
            var vi = UnsafeRawPointer(vv + i).loadUnaligned(as: SIMD16<Float>.self)
            var wi = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD16<Float>.self)
            mi = b1 * mi + (1 - b1) * gi
            vi = b2 * vi + (1 - b2) * gi * gi
            wi -= stepSize * mi / (vi.squareRoot() * c2 + eps)
            UnsafeMutableRawPointer(mm + i).storeBytes(of: mi, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(vv + i).storeBytes(of: vi, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(w + i).storeBytes(of: wi, as: SIMD16<Float>.self)
            i += lanes
        }
        while i < n {
            mm[i] = b1 * mm[i] + (1 - b1) * g[i]
            vv[i] = b2 * vv[i] + (1 - b2) * g[i] * g[i]
            w[i] -= stepSize * mm[i] / (vv[i].squareRoot() * c2 + eps)
            i += 1
        }
    }
}

/// Scales all gradients so that their global L2 norm is at most `maxNorm`; returns the norm before.
public enum GradientClipping {
    @discardableResult
    public static func clip(_ store: ParameterStore, maxNorm: Float) -> Float {
        let g = store.gradients.pointer
        let sum = Reductions.sumOfSquares(g, count: store.count)
        let norm = Float(sum.squareRoot())
        if maxNorm > 0, norm > maxNorm {
            let scale = maxNorm / norm
            for i in 0..<store.count { g[i] *= scale }
        }
        return norm
    }
}
