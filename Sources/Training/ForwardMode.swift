import TensorKernels
import Seq2SeqModel

/// Whether a forward pass trains (dropout and scheduled sampling drawn from the batch's own stream) or
/// evaluates (no dropout, no sampling). The model takes an optional generator; this is the one place the
/// trainer turns its mode into one.
public enum ForwardMode {
    case train(SeededGenerator)
    case evaluate
}

extension Seq2Seq {
    /// `forward` in the given mode; see `Seq2Seq.forward` for the arguments.
    func forward(_ batch: Batch, mode: ForwardMode, labelSmoothing: Float = 0, teacherForcing: Float = 1,
                 computeGradient: Bool = true, lossScale: Float? = nil) -> Cache {
        var generator: SeededGenerator?
        if case let .train(batchStream) = mode { generator = batchStream }
        return forward(batch, labelSmoothing: labelSmoothing, teacherForcing: teacherForcing, generator: &generator,
                       computeGradient: computeGradient, lossScale: lossScale)
    }
}
