public enum TrainingError: Error, CustomStringConvertible {
    /// `updates` batches in a row had a NaN or infinite loss or gradient norm at `step` (none was applied).
    case nonFiniteLoss(step: Int, updates: Int, lastCheckpoint: (path: String, step: Int)?)
    /// The weights themselves became NaN or infinite; they were not written.
    case nonFiniteWeights(step: Int, lastCheckpoint: (path: String, step: Int)?)
    /// `maxLength` is nil when no length filter applies.
    case noTrainingData(filtered: Int, maxLength: Int?)
    case resumeMismatch(path: String, reason: String)
    case nothingToResume(directory: String)
    /// A new run was started in a directory that already holds a model.
    case directoryHoldsModel(directory: String)
    /// The processes of a data-parallel run no longer hold the same weights.
    case processesDiverged(step: Int, low: Double, high: Double)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(step, updates, checkpoint):
            return "the loss or the gradient norm was NaN or infinite on \(updates) batches in a row at step \(step) "
                + "(none was applied)\(Self.kept(checkpoint)). Lower train.learning_rate or train.clip_norm and resume"
        case let .nonFiniteWeights(step, checkpoint):
            return "the weights became NaN or infinite by step \(step), so they were not saved\(Self.kept(checkpoint)). "
                + "Lower train.learning_rate and resume"
        case let .noTrainingData(filtered, maxLength?):
            return "no training pair is left: \(filtered) pairs are longer than data.max_length (\(maxLength)) tokens; raise data.max_length"
        case .noTrainingData(_, nil):
            return "no training pair is left: the training data is empty"
        case let .resumeMismatch(path, reason):
            return "cannot resume from \(path): \(reason)"
        case let .processesDiverged(step, low, high):
            return "the training processes hold different weights at step \(step) (checksums from \(low) to \(high)); "
                + "every process must run the same nmt build on the same data and recipe. Resume from the last checkpoint"
        case let .directoryHoldsModel(directory):
            return "\(directory) already holds a model; use --resume to continue it, or --output for a new directory"
        case let .nothingToResume(directory):
            return "--resume: \(directory) holds no training-state.safetensors; start without --resume"
        }
    }

    private static func kept(_ checkpoint: (path: String, step: Int)?) -> String {
        checkpoint.map { "; the last good checkpoint is step \($0.step) in \($0.path) (continue with --resume)" }
            ?? "; no checkpoint had been written yet"
    }
}
