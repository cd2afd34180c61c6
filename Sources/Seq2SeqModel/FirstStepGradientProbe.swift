/// An observer of the backward pass for the vanishing-gradient experiment (README, "Cells"): the norm of the
/// loss gradient that reaches the source embeddings of time step 0 (all B rows) through the bottom encoder
/// layer's forward direction, the quantity that vanishes or explodes with the distance it travels back in
/// time. The backward direction reads step 0 last, so its part has travelled no distance and is left out.
///
/// Pass one to `Seq2Seq.backward(_:probe:)` to have it measured; without one, backward computes nothing
/// for it. The trainer logs it as `first_step_grad_norm`.
public final class FirstStepGradientProbe {
    /// The norm from the last backward pass this probe observed.
    public private(set) var norm: Double = 0

    public init() {}

    /// - Parameters: gradient: `[rows, width]` the forward direction's gradient at step 0's layer input, before
    ///   the input's dropout mask (`mask`, `[≥ rows·width]`, nil without dropout) is applied
    func observe(gradient: UnsafePointer<Float>, mask: [Float]?, rows: Int, width: Int) {
        var sum = 0.0
        for i in 0..<(rows * width) {
            let g = Double(gradient[i] * (mask?[i] ?? 1))
            sum += g * g
        }
        norm = sum.squareRoot()
    }
}
