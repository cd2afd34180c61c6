import TensorKernels

/// The exponential moving average of the weights (`train.ema_decay`; Marian's `--exponential-smoothing`):
/// after every applied update, ema = decay·ema + (1 − decay)·w, starting from the initial weights. Every
/// process of a data-parallel run applies the same updates to the same weights, so their averages are
/// identical too. When it is on, validation, `best` and the weights files written by training hold it.
public final class WeightAverage {
    public let decay: Float
    /// The averaged weights: [parameters].
    public let values: FloatBuffer

    /// An average that starts at `weights`.
    public init(decay: Float, weights: FloatBuffer) {
        precondition((0..<1).contains(decay), "EMA decay \(decay) is outside [0, 1)")
        self.decay = decay
        values = FloatBuffer(count: weights.count)
        values.pointer.update(from: weights.pointer, count: weights.count)
    }

    /// ema = decay·ema + (1 − decay)·w, element by element; with decay 0 exactly w.
    public func update(from weights: FloatBuffer) {
        precondition(weights.count == values.count, "EMA of \(values.count) values updated from \(weights.count)")
        let d = decay, keep = 1 - decay, e = values.pointer, w = weights.pointer
        for i in 0..<values.count { e[i] = d * e[i] + keep * w[i] }
    }

    /// Runs `body` with the averaged values in `weights`, then puts the trained values back exactly.
    public func swapped<T>(into weights: FloatBuffer, _ body: () throws -> T) rethrows -> T {
        precondition(weights.count == values.count, "EMA of \(values.count) values swapped into \(weights.count)")
        let saved = FloatBuffer(count: weights.count)
        saved.pointer.update(from: weights.pointer, count: weights.count)
        weights.pointer.update(from: values.pointer, count: values.count)
        defer { weights.pointer.update(from: saved.pointer, count: weights.count) }
        return try body()
    }
}
