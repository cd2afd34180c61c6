import Foundation
import XCTest
@testable import Seq2SeqModel
import TensorKernels
import TestSupport

/// The masked softmax with its context, and the three attention scores, each against a Double reference
/// (the check and its tolerance: LayerGradientTests).
extension LayerGradientTests {
    typealias L = LayerGradientTests

    /// α = softmax(e) over the real positions, ctx = Σ_j α_j M_j (`AttentionMemory`): gradients of the
    /// scores e and the memory M, with padded positions getting exactly zero.
    func testMaskedSoftmaxAndContextMatchDoubleFiniteDifferences() {
        let R = L.rowSources.count, S = L.S, W = L.W, B = L.B
        let memoryValues = L.random(S * B * W, seed: 1), scores = L.random(R * S, seed: 2, scale: 2)
        let weights = GradientCheck.randomWeights(R * W, seed: 3)
        let memory = AttentionMemory(steps: S, batch: B, width: W, values: FloatBuffer(memoryValues),
                                     keys: FloatBuffer(memoryValues), lengths: L.lengths)
        let alpha = FloatBuffer(scores), context = FloatBuffer(count: R * W)
        let dValues = FloatBuffer(count: S * B * W), dScores = FloatBuffer(count: R * S)
        L.rowSources.withUnsafeBufferPointer { source in
            memory.softmaxAndContext(rows: R, source: source.baseAddress!, alpha: alpha.pointer, context: context.pointer,
                                     contextStride: W)
            weights.withUnsafeBufferPointer { dContext in
                memory.backwardSoftmaxAndContext(rows: R, source: source.baseAddress!, alpha: alpha.pointer,
                                                 dContext: dContext.baseAddress!, dContextStride: W,
                                                 dValues: dValues.pointer, dScores: dScores.pointer)
            }
        }
        func reference(_ p: Tensors) -> (alpha: [Double], context: [Double]) {
            var alphas: [Double] = [], contexts: [Double] = []
            for r in 0..<R {
                let b = Int(L.rowSources[r])
                let (a, c) = L.attend(scores: Array(p["e"]![(r * S)..<(r * S + S)]), length: Int(L.lengths[b]),
                                      memory: p["M"]!, sentence: b)
                alphas += a; contexts += c
            }
            return (alphas, contexts)
        }
        let values: Tensors = ["e": L.doubles(scores), "M": L.doubles(memoryValues)]
        let expected = reference(values)
        for i in 0..<(R * S) { XCTAssertEqual(Double(alpha[i]), expected.alpha[i], accuracy: 1e-6, "α[\(i)]") }
        for i in 0..<(R * W) { XCTAssertEqual(Double(context[i]), expected.context[i], accuracy: 1e-6, "ctx[\(i)]") }
        // dScores is written for the real positions only; past a row's length the score does not matter.
        var dE = L.doubles(dScores)
        for r in 0..<R { for j in Int(L.lengths[Int(L.rowSources[r])])..<S { dE[r * S + j] = 0 } }
        check(values, analytic: ["e": dE, "M": L.doubles(dValues)], "masked softmax") {
            L.weightedSum(reference($0).context, L.doubles(weights))
        }
        for j in 2..<S { for i in 0..<W { XCTAssertEqual(dValues[(j * B + 1) * W + i], 0, "padded M row \(j) of sentence 1") } }
    }

    /// One attention step for R rows, forward and every backward piece, as the decoder calls them.
    private func attentionGradients(_ configuration: ModelConfiguration, seed: UInt64) throws
        -> (values: Tensors, analytic: Tensors, context: [Float], weights: [Float]) {
        let R = L.rowSources.count, S = L.S, W = L.W, B = L.B, D = configuration.decoderHidden
        let store = ParameterStore(shapes: attentionShapes(configuration))
        L.fill(store, seed: seed)
        let attention = try XCTUnwrap(makeAttention(store: store, configuration: configuration), "\(configuration.attention)")
        let A = attention.size, stride = W + 1  // the context sits in wider rows, as in the decoder's z = [ctx; h]
        let memoryValues = L.random(S * B * W, seed: seed + 1), states = L.random(R * D, seed: seed + 2)
        let weights = GradientCheck.randomWeights(R * stride, seed: seed + 3)
        let memoryBuffer = FloatBuffer(memoryValues), state = FloatBuffer(states)
        let memory = attention.memory(store, values: memoryBuffer, steps: S, batch: B, lengths: L.lengths)
        let query = FloatBuffer(count: R * A), alpha = FloatBuffer(count: R * S), context = FloatBuffer(count: R * stride)
        let dQuery = FloatBuffer(count: R * A), dKeys = FloatBuffer(count: S * B * A), dValues = FloatBuffer(count: S * B * W)
        let dState = FloatBuffer(count: R * D)
        store.zeroGradients()
        attention.forward(store, memory: memory, rows: R, state: state.pointer, source: L.rowSources, query: query.pointer,
                          alpha: alpha.pointer, context: context.pointer, contextStride: stride)
        attention.backward(store, memory: memory, rows: R, query: query.pointer, source: L.rowSources, alpha: alpha.pointer,
                           dContext: weights, dContextStride: stride, dQuery: dQuery.pointer,
                           queryProduct: attention.queryWeight.map { BackwardProduct(store, $0) }, dState: dState.pointer,
                           dKeys: dKeys.pointer, dValues: dValues.pointer)
        attention.backwardBatch(store, memory: memory, rows: R, states: state.pointer, dQueries: dQuery.pointer, dKeys: dKeys,
                                dValues: dValues)
        let contexts = (0..<R).flatMap { r in (0..<W).map { context[r * stride + $0] } }
        let contextWeights = (0..<R).flatMap { r in (0..<W).map { weights[r * stride + $0] } }
        var values = L.parameters(store), analytic = L.gradients(store)
        values["M"] = L.doubles(memoryValues); analytic["M"] = L.doubles(dValues)
        values["h"] = L.doubles(states); analytic["h"] = L.doubles(dState)
        return (values, analytic, contexts, contextWeights)
    }

    /// The contexts of all rows from a Double score function e(p, row, j).
    private func referenceContexts(_ p: Tensors, score: (Tensors, Int, Int) -> Double) -> [Double] {
        (0..<L.rowSources.count).flatMap { r -> [Double] in
            let b = Int(L.rowSources[r]), n = Int(L.lengths[b])
            let scores = (0..<L.S).map { j in j < n ? score(p, r, j) : 0 }
            return L.attend(scores: scores, length: n, memory: p["M"]!, sentence: b).context
        }
    }

    private func checkAttention(_ configuration: ModelConfiguration, _ label: String, seed: UInt64,
                                score: @escaping (Tensors, Int, Int) -> Double) throws {
        let (values, analytic, context, weights) = try attentionGradients(configuration, seed: seed)
        let expected = referenceContexts(values, score: score)
        for i in context.indices { XCTAssertEqual(Double(context[i]), expected[i], accuracy: 1e-5, "\(label) ctx[\(i)]") }
        check(values, analytic: analytic, label) { L.weightedSum(self.referenceContexts($0, score: score), L.doubles(weights)) }
        // Padded source positions (sentence 1, j ≥ 2) get no gradient at all.
        for j in 2..<L.S { for i in 0..<L.W { XCTAssertEqual(analytic["M"]![(j * L.B + 1) * L.W + i], 0, "\(label) padded M") } }
    }

    private static func configuration(_ attention: AttentionScore, decoderHidden: Int = L.D) -> ModelConfiguration {
        ModelConfiguration(sourceVocabularySize: L.V, targetVocabularySize: L.V, embedding: 3, encoderHidden: L.W / 2,
                           decoderHidden: decoderHidden, attentionSize: L.A, attention: attention)
    }

    /// e_j = vᵀ tanh(h·W_q + M_j·U + b_k).
    func testBahdanauAttentionMatchesDoubleFiniteDifferences() throws {
        let D = L.D, A = L.A, W = L.W, B = L.B
        try checkAttention(Self.configuration(.bahdanau), "bahdanau", seed: 10) { p, r, j in
            let b = Int(L.rowSources[r]), h = p["h"]!, m = p["M"]!, wq = p["attention.wq"]!, uk = p["attention.uk"]!
            var e = 0.0
            for a in 0..<A {
                var pre = p["attention.bk"]![a]
                for d in 0..<D { pre += h[r * D + d] * wq[d * A + a] }
                for i in 0..<W { pre += m[(j * B + b) * W + i] * uk[i * A + a] }
                e += p["attention.v"]![a] * Foundation.tanh(pre)
            }
            return e
        }
    }

    /// e_j = h_tᵀ W_a M_j with K = M·W_k.
    func testLuongGeneralAttentionMatchesDoubleFiniteDifferences() throws {
        let D = L.D, W = L.W, B = L.B
        try checkAttention(Self.configuration(.luongGeneral), "luong_general", seed: 20) { p, r, j in
            let b = Int(L.rowSources[r]), h = p["h"]!, m = p["M"]!, wk = p["attention.wk"]!
            var e = 0.0
            for d in 0..<D { for i in 0..<W { e += h[r * D + d] * m[(j * B + b) * W + i] * wk[i * D + d] } }
            return e
        }
    }

    /// e_j = h_t · M_j (D = 2H).
    func testLuongDotAttentionMatchesDoubleFiniteDifferences() throws {
        let W = L.W, B = L.B
        try checkAttention(Self.configuration(.luongDot, decoderHidden: W), "luong_dot", seed: 30) { p, r, j in
            let b = Int(L.rowSources[r]), h = p["h"]!, m = p["M"]!
            return (0..<W).reduce(0) { $0 + h[r * W + $1] * m[(j * B + b) * W + $1] }
        }
    }
}
