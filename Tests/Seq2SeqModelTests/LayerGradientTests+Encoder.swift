import Foundation
import XCTest
@testable import Seq2SeqModel
import TensorKernels
import TestSupport

/// The bidirectional recurrent encoder (two LSTM layers over a padded batch) against a Double reference
/// of RecurrentLayer's formulas (the check and its tolerance: LayerGradientTests).
extension LayerGradientTests {
    func testBidirectionalEncoderMatchesDoubleFiniteDifferences() {
        let B = L.B, S = L.S, H = L.W / 2, E = 3, layers = 2
        let configuration = ModelConfiguration(sourceVocabularySize: L.V, targetVocabularySize: L.V, embedding: E,
                                               encoderHidden: H, encoderLayers: layers, decoderHidden: L.D, attentionSize: L.A)
        let store = ParameterStore(shapes: RecurrentEncoder.shapes(configuration))
        L.fill(store, seed: 80)
        let encoder = RecurrentEncoder(store: store, configuration: configuration)
        let ids: [Int32] = [4, 5, 6, 6, 5, 0, 4, 0]  // [S·B] time-major; sentence 1 is two tokens and padding
        var generator: SeededGenerator? = nil
        let cache = encoder.forward(store, ids: ids, lengths: L.lengths, steps: S, batch: B, dropout: 0, generator: &generator)
        let rMemory = GradientCheck.randomWeights(S * B * 2 * H, seed: 81)
        let rH = GradientCheck.randomWeights(B * 2 * H, seed: 82), rC = GradientCheck.randomWeights(B * 2 * H, seed: 83)
        store.zeroGradients()
        encoder.backward(store, cache: cache, dMemory: FloatBuffer(rMemory), dFinal: .lstm(h: FloatBuffer(rH), c: FloatBuffer(rC)))

        /// One LSTM direction: y `[S·B, H]` (0 at padding) and the final (h, c) `[B, H]`.
        func direction(_ x: [Double], width: Int, _ p: Tensors, _ prefix: String, reverse: Bool)
            -> (y: [Double], h: [Double], c: [Double]) {
            let wx = p[prefix + ".wx"]!, wh = p[prefix + ".wh"]!, bias = p[prefix + ".b"]!
            var y = [Double](repeating: 0, count: S * B * H), h = [Double](repeating: 0, count: B * H), c = h
            for k in 0..<S {
                let t = reverse ? S - 1 - k : k
                for b in 0..<B where t < Int(L.lengths[b]) {
                    var z = bias
                    for g in 0..<(4 * H) {
                        for i in 0..<width { z[g] += x[(t * B + b) * width + i] * wx[i * 4 * H + g] }
                        for i in 0..<H { z[g] += h[b * H + i] * wh[i * 4 * H + g] }
                    }
                    for j in 0..<H {
                        let i = L.sigmoid(z[j]), f = L.sigmoid(z[H + j]), g = Foundation.tanh(z[2 * H + j]), o = L.sigmoid(z[3 * H + j])
                        c[b * H + j] = f * c[b * H + j] + i * g
                        h[b * H + j] = o * Foundation.tanh(c[b * H + j])
                        y[(t * B + b) * H + j] = h[b * H + j]
                    }
                }
            }
            return (y, h, c)
        }
        /// Rows [a_n; b_n] from two `[rows, H]` tensors.
        func interleave(_ a: [Double], _ b: [Double], rows: Int) -> [Double] {
            var out: [Double] = []
            for n in 0..<rows {
                out.append(contentsOf: a[(n * H)..<(n * H + H)])
                out.append(contentsOf: b[(n * H)..<(n * H + H)])
            }
            return out
        }
        /// The memory `[S·B, 2H]` and the final states `[B, 2H]` of the top layer.
        func reference(_ p: Tensors) -> (memory: [Double], h: [Double], c: [Double]) {
            let table = p["source.embedding"]!
            var x = ids.flatMap { id in (0..<E).map { table[Int(id) * E + $0] } }, width = E
            var finalH: [Double] = [], finalC: [Double] = []
            for l in 0..<layers {
                let f = direction(x, width: width, p, "encoder.\(l).forward", reverse: false)
                let r = direction(x, width: width, p, "encoder.\(l).backward", reverse: true)
                x = interleave(f.y, r.y, rows: S * B)
                width = 2 * H
                finalH = interleave(f.h, r.h, rows: B)
                finalC = interleave(f.c, r.c, rows: B)
            }
            return (x, finalH, finalC)
        }
        let values = L.parameters(store), expected = reference(values)
        for i in expected.memory.indices { XCTAssertEqual(Double(cache.memory[i]), expected.memory[i], accuracy: 1e-5, "M[\(i)]") }
        for i in expected.h.indices { XCTAssertEqual(Double(cache.final.h[i]), expected.h[i], accuracy: 1e-5, "final h[\(i)]") }
        check(values, analytic: L.gradients(store), "encoder") { p in
            let (memory, h, c) = reference(p)
            return L.weightedSum(memory, L.doubles(rMemory)) + L.weightedSum(h, L.doubles(rH)) + L.weightedSum(c, L.doubles(rC))
        }
        let pad = (0..<E).map { store.gradients[store.view("source.embedding").offset + $0] }
        XCTAssertEqual(pad, [0, 0, 0], "<pad> positions get exactly zero gradient")
    }
}
