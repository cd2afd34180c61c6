import Foundation
import TensorKernels
import Seq2SeqModel
import Recipes

/// Teacher-forced training with Adam, clipping, a learning-rate schedule, validation, early stopping
/// and checkpoints that resume exactly.
public final class Trainer {
    public let model: Seq2Seq
    public let options: TrainSection
    public let batcher: Batcher
    public let validation: [ParallelExample]
    public let directory: ModelDirectory
    /// Validation BLEU of the current weights (decode, detokenize, score); nil: perplexity only.
    public let bleu: ((Seq2Seq) throws -> Double)?
    /// Extra metadata written into every weights file (e.g. the recipe digest).
    public let checkpointMetadata: [String: String]
    public private(set) var state: TrainingState
    let adam: Adam

    public init(model: Seq2Seq, options: TrainSection, batcher: Batcher, validation: [ParallelExample],
                directory: ModelDirectory, bleu: ((Seq2Seq) throws -> Double)?, checkpointMetadata: [String: String] = [:]) {
        self.model = model
        self.options = options
        self.batcher = batcher
        self.validation = validation
        self.directory = directory
        self.bleu = bleu
        self.checkpointMetadata = checkpointMetadata
        state = TrainingState(seed: UInt64(options.seed), scheduler: LearningRateScheduler(options))
        adam = Adam(count: model.parameters.count, beta1: Float(options.adamBeta1), beta2: Float(options.adamBeta2),
                    epsilon: Float(options.adamEpsilon))
    }

    /// Loads `model.safetensors` and `training-state.safetensors` from the directory.
    public func resume() throws {
        guard FileManager.default.fileExists(atPath: directory.trainingState) else {
            throw TrainingError.nothingToResume(directory: directory.path)
        }
        let weights = try SafeTensors.read(path: directory.latest)
        try model.loadWeights(weights, path: directory.latest)
        let file = try SafeTensors.read(path: directory.trainingState)
        try state.restore(from: file, adam: adam, path: directory.trainingState)
        guard weights.metadata["step"] == String(state.step) else {
            throw TrainingError.resumeMismatch(path: directory.path, reason:
                "model.safetensors is at step \(weights.metadata["step"] ?? "?") but the training state at step \(state.step)")
        }
    }

    /// Trains until a limit, early stopping, or `shouldStop()` (checked before every step; Ctrl-C).
    public func run(shouldStop: () -> Bool = { false }, report: (TrainingEvent) -> Void) throws -> StopReason {
        guard !batcher.examples.isEmpty else {
            throw TrainingError.noTrainingData(filtered: batcher.filtered, maxLength: Int.max)
        }
        try directory.create()
        let metrics = MetricsLog(path: directory.metrics)
        let resumedAt = state.step > 0 ? state.step : nil
        var order = batcher.batches(epoch: state.epoch, seed: UInt64(options.seed))
        report(.started(examples: batcher.examples.count, filtered: batcher.filtered, batchesPerEpoch: order.count,
                        parameters: model.parameters.count, resumedAtStep: resumedAt))
        var window = Window()
        let clock = Date()
        let elapsedBefore = state.elapsedSeconds
        var lastCheckpoint: String? = FileManager.default.fileExists(atPath: directory.latest) ? directory.latest : nil
        while true {
            state.elapsedSeconds = elapsedBefore + Date().timeIntervalSince(clock)
            if let reason = limitReached() {
                // A time budget ends between validations: validate the last weights too, so they can
                // become best. (Step and epoch limits do not, so that a resumed run stays exact.)
                if reason == .maxMinutes, state.step % options.validateEvery != 0 {
                    _ = try validate(metrics: metrics, report: report)
                }
                try saveCheckpoint(numbered: false)
                report(.finished(reason: reason, step: state.step))
                return reason
            }
            if shouldStop() {
                try saveCheckpoint(numbered: false)
                report(.checkpoint(path: directory.latest, step: state.step))
                report(.finished(reason: .interrupted, step: state.step))
                return .interrupted
            }
            if state.batchInEpoch >= order.count {
                state.epoch += 1
                state.batchInEpoch = 0
                order = batcher.batches(epoch: state.epoch, seed: UInt64(options.seed))
                continue
            }
            let batch = batcher.batch(order[state.batchInEpoch])
            let learningRate = state.scheduler.rate(step: state.step + 1)
            let (loss, nll, tokens, norm, firstStepNorm) = trainStep(batch, learningRate: learningRate)
            guard loss.isFinite, norm.isFinite else { throw TrainingError.nonFiniteLoss(step: state.step + 1, lastCheckpoint: lastCheckpoint) }
            state.step += 1
            state.batchInEpoch += 1
            window.add(loss: loss, nll: nll, tokens: tokens, sourceTokens: batch.sourceLengths.reduce(0) { $0 + Int($1) },
                       sentences: batch.batchSize, norm: Double(norm), firstStepNorm: firstStepNorm)
            if state.step % options.logEvery == 0 {
                state.elapsedSeconds = elapsedBefore + Date().timeIntervalSince(clock)
                let progress = window.progress(state: state, learningRate: learningRate, eta: eta(batchesPerEpoch: order.count))
                metrics.append([("event", "train"), ("step", state.step), ("epoch", state.epoch), ("loss", progress.loss),
                                ("ppl", progress.perplexity), ("lr", learningRate), ("grad_norm", progress.gradientNorm),
                                ("first_step_grad_norm", window.firstStepNorm / Double(max(window.steps, 1))),
                                ("tokens_per_second", progress.targetTokensPerSecond), ("elapsed", state.elapsedSeconds),
                                ("target_tokens", window.tokens), ("source_tokens", window.sourceTokens),
                                ("sentences", window.sentences),
                                ("seconds", window.seconds)])
                report(.progress(progress))
                window = Window()
            }
            if state.step % options.validateEvery == 0 {
                state.elapsedSeconds = elapsedBefore + Date().timeIntervalSince(clock)
                let validationStarted = Date()
                let stop = try validate(metrics: metrics, report: report)
                try saveCheckpoint(numbered: true)
                window.paused += Date().timeIntervalSince(validationStarted)  // rates count training time only
                lastCheckpoint = directory.latest
                report(.checkpoint(path: directory.latest, step: state.step))
                if stop {
                    report(.finished(reason: .earlyStopping, step: state.step))
                    return .earlyStopping
                }
            }
        }
    }

    /// Forward, backward, clip, Adam: one step. Returns the summed loss and NLL, the token count, the
    /// gradient norm before clipping and the norm of the gradient reaching the first encoder time step.
    func trainStep(_ batch: Batch, learningRate: Double) -> (Double, Double, Int, Float, Double) {
        model.parameters.zeroGradients()
        var generator: SeededGenerator? = state.generator
        let cache = model.forward(batch, labelSmoothing: Float(options.labelSmoothing),
                                  teacherForcing: Float(options.teacherForcing), generator: &generator)
        state.generator = generator!
        guard cache.loss.isFinite else { return (cache.loss, cache.nll, cache.tokens, .nan, .nan) }
        model.backward(cache)
        let norm = GradientClipping.clip(model.parameters, maxNorm: Float(options.clipNorm))
        guard norm.isFinite else { return (cache.loss, cache.nll, cache.tokens, norm, cache.firstStepGradientNorm) }
        adam.update(model.parameters, learningRate: Float(learningRate))
        return (cache.loss, cache.nll, cache.tokens, norm, cache.firstStepGradientNorm)
    }

    private func limitReached() -> StopReason? {
        if options.maxSteps > 0, state.step >= options.maxSteps { return .maxSteps }
        if state.epoch >= options.maxEpochs { return .maxEpochs }
        if options.maxMinutes > 0, state.elapsedSeconds >= options.maxMinutes * 60 { return .maxMinutes }
        return nil
    }

    private func eta(batchesPerEpoch: Int) -> Double? {
        guard state.step > 0 else { return nil }
        let perStep = state.elapsedSeconds / Double(state.step)
        var remaining: [Double] = [Double(options.maxEpochs * batchesPerEpoch - (state.epoch * batchesPerEpoch + state.batchInEpoch)) * perStep]
        if options.maxSteps > 0 { remaining.append(Double(options.maxSteps - state.step) * perStep) }
        if options.maxMinutes > 0 { remaining.append(options.maxMinutes * 60 - state.elapsedSeconds) }
        return max(0, remaining.min()!)
    }

    /// Perplexity (and BLEU when available) on the validation set; updates best, schedule and early stopping.
    /// Returns whether training should stop.
    func validate(metrics: MetricsLog, report: (TrainingEvent) -> Void) throws -> Bool {
        guard !validation.isEmpty else { return false }
        let evaluation = Evaluator.perplexity(model: model, examples: validation, batchTokens: max(options.batchTokens, 2000))
        let bleuScore = try bleu?(model)
        let useBLEU = options.earlyStopping.metric == .bleu && bleuScore != nil
        let value = useBLEU ? bleuScore! : evaluation.perplexity
        let improved = state.bestMetric.map { useBLEU ? value > $0 : value < $0 } ?? true
        if improved {
            state.bestMetric = value
            state.bestStep = state.step
            state.staleValidations = 0
            try model.save(to: directory.best, metadata: weightsMetadata())
        } else {
            state.staleValidations += 1
        }
        state.scheduler.validated(improved: improved)
        var fields: [(String, Any)] = [("event", "valid"), ("step", state.step), ("epoch", state.epoch),
                                       ("ppl", evaluation.perplexity), ("accuracy", evaluation.accuracy)]
        if let bleuScore { fields.append(("bleu", bleuScore)) }
        fields += [("best", improved), ("lr", state.scheduler.rate(step: state.step)), ("elapsed", state.elapsedSeconds)]
        metrics.append(fields)
        report(.validation(ValidationReport(step: state.step, perplexity: evaluation.perplexity, accuracy: evaluation.accuracy,
                                            bleu: bleuScore, isBest: improved, learningRate: state.scheduler.rate(step: state.step),
                                            elapsedSeconds: state.elapsedSeconds)))
        return options.earlyStopping.patience > 0 && state.staleValidations >= options.earlyStopping.patience
    }

    private func weightsMetadata() -> [String: String] {
        var metadata = checkpointMetadata
        metadata["step"] = String(state.step)
        return metadata
    }

    /// Writes the training state, then the weights (each atomically), and optionally a numbered copy.
    func saveCheckpoint(numbered: Bool) throws {
        try directory.create()
        try state.file(adam: adam).write(to: directory.trainingState)
        try model.save(to: directory.latest, metadata: weightsMetadata())
        if numbered {
            try model.save(to: directory.numberedCheckpoint(step: state.step), metadata: weightsMetadata())
            directory.pruneCheckpoints(keep: options.keepCheckpoints)
        }
    }

    /// Running sums between two progress reports.
    struct Window {
        var loss = 0.0, nll = 0.0, tokens = 0, sourceTokens = 0, sentences = 0, norm = 0.0, firstStepNorm = 0.0, steps = 0
        let start = Date()
        /// Time spent validating and checkpointing inside this window.
        var paused = 0.0
        var seconds: Double { Date().timeIntervalSince(start) - paused }
        mutating func add(loss: Double, nll: Double, tokens: Int, sourceTokens: Int, sentences: Int, norm: Double,
                          firstStepNorm: Double) {
            self.firstStepNorm += firstStepNorm
            self.loss += loss; self.nll += nll; self.tokens += tokens; self.sourceTokens += sourceTokens
            self.sentences += sentences
            self.norm += norm; steps += 1
        }
        func progress(state: TrainingState, learningRate: Double, eta: Double?) -> TrainingProgress {
            let t = Double(max(tokens, 1))
            return TrainingProgress(step: state.step, epoch: state.epoch, loss: loss / t, perplexity: Foundation.exp(nll / t),
                                    targetTokensPerSecond: Double(tokens) / max(seconds, 1e-9),
                                    learningRate: learningRate, gradientNorm: norm / Double(max(steps, 1)),
                                    elapsedSeconds: state.elapsedSeconds, etaSeconds: eta)
        }
    }
}

/// Validation perplexity and token accuracy, without dropout.
public enum Evaluator {
    public static func perplexity(model: Seq2Seq, examples: [ParallelExample], batchTokens: Int)
        -> (perplexity: Double, accuracy: Double)
    {
        let batcher = Batcher(examples: examples, maxLength: Int.max, batchTokens: batchTokens, batchSentences: 0)
        var nll = 0.0, tokens = 0, correct = 0
        for indices in batcher.batches(epoch: 0, seed: 0) {
            var noDropout: SeededGenerator? = nil
            let cache = model.forward(batcher.batch(indices), generator: &noDropout, computeGradient: false)
            nll += cache.nll
            tokens += cache.tokens
            correct += cache.correct
        }
        return (Foundation.exp(nll / Double(max(tokens, 1))), Double(correct) / Double(max(tokens, 1)))
    }
}
