import Foundation
import Seq2SeqModel
import ModelFiles

extension Trainer {
    /// The validation due at this step, then a numbered checkpoint. Returns a reason when training stops.
    func validateAndCheckpoint(_ loop: inout Loop, report: (TrainingEvent) -> Void) throws -> StopReason? {
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
        try writeAverage(report: report)
        report(.finished(reason: .earlyStopping, step: state.step))
        return .earlyStopping
    }

    /// A limit is reached: a time budget ends between validations, so the last weights are validated too
    /// and can become best. (Step and epoch limits do not, so that a resumed run stays exact.)
    func finish(_ reason: StopReason, _ loop: inout Loop, report: (TrainingEvent) -> Void) throws -> StopReason {
        if reason == .maxMinutes, state.step % options.validateEvery != 0 {
            do { _ = try validate(metrics: loop.metrics, report: report, shouldStop: loop.validationStop) } catch is ValidationInterrupted {}
        }
        try saveCheckpoint(numbered: false)
        try writeAverage(report: report)
        report(.finished(reason: reason, step: state.step))
        return reason
    }

    func interrupted(report: (TrainingEvent) -> Void) throws -> StopReason {
        try saveCheckpoint(numbered: false)
        report(.checkpoint(path: directory.latest, step: state.step))
        report(.finished(reason: .interrupted, step: state.step))
        return .interrupted
    }

    func limitReached(_ loop: Loop) -> StopReason? {
        if options.maxSteps > 0, state.step >= options.maxSteps { return .maxSteps }
        if state.epoch >= options.maxEpochs { return .maxEpochs }
        let timeUp = loop.processes == 1 ? options.maxMinutes > 0 && state.elapsedSeconds >= options.maxMinutes * 60 : loop.agreedTimeUp
        return timeUp ? .maxMinutes : nil
    }

    func eta(batchesPerEpoch: Int) -> Double? {
        guard state.step > 0 else { return nil }
        let perStep = state.elapsedSeconds / Double(state.step)
        var remaining = Double(options.maxEpochs * batchesPerEpoch - (state.epoch * batchesPerEpoch + state.batchInEpoch)) * perStep
        if options.maxSteps > 0 { remaining = min(remaining, Double(options.maxSteps - state.step) * perStep) }
        if options.maxMinutes > 0 { remaining = min(remaining, options.maxMinutes * 60 - state.elapsedSeconds) }
        return max(0, remaining)
    }

    /// Perplexity (and BLEU when available) on the validation set, of the moving average when it is on;
    /// updates best, schedule and early stopping. Returns whether training should stop.
    func validate(metrics: MetricsLog, report: (TrainingEvent) -> Void, shouldStop: () -> Bool) throws -> Bool {
        guard !validation.isEmpty else { return false }
        let (evaluation, bleuScore) = try withWeightsForUse {
            (try Evaluator.perplexity(model: model, examples: validation, batchTokens: max(options.batchTokens, 2000),
                                      shouldStop: shouldStop),
             try bleu?(model, shouldStop))
        }
        let value: Double, higherIsBetter: Bool
        if options.earlyStopping.metric == .bleu, let bleuScore {
            (value, higherIsBetter) = (bleuScore, true)
        } else {
            (value, higherIsBetter) = (evaluation.perplexity, false)
        }
        let improved = state.bestMetric.map { higherIsBetter ? value > $0 : value < $0 } ?? true
        if improved {
            state.bestMetric = value
            state.bestStep = state.step
            state.staleValidations = 0
            if isWriter { try saveWeights(to: directory.best) }
        } else {
            state.staleValidations += 1
        }
        state.scheduler.validated(improved: improved)
        let validated = ValidationReport(step: state.step, perplexity: evaluation.perplexity, accuracy: evaluation.accuracy,
                                         bleu: bleuScore, isBest: improved, learningRate: state.scheduler.rate(step: state.step),
                                         elapsedSeconds: state.elapsedSeconds)
        metrics.append(MetricsEvent(validated, epoch: state.epoch))
        report(.validation(validated))
        return options.earlyStopping.patience > 0 && state.staleValidations >= options.earlyStopping.patience
    }
}

extension MetricsEvent {
    /// A validation as a valid event of metrics.jsonl.
    init(_ v: ValidationReport, epoch: Int) {
        self.init(event: .valid, step: v.step, epoch: epoch)
        ppl = v.perplexity; accuracy = v.accuracy; bleu = v.bleu; best = v.isBest; lr = v.learningRate; elapsed = v.elapsedSeconds
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
            let cache = model.forward(batcher.batch(indices), mode: .evaluate, computeGradient: false)
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
