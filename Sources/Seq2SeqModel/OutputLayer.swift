import TensorKernels

/// logits = ã·Wo + bo `[N, V]`, once over all target positions of a batch. With tied embeddings Wo is
/// the target embedding table transposed (`[V, D]` read as `[D, V]`).
public struct OutputLayer: Sendable {
    let weight: ParameterView  // [D, V], or the embedding [V, D] when tied
    let bias: ParameterView  // [1, V]
    let tied: Bool

    static func shapes(_ c: ModelConfiguration) -> [(String, Int, Int)] {
        (c.tieEmbeddings ? [] : [("output.w", c.decoderHidden, c.targetVocabularySize)])
            + [("output.b", 1, c.targetVocabularySize)]
    }

    init(store: ParameterStore, tied: Bool) {
        self.tied = tied
        weight = store.view(tied ? "target.embedding" : "output.w")
        bias = store.view("output.b")
    }

    var vocabulary: Int { bias.columns }

    /// - Parameters: input: `[N, D]`; logits: `[N, V]` written
    func forward(_ store: ParameterStore, rows N: Int, input: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>) {
        let V = vocabulary, D = tied ? weight.columns : weight.rows
        Rows.broadcast(store.value(bias), rows: N, columns: V, into: logits, ld: V)
        GEMM.multiply(transposeB: tied, m: N, n: V, k: D, a: input, lda: D, b: store.value(weight), ldb: tied ? D : V,
                      beta: 1, c: logits, ldc: V)
    }

    /// dWo += ãᵀ·dlogits (tied: dE += dlogitsᵀ·ã), dbo += Σ dlogits, dã = dlogits·Woᵀ (written).
    func backward(_ store: ParameterStore, rows N: Int, input: UnsafePointer<Float>, dLogits: UnsafePointer<Float>,
                  dInput: UnsafeMutablePointer<Float>) {
        let V = vocabulary, D = tied ? weight.columns : weight.rows
        if tied {
            GEMM.multiply(transposeA: true, m: V, n: D, k: N, a: dLogits, lda: V, b: input, ldb: D, beta: 1,
                          c: store.gradient(weight), ldc: D)
            GEMM.multiply(m: N, n: D, k: V, a: dLogits, lda: V, b: store.value(weight), ldb: D, c: dInput, ldc: D)
        } else {
            GEMM.multiply(transposeA: true, m: D, n: V, k: N, a: input, lda: D, b: dLogits, ldb: V, beta: 1,
                          c: store.gradient(weight), ldc: V)
            GEMM.multiply(transposeB: true, m: N, n: D, k: V, a: dLogits, lda: V, b: store.value(weight), ldb: V,
                          c: dInput, ldc: D)
        }
        Rows.addColumnSums(dLogits, rows: N, columns: V, ld: V, into: store.gradient(bias))
    }
}
