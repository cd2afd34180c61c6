public enum TrainingError: Error, CustomStringConvertible {
    case nonFiniteLoss(step: Int, lastCheckpoint: String?)
    case noTrainingData(filtered: Int, maxLength: Int)
    case resumeMismatch(path: String, reason: String)
    case nothingToResume(directory: String)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(step, checkpoint):
            let kept = checkpoint.map { "; the last good checkpoint is \($0)" } ?? "; no checkpoint had been written yet"
            return "the loss became NaN or infinite at step \(step)\(kept). Lower train.learning_rate or train.clip_norm and resume"
        case let .noTrainingData(filtered, maxLength):
            return "no training pair is left: \(filtered) pairs are longer than data.max_length (\(maxLength)) tokens; raise data.max_length"
        case let .resumeMismatch(path, reason):
            return "cannot resume from \(path): \(reason)"
        case let .nothingToResume(directory):
            return "--resume: \(directory) holds no training-state.safetensors; start without --resume"
        }
    }
}
