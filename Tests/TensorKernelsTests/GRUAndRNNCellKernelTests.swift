import XCTest
import TensorKernels
import TestSupport

/// The GRU and plain-RNN kernels against their Double references and against finite differences, as the
/// LSTM kernel is checked (LSTMCellKernelTests).
final class GRUCellKernelTests: XCTestCase {
    let B = 3, H = 4
    let mask: [Float] = [1, 0, 1]

    private func run(x: [Float], recurrent: [Float], hPrev: [Float]) -> (gates: [Float], h: [Float]) {
        var gates = x, h = [Float](repeating: 0, count: B * H)
        gates.withUnsafeMutableBufferPointer { g in
            h.withUnsafeMutableBufferPointer { ph in
                GRUCellKernel.forward(batch: B, hidden: H, gates: g.baseAddress!, recurrent: recurrent, hPrev: hPrev,
                                      h: ph.baseAddress!, mask: mask)
            }
        }
        return (gates, h)
    }

    func testForwardMatchesTheDoubleReferenceAndPaddingKeepsState() {
        let x = GradientCheck.randomWeights(B * 3 * H, seed: 1).map { $0 * 3 }
        let recurrent = GradientCheck.randomWeights(B * 3 * H, seed: 2).map { $0 * 2 }
        let hPrev = GradientCheck.randomWeights(B * H, seed: 3)
        let out = run(x: x, recurrent: recurrent, hPrev: hPrev)
        for b in [0, 2] {
            let rows = (b * 3 * H)..<((b + 1) * 3 * H)
            let ref = GRUCellReference.forward(x: x[rows].map(Double.init), recurrent: recurrent[rows].map(Double.init),
                                               hPrev: hPrev[(b * H)..<((b + 1) * H)].map(Double.init), hidden: H)
            for j in 0..<H { XCTAssertEqual(Double(out.h[b * H + j]), ref[j], accuracy: 1e-5, "row \(b), unit \(j)") }
        }
        XCTAssertEqual(Array(out.h[H..<(2 * H)]), Array(hPrev[H..<(2 * H)]), "a padded row keeps h")
    }

    /// Loss = Σ h ⊙ R; gradients for both pre-activations and for h₋ (pass-through plus nothing else,
    /// since h₋ reaches the cell only through `recurrent` otherwise) against central differences.
    func testBackwardMatchesFiniteDifferences() {
        var x = GradientCheck.randomWeights(B * 3 * H, seed: 4)
        var recurrent = GradientCheck.randomWeights(B * 3 * H, seed: 5)
        var hPrev = GradientCheck.randomWeights(B * H, seed: 6)
        let rh = GradientCheck.randomWeights(B * H, seed: 7)
        let out = run(x: x, recurrent: recurrent, hPrev: hPrev)
        var dGates = [Float](repeating: 9, count: B * 3 * H), dRecurrent = dGates, pass = [Float](repeating: 9, count: B * H)
        GRUCellKernel.backward(batch: B, hidden: H, gates: out.gates, recurrent: recurrent, hPrev: hPrev, mask: mask,
                               dh: rh, dGates: &dGates, dRecurrent: &dRecurrent, dhPass: &pass)
        let xNumeric = GradientCheck.numeric(&x) { dot(run(x: $0, recurrent: recurrent, hPrev: hPrev).h, rh) }
        GradientCheck.assertClose(analytic: dGates, numeric: xNumeric, "dx")
        let rNumeric = GradientCheck.numeric(&recurrent) { dot(run(x: x, recurrent: $0, hPrev: hPrev).h, rh) }
        GradientCheck.assertClose(analytic: dRecurrent, numeric: rNumeric, "drecurrent")
        let hNumeric = GradientCheck.numeric(&hPrev) { dot(run(x: x, recurrent: recurrent, hPrev: $0).h, rh) }
        GradientCheck.assertClose(analytic: pass, numeric: hNumeric, "dh₋ (pass-through)")
        XCTAssertEqual(Array(dGates[(3 * H)..<(6 * H)]), [Float](repeating: 0, count: 3 * H), "padded row: zero gate gradient")
        XCTAssertEqual(Array(dRecurrent[(3 * H)..<(6 * H)]), [Float](repeating: 0, count: 3 * H))
    }
}

final class RNNCellKernelTests: XCTestCase {
    let B = 3, H = 5
    let mask: [Float] = [1, 1, 0]

    private func run(pre: [Float], hPrev: [Float]) -> (gates: [Float], h: [Float]) {
        var gates = pre, h = [Float](repeating: 0, count: B * H)
        gates.withUnsafeMutableBufferPointer { g in
            h.withUnsafeMutableBufferPointer { RNNCellKernel.forward(batch: B, hidden: H, gates: g.baseAddress!, hPrev: hPrev, h: $0.baseAddress!, mask: mask) }
        }
        return (gates, h)
    }

    func testForwardMatchesTheDoubleReferenceAndPaddingKeepsState() {
        let pre = GradientCheck.randomWeights(B * H, seed: 11).map { $0 * 4 }, hPrev = GradientCheck.randomWeights(B * H, seed: 12)
        let out = run(pre: pre, hPrev: hPrev)
        let ref = RNNCellReference.forward(preActivation: pre.map(Double.init))
        for i in 0..<(2 * H) { XCTAssertEqual(Double(out.h[i]), ref[i], accuracy: 1e-6, "element \(i)") }
        XCTAssertEqual(Array(out.h[(2 * H)...]), Array(hPrev[(2 * H)...]), "a padded row keeps h")
    }

    func testBackwardMatchesFiniteDifferences() {
        var pre = GradientCheck.randomWeights(B * H, seed: 13), hPrev = GradientCheck.randomWeights(B * H, seed: 14)
        let rh = GradientCheck.randomWeights(B * H, seed: 15)
        let out = run(pre: pre, hPrev: hPrev)
        var dGates = [Float](repeating: 9, count: B * H), pass = dGates
        RNNCellKernel.backward(batch: B, hidden: H, gates: out.gates, mask: mask, dh: rh, dGates: &dGates, dhPass: &pass)
        let preNumeric = GradientCheck.numeric(&pre) { dot(run(pre: $0, hPrev: hPrev).h, rh) }
        GradientCheck.assertClose(analytic: dGates, numeric: preNumeric, "dpre")
        let hNumeric = GradientCheck.numeric(&hPrev) { dot(run(pre: pre, hPrev: $0).h, rh) }
        GradientCheck.assertClose(analytic: pass, numeric: hNumeric, "dh₋ (pass-through on the padded row)")
    }
}
