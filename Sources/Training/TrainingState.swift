import Foundation
import TensorKernels
import Seq2SeqModel

/// Everything an exact resume needs, weights included: optimizer moments, counters, schedule state, a
/// copy of the weights and, with `train.ema_decay`, their moving average (dropout's random numbers are
/// keyed by the batch's place, so no generator state), in one file (`training-state.safetensors`), so that
/// a single rename switches from one resumable state to the next and no kill can leave a mismatched pair.
public struct TrainingState: Sendable, Equatable {
    public var step = 0
    public var epoch = 0
    /// Batches of the current epoch already consumed (the data iterator's position).
    public var batchInEpoch = 0
    public var scheduler: LearningRateScheduler
    public var bestMetric: Double? = nil
    public var bestStep = 0
    /// Validations since the best one (early stopping).
    public var staleValidations = 0
    public var elapsedSeconds = 0.0
    /// Updates skipped because the loss or the gradient norm was not finite, in all.
    public var skippedUpdates = 0
    /// The validation due at `step` has not run yet (it was interrupted); a resumed run does it first.
    public var validationPending = false
    /// The processes and the batches accumulated per update when this state was written; a change is
    /// allowed on resume (with a warning): it changes the effective batch size.
    public var processes = 1
    public var accumulate = 1

    public init(scheduler: LearningRateScheduler) {
        self.scheduler = scheduler
    }

    static let format = "swiftnmt-training-state-2"

    func file(adam: Adam, weights: FloatBuffer, average: WeightAverage?) -> SafeTensors {
        var counters: [Int64] = [Int64(step), Int64(epoch), Int64(batchInEpoch), Int64(adam.step), Int64(scheduler.badValidations),
                                 Int64(staleValidations), Int64(bestStep)]
        counters += [Int64(skippedUpdates), validationPending ? 1 : 0, Int64(processes), Int64(accumulate)]
        var metadata = ["format": Self.format, "plateau_rate": String(scheduler.plateauRate),
                        "elapsed_seconds": String(elapsedSeconds), "step": String(step)]
        if let bestMetric { metadata["best_metric"] = String(bestMetric) }
        var tensors: [String: SafeTensors.Tensor] = ["adam.m": .init(floats: adam.m.array, shape: [adam.m.count]),
                                                     "adam.v": .init(floats: adam.v.array, shape: [adam.v.count]),
                                                     "weights": .init(floats: weights.array, shape: [weights.count]),
                                                     "counters": .init(int64s: counters, shape: [counters.count])]
        if let average {
            tensors["ema"] = .init(floats: average.values.array, shape: [average.values.count])
            metadata["ema_decay"] = String(average.decay)
        }
        return SafeTensors(tensors: tensors, metadata: metadata)
    }

    /// Restores the counters into `self`, the moments into `adam`, the weights into `weights` and their
    /// moving average into `average`. Every counter is range-checked: the file is user input.
    mutating func restore(from file: SafeTensors, adam: Adam, weights: FloatBuffer, average: WeightAverage?, path: String) throws {
        guard file.metadata["format"] == Self.format else {
            throw TrainingError.resumeMismatch(path: path, reason: "it is not a training state of this nmt version "
                + "(\(Self.format)); continue from its weights in a new run, or train again")
        }
        let counterCount = 11
        guard let m = file.tensors["adam.m"], let v = file.tensors["adam.v"], let c = file.tensors["counters"],
              m.dtype == .F32, v.dtype == .F32, c.dtype == .I64, m.shape == [adam.m.count], v.shape == [adam.v.count],
              c.shape == [counterCount]
        else { throw TrainingError.resumeMismatch(path: path, reason: "its optimizer state does not fit this model's \(adam.m.count) parameters") }
        guard let w = file.tensors["weights"], w.dtype == .F32, w.shape == [weights.count] else {
            throw TrainingError.resumeMismatch(path: path, reason: "its weights do not fit this model's \(weights.count) parameters")
        }
        let counters = c.int64s
        func field(_ i: Int, _ name: String, _ range: ClosedRange<Int64> = 0...Int64(Int32.max)) throws -> Int {
            guard range.contains(counters[i]) else {
                throw TrainingError.resumeMismatch(path: path, reason: "its \(name) is \(counters[i]), outside \(range.lowerBound)...\(range.upperBound)")
            }
            return Int(counters[i])
        }
        var restored = self
        restored.step = try field(0, "step"); restored.epoch = try field(1, "epoch")
        restored.batchInEpoch = try field(2, "batch position")
        let adamStep = try field(3, "optimizer step")
        restored.scheduler.badValidations = try field(4, "count of validations without improvement")
        restored.staleValidations = try field(5, "count of stale validations")
        restored.bestStep = try field(6, "best step", 0...counters[0])
        restored.skippedUpdates = try field(7, "count of skipped updates")
        restored.validationPending = try field(8, "pending-validation flag", 0...1) == 1
        restored.processes = try field(9, "process count", 1...65536)
        restored.accumulate = try field(10, "accumulation count", 1...65536)
        func number(_ key: String) throws -> Double? {
            guard let text = file.metadata[key] else { return nil }
            guard let value = Double(text), value.isFinite else {
                throw TrainingError.resumeMismatch(path: path, reason: "its \(key) is \(text), not a finite number")
            }
            return value
        }
        if let rate = try number("plateau_rate") {
            guard rate > 0 else { throw TrainingError.resumeMismatch(path: path, reason: "its plateau_rate \(rate) is not above 0") }
            restored.scheduler.plateauRate = rate
        }
        restored.elapsedSeconds = max(0, try number("elapsed_seconds") ?? 0)
        restored.bestMetric = try number("best_metric")
        let ema = try Self.movingAverage(in: file, for: average, path: path)
        for (name, tensor) in [("adam.m", m), ("adam.v", v), ("weights", w)] + (ema.map { [("ema", $0)] } ?? []) {
            guard tensor.bytes.withUnsafeBytes({ $0.bindMemory(to: Float.self).allSatisfy(\.isFinite) }) else {  // no copy
                throw TrainingError.resumeMismatch(path: path, reason: "its \(name) holds NaN or infinite values")
            }
        }
        self = restored
        adam.step = adamStep
        m.bytes.withUnsafeBytes { adam.m.pointer.update(from: $0.bindMemory(to: Float.self).baseAddress!, count: adam.m.count) }
        v.bytes.withUnsafeBytes { adam.v.pointer.update(from: $0.bindMemory(to: Float.self).baseAddress!, count: adam.v.count) }
        w.bytes.withUnsafeBytes { weights.pointer.update(from: $0.bindMemory(to: Float.self).baseAddress!, count: weights.count) }
        if let ema, let average {
            ema.bytes.withUnsafeBytes { average.values.pointer.update(from: $0.bindMemory(to: Float.self).baseAddress!, count: average.values.count) }
        }
    }

    /// The `ema` tensor, present exactly when the run averages the weights (`train.ema_decay` above 0), with
    /// one value per parameter: switching the average on or off would change what `best` and
    /// model.safetensors mean halfway through a run.
    private static func movingAverage(in file: SafeTensors, for average: WeightAverage?, path: String) throws -> SafeTensors.Tensor? {
        switch (file.tensors["ema"], average) {
        case (nil, nil):
            return nil
        case (nil, let average?):
            throw TrainingError.resumeMismatch(path: path, reason: "it was written without a moving average of the weights, but the "
                + "recipe sets train.ema_decay: \(average.decay); resume with train.ema_decay: 0, or train a new model")
        case (_?, nil):
            throw TrainingError.resumeMismatch(path: path, reason: "it holds a moving average of the weights (train.ema_decay: "
                + "\(file.metadata["ema_decay"] ?? "?")), but the recipe sets train.ema_decay: 0; resume with the same train.ema_decay")
        case let (tensor?, average?):
            guard tensor.dtype == .F32, tensor.shape == [average.values.count] else {
                throw TrainingError.resumeMismatch(path: path, reason: "its moving average (ema) does not fit this model's "
                    + "\(average.values.count) parameters")
            }
            return tensor
        }
    }
}
