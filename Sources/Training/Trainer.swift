import Foundation
import TensorKernels
import Seq2SeqModel
import Recipes
import DurableFiles

/// Teacher-forced training with Adam, clipping, a learning-rate schedule, validation, early stopping
/// and checkpoints that resume exactly.
public final class Trainer {
    public let model: Seq2Seq
    public let options: TrainSection
    public let batcher: Batcher
    public let validation: [ParallelExample]
    public let directory: ModelDirectory
    /// Validation BLEU of the current weights (decode, detokenize, score); nil: perplexity only. It throws
    /// `ValidationInterrupted` when its second argument turns true between batches.
    public let bleu: ((Seq2Seq, _ shouldStop: () -> Bool) throws -> Double)?
    /// Extra metadata written into every weights file (e.g. the recipe digest).
    public let checkpointMetadata: [String: String]
    public private(set) var state: TrainingState
    let adam: Adam
    /// The processes of a data-parallel run (one for a plain `nmt train`); only rank 0 writes files.
    public let communicator: Communicator
    var isWriter: Bool { communicator.rank == 0 }
    /// Where the batches of one update are summed, when an update has more than one (accumulation).
    private lazy var accumulated = FloatBuffer(count: model.parameters.count)

    public init(model: Seq2Seq, options: TrainSection, batcher: Batcher, validation: [ParallelExample],
                directory: ModelDirectory, bleu: ((Seq2Seq, _ shouldStop: () -> Bool) throws -> Double)?, checkpointMetadata: [String: String] = [:],
                communicator: Communicator = SingleProcess()) {
        self.communicator = communicator
        self.model = model
        self.options = options
        self.batcher = batcher
        self.validation = validation
        self.directory = directory
        self.bleu = bleu
        self.checkpointMetadata = checkpointMetadata
        state = TrainingState(scheduler: LearningRateScheduler(options))
        state.processes = communicator.size
        state.accumulate = options.accumulate
        adam = Adam(count: model.parameters.count, beta1: Float(options.adamBeta1), beta2: Float(options.adamBeta2),
                    epsilon: Float(options.adamEpsilon))
    }

    /// Restores weights, optimizer and counters from `training-state.safetensors`. A `model.safetensors`
    /// left one checkpoint behind by a kill between the two writes is brought up to date, and
    /// `metrics.jsonl` loses the events of the steps that will now run again. In a data-parallel run rank 0
    /// reads the file and the others receive it. Returns a warning when the effective batch changed.
    @discardableResult
    public func resume() throws -> String? {
        if isWriter, !FileManager.default.fileExists(atPath: directory.trainingState) {
            throw TrainingError.nothingToResume(directory: directory.path)
        }
        let file: SafeTensors
        if communicator.size == 1 {
            file = try SafeTensors.read(path: directory.trainingState)
        } else {
            var bytes = isWriter ? try [UInt8](Foundation.Data(contentsOf: URL(fileURLWithPath: directory.trainingState))) : []
            try communicator.broadcast(&bytes, from: 0)
            file = try SafeTensors.parse(Foundation.Data(bytes), path: directory.trainingState)
        }
        let before = (processes: state.processes, accumulate: state.accumulate)
        try state.restore(from: file, adam: adam, weights: model.parameters.values, path: directory.trainingState)
        let warning = state.processes * state.accumulate == before.processes * before.accumulate ? nil
            : "the run was trained with \(state.processes) process(es) × train.accumulate \(state.accumulate) batches per update "
                + "and continues with \(before.processes) × \(before.accumulate): the effective batch size changes"
        (state.processes, state.accumulate) = before
        lastCheckpointStep = state.step
        if isWriter {
            let latest = try? SafeTensors.read(path: directory.latest)
            if latest?.metadata["step"] != String(state.step) { try model.save(to: directory.latest, metadata: weightsMetadata()) }
            try MetricsLog.dropEvents(after: state.step, path: directory.metrics)
        }
        return warning
    }

    /// Updates in a row whose loss or gradient norm is NaN or infinite before training stops.
    public static let maxConsecutiveSkips = 5

    /// The step of the newest checkpoint on disk (written or resumed from), for error messages.
    private(set) var lastCheckpointStep: Int?

    /// Trains until a limit, early stopping, or `shouldStop()` (checked before every step and between
    /// validation batches; Ctrl-C, SIGTERM, SIGHUP).
    public func run(shouldStop: @escaping () -> Bool = { false }, report: (TrainingEvent) -> Void) throws -> StopReason {
        guard !batcher.examples.isEmpty else {
            throw TrainingError.noTrainingData(filtered: batcher.filtered, maxLength: nil)
        }
        if isWriter {
            try directory.create()
            AtomicFile.removeStale(in: directory.path)
            AtomicFile.removeStale(in: directory.checkpoints)
        }
        var loop = Loop(metrics: isWriter ? MetricsLog(path: directory.metrics) : MetricsLog(), elapsedBefore: state.elapsedSeconds,
                        order: batcher.batches(epoch: state.epoch, seed: UInt64(options.seed)), shouldStop: shouldStop,
                        processes: communicator.size)
        report(.started(examples: batcher.examples.count, filtered: batcher.filtered, batchesPerEpoch: loop.order.count,
                        parameters: model.parameters.count, resumedAtStep: state.step > 0 ? state.step : nil))
        while true {
            state.elapsedSeconds = loop.elapsed
            if state.validationPending, let stop = try validateAndCheckpoint(&loop, report: report) { return stop }
            if let reason = limitReached(loop) { return try finish(reason, &loop, report: report) }
            if loop.stopRequested { return try interrupted(report: report) }
            if state.batchInEpoch >= loop.order.count {
                state.epoch += 1
                state.batchInEpoch = 0
                loop.order = batcher.batches(epoch: state.epoch, seed: UInt64(options.seed))
                continue
            }
            try update(&loop, report: report)
        }
    }

    /// What one `run` keeps between steps.
    struct Loop {
        let metrics: MetricsLog
        let clock = Date()
        let elapsedBefore: Double
        var order: [[Int]]
        let shouldStop: () -> Bool
        let processes: Int
        var window = Window()
        var consecutiveSkips = 0
        /// Several processes stop together: these are what all agreed on at the last update.
        var agreedStop = false, agreedTimeUp = false
        var elapsed: Double { elapsedBefore + Date().timeIntervalSince(clock) }
        /// A stop request (one process: now; several: as agreed at the last update, so all stop together).
        var stopRequested: Bool { processes == 1 ? shouldStop() : agreedStop }
        /// What may interrupt a validation: with several processes nothing, as they must all finish it.
        var validationStop: () -> Bool { processes == 1 ? shouldStop : { false } }
    }

    /// The key of a batch's dropout and sampling stream: its place in the run, not which process computes
    /// it or what ran before, so every split of an update's batches gives the same result.
    static func batchGenerator(seed: Int, epoch: Int, position: Int) -> SeededGenerator {
        SeededGenerator(seed: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(epoch + 1) &* 0xBF58_476D_1CE4_E5B9
                        ^ UInt64(position + 1) &* 0x94D0_49BB_1331_11EB)
    }

    /// One update: this process's share of the next `processes × accumulate` batches, their gradients
    /// summed across processes, then one clipped Adam step, or none when the loss or gradient norm is not
    /// finite (a skipped update, counted).
    private func update(_ loop: inout Loop, report: (TrainingEvent) -> Void) throws {
        let processes = communicator.size
        let positions = Array(state.batchInEpoch..<min(state.batchInEpoch + processes * options.accumulate, loop.order.count))
        let mine = positions.enumerated().filter { $0.offset % processes == communicator.rank }.map(\.element)
        let tokens = positions.reduce(0) { $0 + batcher.targetTokens(loop.order[$1]) }
        let learningRate = state.scheduler.rate(step: state.step + 1)
        var sums = gradients(positions: mine, order: loop.order, scale: 1 / Float(max(tokens, 1)))
        if processes > 1 {
            try communicator.sum(model.parameters.gradients)
            let timeUp = communicator.rank == 0 && options.maxMinutes > 0 && loop.elapsed >= options.maxMinutes * 60
            var scalars = [sums.loss, sums.nll, Double(sums.sourceTokens), Double(sums.sentences), sums.firstStepNorm,
                           loop.shouldStop() ? 1 : 0, timeUp ? 1 : 0]
            try communicator.sum(&scalars)
            sums = (scalars[0], scalars[1], Int(scalars[2]), Int(scalars[3]), scalars[4] / Double(processes))
            loop.agreedStop = scalars[5] > 0
            loop.agreedTimeUp = scalars[6] > 0
        }
        state.batchInEpoch += positions.count
        let norm = sums.loss.isFinite ? applyGradients(learningRate: learningRate) : .nan
        guard norm.isFinite else {
            state.skippedUpdates += 1
            loop.consecutiveSkips += 1
            loop.metrics.append([("event", "skipped"), ("step", state.step + 1), ("epoch", state.epoch), ("loss", sums.loss),
                                 ("grad_norm", Double(norm)), ("skipped_updates", state.skippedUpdates)])
            report(.skippedUpdate(step: state.step + 1, consecutive: loop.consecutiveSkips))
            if loop.consecutiveSkips >= Self.maxConsecutiveSkips {
                throw TrainingError.nonFiniteLoss(step: state.step + 1, updates: loop.consecutiveSkips,
                                                  lastCheckpoint: lastCheckpointStep.map { (directory.trainingState, $0) })
            }
            return
        }
        loop.consecutiveSkips = 0
        state.step += 1
        loop.window.add(loss: sums.loss, nll: sums.nll, tokens: tokens, sourceTokens: sums.sourceTokens, sentences: sums.sentences,
                        norm: Double(norm), firstStepNorm: sums.firstStepNorm)
        if state.step % options.logEvery == 0 { logProgress(&loop, learningRate: learningRate, report: report) }
        if state.step % options.validateEvery == 0 { state.validationPending = true }
    }

    /// Forward and backward of the batches at `positions`, each with its own dropout stream and its loss
    /// scaled by `scale` (1 / the update's target tokens), summed into `parameters.gradients`: one batch
    /// straight into them, several through `accumulated`, so that each batch's gradient is complete before
    /// it is added, as an allreduce across processes adds them. Returns the summed loss, NLL, source tokens,
    /// sentences and the mean first-step gradient norm.
    private func gradients(positions: [Int], order: [[Int]], scale: Float)
        -> (loss: Double, nll: Double, sourceTokens: Int, sentences: Int, firstStepNorm: Double)
    {
        var sums = (loss: 0.0, nll: 0.0, sourceTokens: 0, sentences: 0, firstStepNorm: 0.0)
        let g = model.parameters.gradients, acc = accumulated, n = g.count
        model.parameters.zeroGradients()
        for (k, position) in positions.enumerated() {
            if k > 0 { model.parameters.zeroGradients() }
            let batch = batcher.batch(order[position])
            var generator: SeededGenerator? = Self.batchGenerator(seed: options.seed, epoch: state.epoch, position: position)
            let cache = model.forward(batch, labelSmoothing: Float(options.labelSmoothing),
                                      teacherForcing: Float(options.teacherForcing), generator: &generator, lossScale: scale)
            sums.loss += cache.loss; sums.nll += cache.nll
            sums.sourceTokens += batch.sourceLengths.reduce(0) { $0 + Int($1) }
            sums.sentences += batch.batchSize
            if cache.loss.isFinite {
                model.backward(cache)
                sums.firstStepNorm += cache.firstStepGradientNorm / Double(positions.count)
            }
            if positions.count > 1 {
                if k == 0 { acc.pointer.update(from: g.pointer, count: n) } else { for i in 0..<n { acc.pointer[i] += g.pointer[i] } }
            }
        }
        if positions.count > 1 { g.pointer.update(from: acc.pointer, count: n) }
        return sums
    }

    /// Clip and Adam on the summed gradients; returns the norm before clipping (no step when not finite).
    private func applyGradients(learningRate: Double) -> Float {
        let norm = GradientClipping.clip(model.parameters, maxNorm: Float(options.clipNorm))
        if norm.isFinite { adam.update(model.parameters, learningRate: Float(learningRate)) }
        return norm
    }

    private func logProgress(_ loop: inout Loop, learningRate: Double, report: (TrainingEvent) -> Void) {
        state.elapsedSeconds = loop.elapsed
        let window = loop.window
        let progress = window.progress(state: state, learningRate: learningRate, eta: eta(batchesPerEpoch: loop.order.count))
        loop.metrics.append([("event", "train"), ("step", state.step), ("epoch", state.epoch), ("loss", progress.loss),
                             ("ppl", progress.perplexity), ("lr", learningRate), ("grad_norm", progress.gradientNorm),
                             ("first_step_grad_norm", window.firstStepNorm / Double(max(window.steps, 1))),
                             ("tokens_per_second", progress.targetTokensPerSecond), ("elapsed", state.elapsedSeconds),
                             ("target_tokens", window.tokens), ("source_tokens", window.sourceTokens),
                             ("sentences", window.sentences), ("seconds", window.seconds)])
        report(.progress(progress))
        loop.window = Window()
    }

    /// The validation due at this step, then a numbered checkpoint. Returns a reason when training stops.
    private func validateAndCheckpoint(_ loop: inout Loop, report: (TrainingEvent) -> Void) throws -> StopReason? {
        let started = Date()
        let stop: Bool
        do {
            try checkIdenticalWeights()
            stop = try validate(metrics: loop.metrics, report: report, shouldStop: loop.validationStop)
        } catch is ValidationInterrupted {
            return try interrupted(report: report)  // the state keeps `validationPending`: a resume validates first
        }
        state.validationPending = false
        try saveCheckpoint(numbered: true)
        loop.window.paused += Date().timeIntervalSince(started)  // rates count training time only
        report(.checkpoint(path: directory.latest, step: state.step))
        guard stop else { return nil }
        report(.finished(reason: .earlyStopping, step: state.step))
        return .earlyStopping
    }

    /// A limit is reached: a time budget ends between validations, so the last weights are validated too
    /// and can become best. (Step and epoch limits do not, so that a resumed run stays exact.)
    private func finish(_ reason: StopReason, _ loop: inout Loop, report: (TrainingEvent) -> Void) throws -> StopReason {
        if reason == .maxMinutes, state.step % options.validateEvery != 0 {
            do { _ = try validate(metrics: loop.metrics, report: report, shouldStop: loop.validationStop) } catch is ValidationInterrupted {}
        }
        try saveCheckpoint(numbered: false)
        report(.finished(reason: reason, step: state.step))
        return reason
    }

    private func interrupted(report: (TrainingEvent) -> Void) throws -> StopReason {
        try saveCheckpoint(numbered: false)
        report(.checkpoint(path: directory.latest, step: state.step))
        report(.finished(reason: .interrupted, step: state.step))
        return .interrupted
    }

    private func limitReached(_ loop: Loop) -> StopReason? {
        if options.maxSteps > 0, state.step >= options.maxSteps { return .maxSteps }
        if state.epoch >= options.maxEpochs { return .maxEpochs }
        let timeUp = loop.processes == 1 ? options.maxMinutes > 0 && state.elapsedSeconds >= options.maxMinutes * 60 : loop.agreedTimeUp
        return timeUp ? .maxMinutes : nil
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
    func validate(metrics: MetricsLog, report: (TrainingEvent) -> Void, shouldStop: () -> Bool) throws -> Bool {
        guard !validation.isEmpty else { return false }
        let evaluation = try Evaluator.perplexity(model: model, examples: validation, batchTokens: max(options.batchTokens, 2000),
                                                  shouldStop: shouldStop)
        let bleuScore = try bleu?(model, shouldStop)
        let useBLEU = options.earlyStopping.metric == .bleu && bleuScore != nil
        let value = useBLEU ? bleuScore! : evaluation.perplexity
        let improved = state.bestMetric.map { useBLEU ? value > $0 : value < $0 } ?? true
        if improved {
            state.bestMetric = value
            state.bestStep = state.step
            state.staleValidations = 0
            if isWriter { try model.save(to: directory.best, metadata: weightsMetadata()) }
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

    /// Writes the training state (which holds everything a resume needs, weights included), then the
    /// weights for `translate`, then optionally a numbered copy, each crash-safe: at every instant the
    /// directory holds one complete resumable state. Weights that are not all finite are never written.
    func saveCheckpoint(numbered: Bool) throws {
        guard model.parameters.values.allFinite else {
            throw TrainingError.nonFiniteWeights(step: state.step, lastCheckpoint: lastCheckpointStep.map { (directory.trainingState, $0) })
        }
        guard isWriter else { lastCheckpointStep = state.step; return }
        try directory.create()
        try state.file(adam: adam, weights: model.parameters.values).write(to: directory.trainingState)
        lastCheckpointStep = state.step
        TestPause.between("the training state and the weights")
        try model.save(to: directory.latest, metadata: weightsMetadata())
        if numbered {
            TestPause.between("the weights and the numbered checkpoint")
            try model.save(to: directory.numberedCheckpoint(step: state.step), metadata: weightsMetadata())
            directory.pruneCheckpoints(keep: options.keepCheckpoints)
        }
    }

    /// Several processes must hold the same weights; a checksum compared at every validation says they
    /// do, or stops the run loudly.
    private func checkIdenticalWeights() throws {
        guard communicator.size > 1 else { return }
        var sum = 0.0
        let w = model.parameters.values
        for i in 0..<w.count { sum += Double(w.pointer[i]) * Double(i % 7 + 1) }
        var extremes = [sum, -sum]
        try communicator.maximum(&extremes)
        guard extremes[0] == -extremes[1] else {
            throw TrainingError.processesDiverged(step: state.step, low: -extremes[1], high: extremes[0])
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
    public static func perplexity(model: Seq2Seq, examples: [ParallelExample], batchTokens: Int,
                                  shouldStop: () -> Bool = { false }) throws -> (perplexity: Double, accuracy: Double)
    {
        let batcher = Batcher(examples: examples, maxLength: Int.max, batchTokens: batchTokens, batchSentences: 0)
        var nll = 0.0, tokens = 0, correct = 0
        for indices in batcher.batches(epoch: 0, seed: 0) {
            if shouldStop() { throw ValidationInterrupted() }
            var noDropout: SeededGenerator? = nil
            let cache = model.forward(batcher.batch(indices), generator: &noDropout, computeGradient: false)
            nll += cache.nll
            tokens += cache.tokens
            correct += cache.correct
        }
        return (Foundation.exp(nll / Double(max(tokens, 1))), Double(correct) / Double(max(tokens, 1)))
    }
}

/// Thrown out of a validation when a stop was requested between its batches.
public struct ValidationInterrupted: Error {
    public init() {}
}
