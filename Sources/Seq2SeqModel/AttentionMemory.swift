import TensorKernels

/// The encoder memory seen by attention: M `[S·B, 2H]`, its keys K `[S·B, A]` (projected once per batch;
/// for Luong's dot score K is M itself), and the source lengths. Row r of a decoder step attends to
/// sentence `source[r]` of the batch, so beam rows can share one memory.
///
/// The parts every score function shares live here: the masked softmax and the context
///     α = softmax(e) over the real positions j < len (padding gets exactly 0)      ctx = Σ_j α_j M_j
/// and their backward, which turns dctx into the gradient of the scores e.
public final class AttentionMemory {
    public let steps: Int, batch: Int, width: Int
    public let values: FloatBuffer  // M [S·B, 2H]
    public let keys: FloatBuffer  // K [S·B, A]
    public let lengths: [Int32]  // [B]

    init(steps: Int, batch: Int, width: Int, values: FloatBuffer, keys: FloatBuffer, lengths: [Int32]) {
        self.steps = steps; self.batch = batch; self.width = width
        self.values = values; self.keys = keys; self.lengths = lengths
    }

    /// Row `j` of sentence `b` in a `[S·B, ·]` buffer.
    @inline(__always) func row(_ j: Int, _ b: Int) -> Int { j * batch + b }

    /// Scores in `alpha` become weights; the context of each row is written.
    /// - Parameters: alpha: `[R, S]` scores e for j < len (in), weights α (out); context: `[R, ≥2H]`, stride `contextStride`
    func softmaxAndContext(rows R: Int, source: UnsafePointer<Int32>, alpha: UnsafeMutablePointer<Float>,
                           context: UnsafeMutablePointer<Float>, contextStride: Int) {
        let S = steps, W = width
        let rowLengths = (0..<R).map { lengths[Int(source[$0])] }
        rowLengths.withUnsafeBufferPointer {
            SoftmaxKernel.maskedSoftmax(rows: R, columns: S, stride: S, scores: alpha, lengths: $0.baseAddress!)
        }
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
    /// `score(q, K_j, dq, dK_j, de_j)` adds one position's part to dq `[A]` (zeroed first) and dK_j `[A]`.
    func backwardScores(rows R: Int, size A: Int, query: UnsafePointer<Float>, source: UnsafePointer<Int32>,
                        alpha: UnsafePointer<Float>, dContext: UnsafePointer<Float>, dContextStride: Int,
                        dQuery: UnsafeMutablePointer<Float>, dKeys: UnsafeMutablePointer<Float>,
                        dValues: UnsafeMutablePointer<Float>,
                        _ score: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>,
                                  UnsafeMutablePointer<Float>, Float) -> Void) {
        let dScores = FloatBuffer(count: R * steps)
        backwardSoftmaxAndContext(rows: R, source: source, alpha: alpha, dContext: dContext, dContextStride: dContextStride,
                                  dValues: dValues, dScores: dScores.pointer)
        for r in 0..<R {
            let b = Int(source[r]), dq = dQuery + r * A, de = dScores.pointer + r * steps
            for a in 0..<A { dq[a] = 0 }
            for j in 0..<Int(lengths[b]) {
                score(query + r * A, keys.pointer + row(j, b) * A, dq, dKeys + row(j, b) * A, de[j])
            }
        }
    }
}

/// How attention scores the source positions for a decoder state h_t (`model.attention`). The decoder
/// calls these in this order each step: `query`, `forward`; and in reverse for backward.
protocol AttentionMechanism: Sendable {
    /// The width of a query row (A).
    var size: Int { get }
    /// K from M, once per batch.
    func memory(_ store: ParameterStore, values: FloatBuffer, steps: Int, batch: Int, lengths: [Int32]) -> AttentionMemory
    /// q from the decoder state h `[R, D]` into `query` `[R, A]`.
    func query(_ store: ParameterStore, rows: Int, state: UnsafePointer<Float>, into query: UnsafeMutablePointer<Float>)
    /// α `[R, S]` and the context `[R, ≥2H]` for R rows.
    func forward(_ store: ParameterStore, memory: AttentionMemory, rows: Int, query: UnsafePointer<Float>,
                 source: UnsafePointer<Int32>, alpha: UnsafeMutablePointer<Float>,
                 context: UnsafeMutablePointer<Float>, contextStride: Int)
    /// Backward of `forward`: writes dQuery `[R, A]`, accumulates dKeys `[S·B, A]` and dValues `[S·B, 2H]`.
    func backward(_ store: ParameterStore, memory: AttentionMemory, rows: Int, query: UnsafePointer<Float>,
                  source: UnsafePointer<Int32>, alpha: UnsafePointer<Float>, dContext: UnsafePointer<Float>,
                  dContextStride: Int, dQuery: UnsafeMutablePointer<Float>, dKeys: UnsafeMutablePointer<Float>,
                  dValues: UnsafeMutablePointer<Float>)
    /// Backward of `query` for R rows: dState `[R, D]` += dQuery·∂q/∂h.
    func backwardQuery(_ store: ParameterStore, rows: Int, dQuery: UnsafePointer<Float>, dState: UnsafeMutablePointer<Float>)
    /// The query weights' gradient over N rows at once.
    func queryWeightGradients(_ store: ParameterStore, rows: Int, states: UnsafePointer<Float>, dQueries: UnsafePointer<Float>)
    /// Backward of `memory`: the keys' projection, once per batch; dValues accumulated.
    func backwardKeys(_ store: ParameterStore, memory: AttentionMemory, dKeys: FloatBuffer, dValues: FloatBuffer)
}

/// The decoder's attention from a configuration.
func makeAttention(store: ParameterStore, configuration c: ModelConfiguration) -> any AttentionMechanism {
    switch c.attention {
    case .bahdanau: return BahdanauAttention(store: store)
    case .luongGeneral, .luongDot: return LuongAttention(store: store, configuration: c)
    case .none: return NoAttention()
    }
}

func attentionShapes(_ c: ModelConfiguration) -> [(String, Int, Int)] {
    switch c.attention {
    case .bahdanau: return BahdanauAttention.shapes(c)
    case .luongGeneral, .luongDot: return LuongAttention.shapes(c)
    case .none: return NoAttention.shapes(c)
    }
}

/// `model.attention` in a recipe.
public enum AttentionScore: String, Sendable, Codable, CaseIterable {
    case bahdanau
    case luongGeneral = "luong_general"
    case luongDot = "luong_dot"
    /// No attention: the decoder sees the source only through the bridge (`NoAttention`).
    case none
}
