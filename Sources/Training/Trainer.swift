import Foundation
import TensorKernels
import Seq2SeqModel
import Recipes
import DurableFiles
import ModelFiles

/// Teacher-forced training with Adam, clipping, a learning-rate schedule, validation, early stopping
/// and checkpoints that resume exactly. The loop is four named steps: `step` (one update),
/// `rollOverEpoch`, `logWindow` and `validateAndCheckpoint` (in Trainer+Validation.swift); files are
/// written in Trainer+Checkpoints.swift.
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
    public internal(set) var state: TrainingState
    let adam: Adam
    /// The moving average of the weights when `train.ema_decay` is above 0.
    public let average: WeightAverage?
    /// The processes of a data-parallel run (one for a plain `nmt train`); only rank 0 writes files.
    public let communicator: Communicator
    var isWriter: Bool { communicator.rank == 0 }
    /// Where the batches of one update are summed, when an update has more than one (accumulation).
    private lazy var accumulated = FloatBuffer(count: model.parameters.count)
    /// Whether the gradients are known to be zero: the update zeroes them in its Adam pass, so the next
    /// update need not (false at the start and after a skipped update).
    private var gradientsAreZero = false
    /// The step of the newest checkpoint on disk (written or resumed from), for error messages.
    var lastCheckpointStep: Int?
    /// Measures the gradient reaching source step 0 for metrics.jsonl's `first_step_grad_norm` (the
    /// vanishing-gradient experiment); nil measures nothing and leaves the key out.
    public var firstStepProbe: FirstStepGradientProbe? = FirstStepGradientProbe()

    /// Updates in a row whose loss or gradient norm is NaN or infinite before training stops.
    public static let maxConsecutiveSkips = 5

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
        average = options.emaDecay > 0 ? WeightAverage(decay: Float(options.emaDecay), weights: model.parameters.values) : nil
    }

    /// Trains until a limit, early stopping, or `shouldStop()` (checked before every step and between
    /// validation batches; Ctrl-C, SIGTERM, SIGHUP).
    public func run(shouldStop: @escaping () -> Bool = { false }, report: (TrainingEvent) -> Void) throws -> StopReason {
        var loop = try start(shouldStop: shouldStop, report: report)
        while true {
            state.elapsedSeconds = loop.elapsed
            if state.validationPending, let stop = try validateAndCheckpoint(&loop, report: report) { return stop }
            if let reason = limitReached(loop) { return try finish(reason, &loop, report: report) }
            if loop.stopRequested { return try interrupted(report: report) }
            if state.batchInEpoch >= loop.order.count {
                rollOverEpoch(&loop)
            } else {
                try step(&loop, report: report)
            }
        }
    }

    /// Checks the data, prepares the directory and the loop, and reports the start.
    private func start(shouldStop: @escaping () -> Bool, report: (TrainingEvent) -> Void) throws -> Loop {
        guard !batcher.examples.isEmpty else {
            throw TrainingError.noTrainingData(filtered: batcher.filtered, maxLength: nil)
        }
        if isWriter {
            try directory.create()
            AtomicFile.removeStale(in: directory.path)
            AtomicFile.removeStale(in: directory.checkpoints)
        }
        let loop = Loop(metrics: isWriter ? MetricsLog(path: directory.metrics) : MetricsLog(), elapsedBefore: state.elapsedSeconds,
                        order: batcher.batches(epoch: state.epoch, seed: UInt64(options.seed)), shouldStop: shouldStop,
                        processes: communicator.size)
        report(.started(examples: batcher.examples.count, filtered: batcher.filtered, batchesPerEpoch: loop.order.count,
                        parameters: model.parameters.count, resumedAtStep: state.step > 0 ? state.step : nil))
        return loop
    }

    /// The next epoch, with its own batch order.
    private func rollOverEpoch(_ loop: inout Loop) {
        state.epoch += 1
        state.batchInEpoch = 0
        loop.order = batcher.batches(epoch: state.epoch, seed: UInt64(options.seed))
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

    /// What the forward and backward passes of one update's batches add up to.
    struct GradientSums {
        var loss = 0.0, nll = 0.0, sourceTokens = 0, sentences = 0
        /// The mean over the update's batches of the gradient norm reaching source step 0.
        var firstStepNorm = 0.0
    }

    /// One update: this process's share of the next `processes × accumulate` batches, their gradients
    /// summed across processes, then one clipped Adam step (and the moving average), or none when the
    /// loss or gradient norm is not finite (a skipped update, counted).
    private func step(_ loop: inout Loop, report: (TrainingEvent) -> Void) throws {
        let processes = communicator.size
        let positions = Array(state.batchInEpoch..<min(state.batchInEpoch + processes * options.accumulate, loop.order.count))
        let mine = positions.enumerated().filter { $0.offset % processes == communicator.rank }.map(\.element)
        let tokens = positions.reduce(0) { $0 + batcher.targetTokens(loop.order[$1]) }
        let learningRate = state.scheduler.rate(step: state.step + 1)
        var sums = gradients(positions: mine, order: loop.order, scale: 1 / Float(max(tokens, 1)))
        if processes > 1 { try sumAcrossProcesses(&sums, &loop) }
        state.batchInEpoch += positions.count
        let norm = sums.loss.isFinite ? applyGradients(learningRate: learningRate) : .nan
        guard norm.isFinite else { return try skip(loss: sums.loss, norm: norm, &loop, report: report) }
        loop.consecutiveSkips = 0
        state.step += 1
        loop.window.add(sums, tokens: tokens, norm: Double(norm))
        if state.step % options.logEvery == 0 { logWindow(&loop, learningRate: learningRate, report: report) }
        if state.step % options.validateEvery == 0 { state.validationPending = true }
    }

    /// The gradients and the sums of every process added up, and the stop and time-up flags agreed.
    private func sumAcrossProcesses(_ sums: inout GradientSums, _ loop: inout Loop) throws {
        let processes = communicator.size
        try communicator.sum(model.parameters.gradients)
        let timeUp = communicator.rank == 0 && options.maxMinutes > 0 && loop.elapsed >= options.maxMinutes * 60
        var scalars = [sums.loss, sums.nll, Double(sums.sourceTokens), Double(sums.sentences), sums.firstStepNorm,
                       loop.shouldStop() ? 1 : 0, timeUp ? 1 : 0]
        try communicator.sum(&scalars)
        sums = GradientSums(loss: scalars[0], nll: scalars[1], sourceTokens: Int(scalars[2]), sentences: Int(scalars[3]),
                            firstStepNorm: scalars[4] / Double(processes))
        loop.agreedStop = scalars[5] > 0
        loop.agreedTimeUp = scalars[6] > 0
    }

    /// An update whose loss or gradient norm is not finite: logged, reported, and after
    /// `maxConsecutiveSkips` in a row an error.
    private func skip(loss: Double, norm: Float, _ loop: inout Loop, report: (TrainingEvent) -> Void) throws {
        state.skippedUpdates += 1
        loop.consecutiveSkips += 1
        var event = MetricsEvent(event: .skipped, step: state.step + 1, epoch: state.epoch)
        event.loss = loss
        event.gradNorm = Double(norm)
        event.skippedUpdates = state.skippedUpdates
        loop.metrics.append(event)
        report(.skippedUpdate(step: state.step + 1, consecutive: loop.consecutiveSkips))
        if loop.consecutiveSkips >= Self.maxConsecutiveSkips {
            throw TrainingError.nonFiniteLoss(step: state.step + 1, updates: loop.consecutiveSkips,
                                              lastCheckpoint: lastCheckpointStep.map { (directory.trainingState, $0) })
        }
    }

    /// Forward and backward of the batches at `positions`, each with its own dropout stream and its loss
    /// scaled by `scale` (1 / the update's target tokens), summed into `parameters.gradients`: one batch
    /// straight into them, several through `accumulated`, so that each batch's gradient is complete before
    /// it is added, as an allreduce across processes adds them.
    private func gradients(positions: [Int], order: [[Int]], scale: Float) -> GradientSums {
        var sums = GradientSums()
        let g = model.parameters.gradients, acc = accumulated, n = g.count
        if !gradientsAreZero { model.parameters.zeroGradients() }
        gradientsAreZero = false
        for (k, position) in positions.enumerated() {
            if k > 0 { model.parameters.zeroGradients() }
            let batch = batcher.batch(order[position])
            let mode = ForwardMode.train(Self.batchGenerator(seed: options.seed, epoch: state.epoch, position: position))
            let cache = model.forward(batch, mode: mode, labelSmoothing: Float(options.labelSmoothing),
                                      teacherForcing: Float(options.teacherForcing), lossScale: scale)
            sums.loss += cache.loss; sums.nll += cache.nll
            sums.sourceTokens += batch.sourceLengths.reduce(0) { $0 + Int($1) }
            sums.sentences += batch.batchSize
            if cache.loss.isFinite {
                model.backward(cache, probe: firstStepProbe)
                sums.firstStepNorm += (firstStepProbe?.norm ?? 0) / Double(positions.count)
            }
            if positions.count > 1 {
                if k == 0 { acc.pointer.update(from: g.pointer, count: n) } else { for i in 0..<n { acc.pointer[i] += g.pointer[i] } }
            }
        }
        if positions.count > 1 { g.pointer.update(from: acc.pointer, count: n) }
        return sums
    }

    /// Clip and Adam on the summed gradients, then the moving average; returns the norm before clipping
    /// (no step when not finite).
    private func applyGradients(learningRate: Double) -> Float {
        let norm = GradientClipping.norm(model.parameters)
        if norm.isFinite {
            adam.update(model.parameters, learningRate: Float(learningRate),
                        gradientScale: GradientClipping.scale(norm: norm, maxNorm: Float(options.clipNorm)), zeroGradients: true)
            gradientsAreZero = true
            average?.update(from: model.parameters.values)
        }
        return norm
    }

    /// The progress window: one train event in metrics.jsonl and one progress report, then a new window.
    private func logWindow(_ loop: inout Loop, learningRate: Double, report: (TrainingEvent) -> Void) {
        state.elapsedSeconds = loop.elapsed
        let window = loop.window
        let progress = window.progress(state: state, learningRate: learningRate, eta: eta(batchesPerEpoch: loop.order.count))
        var event = window.event(progress)
        if firstStepProbe == nil { event.firstStepGradNorm = nil }
        loop.metrics.append(event)
        report(.progress(progress))
        loop.window = Window()
    }

    /// Running sums between two progress reports.
    struct Window {
        var sums = GradientSums(), tokens = 0, norm = 0.0, steps = 0
        let start = Date()
        /// Time spent validating and checkpointing inside this window.
        var paused = 0.0
        var seconds: Double { Date().timeIntervalSince(start) - paused }
        mutating func add(_ update: GradientSums, tokens: Int, norm: Double) {
            sums.loss += update.loss; sums.nll += update.nll; sums.sourceTokens += update.sourceTokens
            sums.sentences += update.sentences; sums.firstStepNorm += update.firstStepNorm
            self.tokens += tokens
            self.norm += norm; steps += 1
        }
        func progress(state: TrainingState, learningRate: Double, eta: Double?) -> TrainingProgress {
            let t = Double(max(tokens, 1))
            return TrainingProgress(step: state.step, epoch: state.epoch, loss: sums.loss / t, perplexity: Foundation.exp(sums.nll / t),
                                    targetTokensPerSecond: Double(tokens) / max(seconds, 1e-9),
                                    learningRate: learningRate, gradientNorm: norm / Double(max(steps, 1)),
                                    elapsedSeconds: state.elapsedSeconds, etaSeconds: eta)
        }
        /// The window as a train event of metrics.jsonl.
        func event(_ progress: TrainingProgress) -> MetricsEvent {
            var e = MetricsEvent(event: .train, step: progress.step, epoch: progress.epoch)
            e.loss = progress.loss; e.ppl = progress.perplexity; e.lr = progress.learningRate; e.gradNorm = progress.gradientNorm
            e.firstStepGradNorm = sums.firstStepNorm / Double(max(steps, 1))
            e.tokensPerSecond = progress.targetTokensPerSecond; e.elapsed = progress.elapsedSeconds
            e.targetTokens = tokens; e.sourceTokens = sums.sourceTokens; e.sentences = sums.sentences; e.seconds = seconds
            return e
        }
    }
}
