import CKernels

/// The inner loops of attention, by C kernels compiled for this CPU's widest vectors; the
/// `portable…` twins are their test oracles.
public enum AttentionKernels {
    /// e_j = v · tanh(q + K_j) for j < length; K_j starts at `keys + j·keyStride`; q, v, K_j have `size` entries.
    @inlinable
    public static func additiveScores(length: Int, size: Int, query: UnsafePointer<Float>, keys: UnsafePointer<Float>,
                                      keyStride: Int, v: UnsafePointer<Float>, scores: UnsafeMutablePointer<Float>) {
        nmt_additive_scores(Int64(length), Int64(size), query, keys, Int64(keyStride), v, scores)
    }

    /// context = Σ_{j < length} weights[j] · M_j, with M_j at `values + j·valueStride` (`width` entries).
    @inlinable
    public static func weightedSum(length: Int, width: Int, weights: UnsafePointer<Float>, values: UnsafePointer<Float>,
                                   valueStride: Int, into context: UnsafeMutablePointer<Float>) {
        nmt_weighted_sum(Int64(length), Int64(width), weights, values, Int64(valueStride), context)
    }

    /// Backward of `additiveScores` given dScores de_j (j < length), with u_j = tanh(q + K_j):
    /// dV += Σ_j de_j u_j, dQuery += Σ_j de_j v ⊙ (1 − u_j²), and the same term added to the row of dKeys at
    /// `dKeys + j·keyStride`.
    @inlinable
    public static func additiveBackward(length: Int, size: Int, query: UnsafePointer<Float>, keys: UnsafePointer<Float>,
                                        keyStride: Int, v: UnsafePointer<Float>, dScores: UnsafePointer<Float>,
                                        dQuery: UnsafeMutablePointer<Float>, dKeys: UnsafeMutablePointer<Float>,
                                        dV: UnsafeMutablePointer<Float>) {
        nmt_additive_backward(Int64(length), Int64(size), query, keys, Int64(keyStride), v, dScores, dQuery, dKeys, dV)
    }

    public static func portableAdditiveBackward(length: Int, size: Int, query: UnsafePointer<Float>, keys: UnsafePointer<Float>,
                                                keyStride: Int, v: UnsafePointer<Float>, dScores: UnsafePointer<Float>,
                                                dQuery: UnsafeMutablePointer<Float>, dKeys: UnsafeMutablePointer<Float>,
                                                dV: UnsafeMutablePointer<Float>) {
        for j in 0..<length {
            for a in 0..<size {
                let u = FastMath.tanh(query[a] + keys[j * keyStride + a])
                let pre = dScores[j] * v[a] * (1 - u * u)
                dV[a] += dScores[j] * u
                dQuery[a] += pre
                dKeys[j * keyStride + a] += pre
            }
        }
    }

    public static func portableAdditiveScores(length: Int, size: Int, query: UnsafePointer<Float>, keys: UnsafePointer<Float>,
                                              keyStride: Int, v: UnsafePointer<Float>, scores: UnsafeMutablePointer<Float>) {
        for j in 0..<length {
            var total: Float = 0
            for a in 0..<size { total += v[a] * FastMath.tanh(query[a] + keys[j * keyStride + a]) }
            scores[j] = total
        }
    }

    public static func portableWeightedSum(length: Int, width: Int, weights: UnsafePointer<Float>, values: UnsafePointer<Float>,
                                           valueStride: Int, into context: UnsafeMutablePointer<Float>) {
        for i in 0..<width { context[i] = 0 }
        for j in 0..<length { for i in 0..<width { context[i] += weights[j] * values[j * valueStride + i] } }
    }
}
