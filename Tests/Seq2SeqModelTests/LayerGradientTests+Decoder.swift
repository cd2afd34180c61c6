import Foundation
import XCTest
@testable import Seq2SeqModel
import TensorKernels
import TestSupport

/// The attentional layer a_t = tanh([ctx_t; h_t]·W_c + b_c) and input feeding live inside the decoder step,
/// so they are checked with the decoder's teacher-forced pass (LSTM cell, Bahdanau attention) against a
/// Double reference of AttentionDecoder's formulas (the check and its tolerance: LayerGradientTests).
extension LayerGradientTests {
    func testDecoderWithAttentionalLayerAndInputFeedingMatchesDoubleFiniteDifferences() {
        let B = L.B, S = L.S, W = L.W, D = L.D, A = L.A, T = 3, E = 3
        let configuration = ModelConfiguration(sourceVocabularySize: L.V, targetVocabularySize: L.V, embedding: E,
                                               encoderHidden: W / 2, decoderHidden: D, attentionSize: A)
        let shapes = AttentionDecoder.shapes(configuration)
        let store = ParameterStore(shapes: shapes)
        L.fill(store, seed: 70)
        let decoder = AttentionDecoder(store: store, configuration: configuration)
        let ids: [Int32] = [2, 2, 4, 5, 6, 4]  // [T·B] time-major: <s>, then y₁, y₂
        let memoryValues = L.random(S * B * W, seed: 71), h0 = L.random(B * D, seed: 72), c0 = L.random(B * D, seed: 73)
        let weights = GradientCheck.randomWeights(T * B * D, seed: 74)
        let memory = decoder.memory(store, values: FloatBuffer(memoryValues), steps: S, batch: B, lengths: L.lengths)
        var generator: SeededGenerator? = nil
        let start = CellState.lstm(h: FloatBuffer(h0), c: FloatBuffer(c0))
        let cache = decoder.forward(store, inputIds: ids, steps: T, batch: B, memory: memory, start: start, dropout: 0,
                                    teacherForcing: 1, generator: &generator)
        let dMemory = FloatBuffer(count: S * B * W)
        let dh0 = FloatBuffer(count: B * D), dc0 = FloatBuffer(count: B * D)
        store.zeroGradients()
        decoder.backward(store, cache: cache, dADropped: FloatBuffer(weights), dMemory: dMemory, dStart: .lstm(h: dh0, c: dc0))

        var values = L.parameters(store), analytic = L.gradients(store)
        for name in ["output.w", "output.b"] { values[name] = nil; analytic[name] = nil }  // not part of this pass
        values["M"] = L.doubles(memoryValues); analytic["M"] = L.doubles(dMemory)
        values["h0"] = L.doubles(h0); analytic["h0"] = L.doubles(dh0)
        values["c0"] = L.doubles(c0); analytic["c0"] = L.doubles(dc0)

        /// ã for every step and sentence, `[T·B, D]`.
        func reference(_ p: Tensors) -> [Double] {
            let table = p["target.embedding"]!, wx = p["decoder.wx"]!, wr = p["decoder.wr"]!, bias = p["decoder.b"]!
            let wc = p["decoder.wc"]!, bc = p["decoder.bc"]!, wq = p["attention.wq"]!, uk = p["attention.uk"]!
            let bk = p["attention.bk"]!, v = p["attention.v"]!, m = p["M"]!
            var h = p["h0"]!, c = p["c0"]!, fed = [Double](repeating: 0, count: B * D), out: [Double] = []
            for t in 0..<T {
                var nextH = h, nextC = c, nextFed = fed
                for b in 0..<B {
                    let x = Array(table[(Int(ids[t * B + b]) * E)..<(Int(ids[t * B + b]) * E + E)])
                    let recurrent = Array(fed[(b * D)..<(b * D + D)]) + Array(h[(b * D)..<(b * D + D)])
                    var z = bias
                    for g in 0..<(4 * D) {
                        for k in 0..<E { z[g] += x[k] * wx[k * 4 * D + g] }
                        for k in 0..<(2 * D) { z[g] += recurrent[k] * wr[k * 4 * D + g] }
                    }
                    var state = [Double](repeating: 0, count: D)
                    for j in 0..<D {
                        let i = L.sigmoid(z[j]), f = L.sigmoid(z[D + j]), g = Foundation.tanh(z[2 * D + j]), o = L.sigmoid(z[3 * D + j])
                        nextC[b * D + j] = f * c[b * D + j] + i * g
                        state[j] = o * Foundation.tanh(nextC[b * D + j])
                    }
                    let n = Int(L.lengths[b])
                    let scores = (0..<S).map { j -> Double in
                        guard j < n else { return 0 }
                        return (0..<A).reduce(0.0) { e, a in
                            var pre = bk[a]
                            for d in 0..<D { pre += state[d] * wq[d * A + a] }
                            for i in 0..<W { pre += m[(j * B + b) * W + i] * uk[i * A + a] }
                            return e + v[a] * Foundation.tanh(pre)
                        }
                    }
                    let zz = L.attend(scores: scores, length: n, memory: m, sentence: b).context + state
                    for d in 0..<D {
                        var pre = bc[d]
                        for k in 0..<(W + D) { pre += zz[k] * wc[k * D + d] }
                        nextFed[b * D + d] = Foundation.tanh(pre)
                        nextH[b * D + d] = state[d]
                    }
                }
                h = nextH; c = nextC; fed = nextFed
                out += fed
            }
            return out
        }
        let expected = reference(values)
        for i in expected.indices { XCTAssertEqual(Double(cache.aDropped[i]), expected[i], accuracy: 1e-5, "ã[\(i)]") }
        check(values, analytic: analytic, "decoder") { L.weightedSum(reference($0), L.doubles(weights)) }
    }
}
