/// What the trainer reports while it runs; the CLI decides how to show it (the trainer never prints).
public enum TrainingEvent: Sendable {
    case started(examples: Int, filtered: Int, batchesPerEpoch: Int, parameters: Int, resumedAtStep: Int?)
    case progress(TrainingProgress)
    case validation(ValidationReport)
    case checkpoint(path: String, step: Int)
    /// The update after `step - 1` was skipped: its loss or gradient norm was NaN or infinite.
    case skippedUpdate(step: Int, consecutive: Int)
    /// `train.average_last`: the mean of the newest `checkpoints` numbered checkpoints was written to `path`.
    case averaged(path: String, checkpoints: Int)
    case finished(reason: StopReason, step: Int)
}

public struct TrainingProgress: Sendable {
    public var step: Int
    public var epoch: Int
    /// Mean label-smoothed loss per target token since the last report.
    public var loss: Double
    /// exp(mean negative log-likelihood per target token) since the last report.
    public var perplexity: Double
    public var targetTokensPerSecond: Double
    public var learningRate: Double
    public var gradientNorm: Double
    public var elapsedSeconds: Double
    /// Estimated seconds left, when a limit (steps, epochs or minutes) makes one computable.
    public var etaSeconds: Double?
}

public struct ValidationReport: Sendable {
    public var step: Int
    public var perplexity: Double
    public var accuracy: Double
    public var bleu: Double?
    public var isBest: Bool
    public var learningRate: Double
    public var elapsedSeconds: Double
}

public enum StopReason: String, Sendable {
    case maxSteps = "reached train.max_steps"
    case maxEpochs = "reached train.max_epochs"
    case maxMinutes = "reached train.max_minutes"
    case earlyStopping = "validation stopped improving (train.early_stopping)"
    case interrupted = "interrupted"
}
