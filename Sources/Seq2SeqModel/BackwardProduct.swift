import TensorKernels

/// A per-step product of a backward pass through time, `c (+)= a·Wᵀ` for a weight W `[K, N]` with a
/// `[R, N]` and c `[R, K]` (R the batch rows): NT on W as stored, or NN on a transposed copy made once
/// per batch, whichever layout is faster on this CPU. The rule is the forward products' rule turned
/// round (`KernelChoice.transposeRecurrentWeights`): where the forward reads W as stored (NN, AVX-512),
/// the backward reads Wᵀ as stored; where the forward reads a transposed copy (NT, AVX2), the backward
/// reads W itself with transposed B. On the Zen 5 the decoder's dGates·Wᵀ (64×1024×2048) runs NT at
/// 111 GFLOPS and NN at 360.
struct BackwardProduct {
    let view: ParameterView
    /// Wᵀ `[N, K]`, or nil when the products read W with transposed B.
    let transposed: FloatBuffer?

    init(_ store: ParameterStore, _ view: ParameterView) {
        self.view = view
        transposed = KernelChoice.transposeRecurrentWeights
            ? nil : Transpose.copy(store.value(view), rows: view.rows, columns: view.columns)
    }

    /// c `[R, count]` (+)= a `[R, N]` · (rows `first..<first+count` of W)ᵀ.
    func multiply(_ store: ParameterStore, rows R: Int, a: UnsafePointer<Float>, lda: Int, firstRow first: Int = 0,
                  count: Int? = nil, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let K = view.rows, N = view.columns, n = count ?? K - first
        if let wt = transposed {
            GEMM.multiply(m: R, n: n, k: N, a: a, lda: lda, b: wt.pointer + first, ldb: K, beta: beta, c: c, ldc: ldc)
        } else {
            GEMM.multiply(transposeB: true, m: R, n: n, k: N, a: a, lda: lda, b: store.value(view) + first * N, ldb: N,
                          beta: beta, c: c, ldc: ldc)
        }
    }
}
