/// Inverted dropout: a kept element is scaled by 1/(1 − p), so evaluation needs no rescaling.
public enum Dropout {
    /// Fills `mask` with 0 or 1/(1 − p), drawing from the seeded generator.
    /// - Parameter mask: `[count]`
    public static func makeMask(count: Int, probability p: Float, generator: inout SeededGenerator) -> [Float] {
        precondition((0..<1).contains(p), "dropout probability \(p) must be in [0, 1)")
        if p == 0 { return [Float](repeating: 1, count: count) }
        let keep = 1 / (1 - p)
        var mask = [Float](repeating: 0, count: count)
        for i in 0..<count where generator.nextUnit() >= p { mask[i] = keep }
        return mask
    }

    /// A mask when dropout is on, that is with a generator (training) and p > 0; nil otherwise (evaluation,
    /// inference), when no number is drawn.
    public static func makeMask(count: Int, probability p: Float, generator: inout SeededGenerator?) -> [Float]? {
        guard p > 0, var drawing = generator else { return nil }
        let mask = makeMask(count: count, probability: p, generator: &drawing)
        generator = drawing
        return mask
    }

    /// values ⊙= mask (forward), or gradient ⊙= mask (backward: the same product).
    public static func apply(_ mask: [Float], to values: inout [Float]) {
        precondition(mask.count == values.count, "dropout mask [\(mask.count)] vs values [\(values.count)]")
        values.withUnsafeMutableBufferPointer { v in
            mask.withUnsafeBufferPointer { m in
                for i in 0..<v.count { v[i] *= m[i] }
            }
        }
    }
}
