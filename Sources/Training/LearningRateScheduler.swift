import Recipes

/// The learning rate over training: constant; decayed on a validation plateau; or linear warm-up
/// followed by inverse-square-root decay: lr · min(step / warmup, √(warmup / step)).
public struct LearningRateScheduler: Sendable, Equatable {
    public let schedule: LearningRateSchedule
    public let base: Double
    public let decay: Double
    public let patience: Int
    public let warmup: Int
    public let minimum: Double
    /// The plateau schedule's current rate and its count of validations without improvement.
    public var plateauRate: Double
    public var badValidations = 0

    public init(_ train: TrainSection) {
        schedule = train.lrSchedule
        base = train.learningRate
        decay = train.lrDecay
        patience = train.lrPatience
        warmup = train.warmupSteps
        minimum = train.minLearningRate
        plateauRate = train.learningRate
    }

    public func rate(step: Int) -> Double {
        switch schedule {
        case .constant: return base
        case .plateau: return plateauRate
        case .warmup_decay:
            guard warmup > 0 else { return base }
            let s = Double(max(step, 1)), w = Double(warmup)
            return base * min(s / w, (w / s).squareRoot())
        }
    }

    /// Called after each validation with whether the metric improved.
    public mutating func validated(improved: Bool) {
        guard schedule == .plateau else { return }
        if improved { badValidations = 0; return }
        badValidations += 1
        if badValidations >= patience {
            plateauRate = max(minimum, plateauRate * decay)
            badValidations = 0
        }
    }
}
