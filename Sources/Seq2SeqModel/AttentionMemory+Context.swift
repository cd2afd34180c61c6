import TensorKernels

/// The parts every score function shares, on the memory they read: the masked softmax and the context
///     α = softmax(e) over the real positions j < len (padding gets exactly 0)      ctx = Σ_j α_j M_j
/// and their backward, which turns dctx into the gradient of the scores e.
extension AttentionMemory {
    /// Scores in `alpha` become weights; the context of each row is written.
    /// - Parameters: alpha: `[R, S]` scores e for j < len (in), weights α (out); context: `[R, ≥2H]`, stride `contextStride`
    func softmaxAndContext(rows R: Int, source: UnsafePointer<Int32>, alpha: UnsafeMutablePointer<Float>,
                           context: UnsafeMutablePointer<Float>, contextStride: Int) {
        let S = steps, W = width
        let rowLengths = (0..<R).map { lengths[Int(source[$0])] }
        SoftmaxKernel.maskedSoftmax(rows: R, columns: S, stride: S, scores: alpha, lengths: rowLengths)
        for r in 0..<R {
            let b = Int(source[r])
            AttentionKernels.weightedSum(length: Int(lengths[b]), width: W, weights: alpha + r * S,
                                         values: values.pointer + row(0, b) * W, valueStride: batch * W,
                                         into: context + r * contextStride)
        }
    }

    /// Backward of `softmaxAndContext`:
    ///     dα_j = dctx·M_j      dM_j += α_j dctx      de_j = α_j (dα_j − Σ_k α_k dα_k)
    /// - Parameters: dContext: `[R, ≥2H]` stride `dContextStride`; dValues: `[S·B, 2H]` accumulated;
    ///   dScores: `[R, S]` de (written for j < len)
    func backwardSoftmaxAndContext(rows R: Int, source: UnsafePointer<Int32>, alpha: UnsafePointer<Float>,
                                   dContext: UnsafePointer<Float>, dContextStride: Int,
                                   dValues: UnsafeMutablePointer<Float>, dScores: UnsafeMutablePointer<Float>) {
        let S = steps, W = width
        for r in 0..<R {
            let b = Int(source[r]), n = Int(lengths[b]), weights = alpha + r * S, dctx = dContext + r * dContextStride
            let de = dScores + r * S
            var weighted: Float = 0
            for j in 0..<n {
                let m = values.pointer + row(j, b) * W, dm = dValues + row(j, b) * W, w = weights[j]
                let d = Reductions.dot(dctx, m, count: W)
                for i in 0..<W { dm[i] += w * dctx[i] }
                de[j] = d
                weighted += w * d
            }
            for j in 0..<n { de[j] = weights[j] * (de[j] - weighted) }
        }
    }

    /// The backward shared by every score function: the softmax-and-context backward gives de, then
    /// `score(q, K_0, dq, dK_0, de, length)` adds one row's part to dq `[A]` (zeroed first) and to the rows
    /// dK_j `[A]` of its sentence, j < length (row j at `K_0 + j·B·A`, as for dK; B the batch).
    func backwardScores(rows R: Int, size A: Int, query: UnsafePointer<Float>, source: UnsafePointer<Int32>,
                        alpha: UnsafePointer<Float>, dContext: UnsafePointer<Float>, dContextStride: Int,
                        dQuery: UnsafeMutablePointer<Float>, dKeys: UnsafeMutablePointer<Float>,
                        dValues: UnsafeMutablePointer<Float>,
                        _ score: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>,
                                  UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void) {
        let dScores = FloatBuffer(count: R * steps)
        backwardSoftmaxAndContext(rows: R, source: source, alpha: alpha, dContext: dContext, dContextStride: dContextStride,
                                  dValues: dValues, dScores: dScores.pointer)
        for r in 0..<R {
            let b = Int(source[r]), dq = dQuery + r * A
            dq.update(repeating: 0, count: A)
            score(query + r * A, keys.pointer + row(0, b) * A, dq, dKeys + row(0, b) * A, dScores.pointer + r * steps,
                  Int(lengths[b]))
        }
    }
}
