import CKernels
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

    /// One step on `store`'s gradients multiplied by `gradientScale` (the clipping factor), by the C kernel
    /// on both cores (`nmt_adam_update`); with `zeroGradients` it also zeroes the gradients in the same pass.
    public func update(_ store: ParameterStore, learningRate: Float, gradientScale: Float = 1, zeroGradients: Bool = false) {
        precondition(store.count == m.count, "Adam sized for \(m.count) parameters, store has \(store.count)")
        let (stepSize, c2) = nextStep(learningRate: learningRate)
        nmt_adam_update(Int64(store.count), store.values.pointer, store.gradients.pointer, m.pointer, v.pointer,
                        beta1, beta2, stepSize, c2, epsilon, gradientScale, zeroGradients ? 1 : 0)
    }

    /// Counts the step; returns lr / (1 − β₁ᵗ) and 1 / √(1 − β₂ᵗ).
    private func nextStep(learningRate: Float) -> (Float, Float) {
        step += 1
        let correction1 = 1 - Float(pow(Double(beta1), Double(step)))
        let correction2 = 1 - Float(pow(Double(beta2), Double(step)))
        return (learningRate / correction1, 1 / correction2.squareRoot())
    }

    /// The same step in Swift, one parameter at a time: the oracle of the C kernel.
    public func referenceUpdate(_ store: ParameterStore, learningRate: Float, gradientScale: Float = 1) {
        precondition(store.count == m.count, "Adam sized for \(m.count) parameters, store has \(store.count)")
        let (stepSize, c2) = nextStep(learningRate: learningRate)
        let b1 = beta1, b2 = beta2, eps = epsilon
        let w = store.values.pointer, g = store.gradients.pointer, mm = m.pointer, vv = v.pointer
        for i in 0..<store.count {
            let gi = g[i] * gradientScale
            mm[i] = b1 * mm[i] + (1 - b1) * gi
            vv[i] = b2 * vv[i] + (1 - b2) * gi * gi
            w[i] -= stepSize * mm[i] / (vv[i].squareRoot() * c2 + eps)
        }
    }
}

/// The global L2 norm of the gradients and the factor that scales it down to at most `maxNorm`.
public enum GradientClipping {
    /// The gradients' L2 norm, by the C kernel on both cores (`nmt_sum_of_squares`).
    public static func norm(_ store: ParameterStore) -> Float {
        Float(nmt_sum_of_squares(Int64(store.count), store.gradients.pointer).squareRoot())
    }

    /// maxNorm / norm when the norm exceeds a positive maxNorm, else 1.
    public static func scale(norm: Float, maxNorm: Float) -> Float {
        maxNorm > 0 && norm > maxNorm ? maxNorm / norm : 1
    }

    /// Scales all gradients so that their global L2 norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    public static func clip(_ store: ParameterStore, maxNorm: Float) -> Float {
        let norm = norm(store), factor = scale(norm: norm, maxNorm: maxNorm)
        if factor != 1 { for i in 0..<store.count { store.gradients[i] *= factor } }
        return norm
    }
}
