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

/// The output layer restricted to a vocabulary shortlist: the weight's columns of the chosen ids
/// gathered once per batch into `[D, V′]`, and their biases.
final class OutputSubset {
    let ids: [Int32]  // [V′] ascending target ids
    let inputWidth: Int  // D
    let weight: FloatBuffer  // [D, V′], or empty when the products run in reduced precision
    let bias: FloatBuffer  // [V′]

    /// - Parameter f32Weights: false when a reduced-precision copy of these columns does the products, so
    ///   the f32 columns are not gathered
    init(_ layer: OutputLayer, store: ParameterStore, ids: [Int32], f32Weights: Bool = true) {
        let V = layer.vocabulary, n = ids.count, w = store.value(layer.weight), b = store.value(layer.bias)
        let D = layer.tied ? layer.weight.columns : layer.weight.rows
        self.ids = ids
        inputWidth = D
        weight = FloatBuffer(count: f32Weights ? D * n : 0)
        bias = FloatBuffer(count: n)
        for (k, id) in ids.enumerated() {
            precondition(id >= 0 && Int(id) < V, "shortlist id \(id) outside the vocabulary [0, \(V))")
            bias[k] = b[Int(id)]
            guard f32Weights else { continue }
            for d in 0..<D { weight[d * n + k] = layer.tied ? w[Int(id) * D + d] : w[d * V + Int(id)] }
        }
    }

    /// logits `[N, V′]` = input `[N, D]` · weight + bias (in reduced precision when `reduced`, the same
    /// columns, is given).
    func forward(rows N: Int, input: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>,
                 reduced: (any ReducedPrecisionMatrix)? = nil, scratch: ProductScratch? = nil) {
        let n = ids.count, D = inputWidth
        Rows.broadcast(bias.pointer, rows: N, columns: n, into: logits, ld: n)
        if let reduced, let scratch {
            reduced.multiplyAdd(m: N, a: input, lda: D, c: logits, ldc: n, scratch: scratch)
        } else {
            precondition(weight.count == D * n, "an output subset made without its f32 columns was asked for an f32 product")
            GEMM.multiply(m: N, n: n, k: D, a: input, lda: D, b: weight.pointer, ldb: n, beta: 1, c: logits, ldc: n)
        }
    }
}
