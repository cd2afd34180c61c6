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

    /// values[0..<count] ⊙= mask[offset..<offset + count] (forward; backward is the same product on the
    /// gradient). A nil mask (dropout off) leaves the values as they are.
    public static func apply(_ mask: [Float]?, offset: Int = 0, to values: UnsafeMutablePointer<Float>, count: Int) {
        guard let mask else { return }
        precondition(offset >= 0 && offset + count <= mask.count, "dropout mask [\(mask.count)] vs values \(offset)..<\(offset + count)")
        mask.withUnsafeBufferPointer { m in
            for i in 0..<count { values[i] *= m[offset + i] }
        }
    }

    /// destination = source ⊙ mask[offset..<offset + count], or a plain copy when the mask is nil.
    public static func apply(_ mask: [Float]?, offset: Int = 0, to source: UnsafePointer<Float>,
                             into destination: UnsafeMutablePointer<Float>, count: Int) {
        destination.update(from: source, count: count)
        apply(mask, offset: offset, to: destination, count: count)
    }
}
