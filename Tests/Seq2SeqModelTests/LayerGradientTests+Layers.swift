import Foundation
import XCTest
@testable import Seq2SeqModel
import TensorKernels
import TestSupport

/// The bridge, the embeddings and the output layer against Double references (the check and its
/// tolerance: LayerGradientTests).
extension LayerGradientTests {
    /// h₀ = tanh([h→; h←]·W_h + b_h), and for LSTM c₀ = [c→; c←]·W_c + b_c.
    func testBridgeMatchesDoubleFiniteDifferences() {
        let B = L.B, W = L.W, D = L.D
        for cell in [RecurrentCell.lstm, .gru] {
            let configuration = ModelConfiguration(sourceVocabularySize: L.V, targetVocabularySize: L.V, embedding: 3,
                                                   encoderHidden: W / 2, decoderHidden: D, attentionSize: L.A, cell: cell)
            let store = ParameterStore(shapes: Bridge.shapes(configuration))
            L.fill(store, seed: 40)
            let bridge = Bridge(store: store, cell: cell)
            let finalH = L.random(B * W, seed: 41), finalC = L.random(B * W, seed: 42, scale: 2)
            let rh = GradientCheck.randomWeights(B * D, seed: 43), rc = GradientCheck.randomWeights(B * D, seed: 44)
            /// A state of this cell from h (and c) values.
            func state(_ h: FloatBuffer, _ c: FloatBuffer) -> CellState { cell == .lstm ? .lstm(h: h, c: c) : .gru(h: h) }
            let final = state(FloatBuffer(finalH), FloatBuffer(finalC))
            let h0 = FloatBuffer(count: B * D), c0 = FloatBuffer(count: B * D)
            let dFinalH = FloatBuffer(count: B * W), dFinalC = FloatBuffer(count: B * W)
            let start = state(h0, c0)
            bridge.forward(store, batch: B, final: final, start: start)
            store.zeroGradients()
            bridge.backward(store, batch: B, final: final, start: start, dStart: state(FloatBuffer(rh), FloatBuffer(rc)),
                            dFinal: state(dFinalH, dFinalC))
            var values = L.parameters(store), analytic = L.gradients(store)
            values["finalH"] = L.doubles(finalH); analytic["finalH"] = L.doubles(dFinalH)
            if cell.hasCellState { values["finalC"] = L.doubles(finalC); analytic["finalC"] = L.doubles(dFinalC) }
            func reference(_ p: Tensors) -> (h: [Double], c: [Double]) {
                let h = L.addRows(L.product(p["finalH"]!, p["bridge.wh"]!, m: B, k: W, n: D), bias: p["bridge.bh"]!).map(Foundation.tanh)
                guard cell.hasCellState else { return (h, []) }
                return (h, L.addRows(L.product(p["finalC"]!, p["bridge.wc"]!, m: B, k: W, n: D), bias: p["bridge.bc"]!))
            }
            let expected = reference(values)
            for i in 0..<(B * D) { XCTAssertEqual(Double(h0[i]), expected.h[i], accuracy: 1e-5, "\(cell) h₀[\(i)]") }
            if cell.hasCellState { for i in 0..<(B * D) { XCTAssertEqual(Double(c0[i]), expected.c[i], accuracy: 1e-5, "c₀[\(i)]") } }
            check(values, analytic: analytic, "bridge \(cell)") { p in
                let (h, c) = reference(p)
                return L.weightedSum(h, L.doubles(rh)) + (cell.hasCellState ? L.weightedSum(c, L.doubles(rc)) : 0)
            }
        }
    }

    /// out[n] = table[ids[n]]; a repeated id accumulates the gradient of each of its positions.
    func testEmbeddingMatchesDoubleFiniteDifferences() {
        let E = 3, ids: [Int32] = [4, 6, 4, 1, 6, 4]
        let store = ParameterStore(shapes: [("table", L.V, E)])
        L.fill(store, seed: 50)
        let embedding = Embedding(table: store.view("table"))
        let out = FloatBuffer(count: ids.count * E), weights = GradientCheck.randomWeights(ids.count * E, seed: 51)
        embedding.forward(store, ids: ids, out: out.pointer)
        store.zeroGradients()
        embedding.backward(store, ids: ids, dOut: weights)
        func reference(_ p: Tensors) -> [Double] { ids.flatMap { id in (0..<E).map { p["table"]![Int(id) * E + $0] } } }
        XCTAssertEqual(L.doubles(out), reference(L.parameters(store)))
        check(L.parameters(store), analytic: L.gradients(store), "embedding") { L.weightedSum(reference($0), L.doubles(weights)) }
        let unused = (0..<E).map { store.gradients[store.view("table").offset + 5 * E + $0] }
        XCTAssertEqual(unused, [0, 0, 0], "an id that does not occur gets no gradient")
    }

    /// logits = ã·W_o + b_o, untied and tied (W_o is the target embedding `[V, D]` read transposed).
    func testOutputLayerMatchesDoubleFiniteDifferences() {
        let N = 4, D = L.D, V = L.V
        for tied in [false, true] {
            let store = ParameterStore(shapes: tied ? [("target.embedding", V, D), ("output.b", 1, V)]
                                                    : [("output.w", D, V), ("output.b", 1, V)])
            L.fill(store, seed: tied ? 61 : 60)
            let layer = OutputLayer(store: store, tied: tied)
            let input = L.random(N * D, seed: 62), weights = GradientCheck.randomWeights(N * V, seed: 63)
            let logits = FloatBuffer(count: N * V), dInput = FloatBuffer(count: N * D)
            layer.forward(store, rows: N, input: input, logits: logits.pointer)
            store.zeroGradients()
            layer.backward(store, rows: N, input: input, dLogits: weights, dInput: dInput.pointer)
            var values = L.parameters(store), analytic = L.gradients(store)
            values["input"] = L.doubles(input); analytic["input"] = L.doubles(dInput)
            func reference(_ p: Tensors) -> [Double] {
                let w: [Double]
                if tied {  // Eᵀ: [D, V]
                    let e = p["target.embedding"]!
                    w = (0..<(D * V)).map { e[($0 % V) * D + $0 / V] }
                } else {
                    w = p["output.w"]!
                }
                return L.addRows(L.product(p["input"]!, w, m: N, k: D, n: V), bias: p["output.b"]!)
            }
            let expected = reference(values)
            for i in 0..<(N * V) { XCTAssertEqual(Double(logits[i]), expected[i], accuracy: 1e-5, "tied \(tied) logits[\(i)]") }
            check(values, analytic: analytic, "output layer, tied \(tied)") { L.weightedSum(reference($0), L.doubles(weights)) }
        }
    }
}
