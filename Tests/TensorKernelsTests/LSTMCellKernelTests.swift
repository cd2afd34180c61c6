import XCTest
import TensorKernels
import TestSupport

final class LSTMCellKernelTests: XCTestCase {
    let B = 3, H = 4

    private func run(z: [Float], cPrev: [Float], hPrev: [Float], mask: [Float]) -> (gates: [Float], c: [Float], h: [Float]) {
        var gates = z, c = [Float](repeating: 0, count: B * H), h = c
        gates.withUnsafeMutableBufferPointer { g in
            c.withUnsafeMutableBufferPointer { pc in
                h.withUnsafeMutableBufferPointer { ph in
                    mask.withUnsafeBufferPointer { pm in
                        LSTMCellKernel.forward(batch: B, hidden: H, gates: g.baseAddress!, cPrev: cPrev, hPrev: hPrev,
                                               c: pc.baseAddress!, h: ph.baseAddress!, mask: pm.baseAddress!)
                    }
                }
            }
        }
        return (gates, c, h)
    }

    func testForwardMatchesTheDoubleReferenceAndPaddingKeepsState() {
        let z = GradientCheck.randomWeights(B * 4 * H, seed: 1).map { $0 * 3 }
        let cPrev = GradientCheck.randomWeights(B * H, seed: 2), hPrev = GradientCheck.randomWeights(B * H, seed: 3)
        let out = run(z: z, cPrev: cPrev, hPrev: hPrev, mask: [1, 0, 1])
        for b in [0, 2] {
            let ref = LSTMCellReference.forward(z: z[(b * 4 * H)..<((b + 1) * 4 * H)].map(Double.init),
                                                cPrev: cPrev[(b * H)..<((b + 1) * H)].map(Double.init), hidden: H)
            for j in 0..<H {
                XCTAssertEqual(Double(out.c[b * H + j]), ref.c[j], accuracy: 1e-5)
                XCTAssertEqual(Double(out.h[b * H + j]), ref.h[j], accuracy: 1e-5)
            }
        }
        XCTAssertEqual(Array(out.c[H..<(2 * H)]), Array(cPrev[H..<(2 * H)]), "a padded row keeps c")
        XCTAssertEqual(Array(out.h[H..<(2 * H)]), Array(hPrev[H..<(2 * H)]), "a padded row keeps h")
    }

    /// Loss = Σ h ⊙ Rh + Σ c ⊙ Rc; gradients for z and c₋ against central differences, and h₋'s
    /// pass-through on the padded row.
    func testBackwardMatchesFiniteDifferences() {
        let mask: [Float] = [1, 0, 1]
        var z = GradientCheck.randomWeights(B * 4 * H, seed: 4)
        var cPrev = GradientCheck.randomWeights(B * H, seed: 5)
        let hPrev = GradientCheck.randomWeights(B * H, seed: 6)
        let rh = GradientCheck.randomWeights(B * H, seed: 7), rc = GradientCheck.randomWeights(B * H, seed: 8)
        func loss(_ z: [Float], _ cp: [Float]) -> Double {
            let out = run(z: z, cPrev: cp, hPrev: hPrev, mask: mask)
            return dot(out.h, rh) + dot(out.c, rc)
        }
        let out = run(z: z, cPrev: cPrev, hPrev: hPrev, mask: mask)
        var dc = rc, dGates = [Float](repeating: 0, count: B * 4 * H), pass = [Float](repeating: 9, count: B * H)
        LSTMCellKernel.backward(batch: B, hidden: H, gates: out.gates, cPrev: cPrev, c: out.c, mask: mask, dh: rh,
                                dc: &dc, dGates: &dGates, dhPass: &pass)
        let zNumeric = GradientCheck.numeric(&z, epsilon: 1e-2) { loss($0, cPrev) }
        GradientCheck.assertClose(analytic: dGates, numeric: zNumeric, "dz")
        let cNumeric = GradientCheck.numeric(&cPrev, epsilon: 1e-2) { loss(z, $0) }
        GradientCheck.assertClose(analytic: dc, numeric: cNumeric, "dc₋")
        XCTAssertEqual(Array(pass[H..<(2 * H)]), Array(rh[H..<(2 * H)]), "padded row passes dh through")
        XCTAssertEqual(Array(pass[0..<H]), [Float](repeating: 0, count: H))
        XCTAssertEqual(Array(dGates[(4 * H)..<(8 * H)]), [Float](repeating: 0, count: 4 * H), "padded row: zero gate gradient")
    }
}
