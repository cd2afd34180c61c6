import Foundation
import TensorKernels
import Seq2SeqModel

/// Everything beyond the weights that an exact resume needs: optimizer moments, counters, schedule
/// state and the random generator. Saved as `training-state.safetensors` beside `model.safetensors`.
public struct TrainingState: Sendable, Equatable {
    public var step = 0
    public var epoch = 0
    /// Batches of the current epoch already consumed (the data iterator's position).
    public var batchInEpoch = 0
    public var generator: SeededGenerator
    public var scheduler: LearningRateScheduler
    public var bestMetric: Double? = nil
    public var bestStep = 0
    /// Validations since the best one (early stopping).
    public var staleValidations = 0
    public var elapsedSeconds = 0.0

    public init(seed: UInt64, scheduler: LearningRateScheduler) {
        generator = SeededGenerator(seed: seed)
        self.scheduler = scheduler
    }

    static let format = "swiftnmt-training-state-1"

    func file(adam: Adam) -> SafeTensors {
        var counters: [Int64] = [Int64(step), Int64(epoch), Int64(batchInEpoch), Int64(adam.step), Int64(scheduler.badValidations),
                                 Int64(staleValidations), Int64(bestStep)]
        counters += generator.stateWords.map { Int64(bitPattern: $0) }
        var metadata = ["format": Self.format, "plateau_rate": String(scheduler.plateauRate),
                        "elapsed_seconds": String(elapsedSeconds)]
        if let bestMetric { metadata["best_metric"] = String(bestMetric) }
        return SafeTensors(tensors: ["adam.m": .init(floats: adam.m.array, shape: [adam.m.count]),
                                     "adam.v": .init(floats: adam.v.array, shape: [adam.v.count]),
                                     "counters": .init(int64s: counters, shape: [counters.count])],
                           metadata: metadata)
    }

    /// Restores the counters into `self` and the moments into `adam`.
    mutating func restore(from file: SafeTensors, adam: Adam, path: String) throws {
        guard file.metadata["format"] == Self.format else {
            throw TrainingError.resumeMismatch(path: path, reason: "it is not a training state of this nmt version")
        }
        guard let m = file.tensors["adam.m"], let v = file.tensors["adam.v"], let c = file.tensors["counters"],
              m.dtype == .F32, v.dtype == .F32, c.dtype == .I64, m.shape == [adam.m.count], v.shape == [adam.v.count],
              c.shape == [11]
        else { throw TrainingError.resumeMismatch(path: path, reason: "its optimizer state does not fit this model's \(adam.m.count) parameters") }
        let counters = c.int64s
        step = Int(counters[0]); epoch = Int(counters[1]); batchInEpoch = Int(counters[2]); adam.step = Int(counters[3])
        scheduler.badValidations = Int(counters[4]); staleValidations = Int(counters[5]); bestStep = Int(counters[6])
        generator = SeededGenerator(state: counters[7...10].map { UInt64(bitPattern: $0) })
        scheduler.plateauRate = Double(file.metadata["plateau_rate"] ?? "") ?? scheduler.plateauRate
        elapsedSeconds = Double(file.metadata["elapsed_seconds"] ?? "") ?? 0
        bestMetric = file.metadata["best_metric"].flatMap(Double.init)
        m.bytes.withUnsafeBytes { adam.m.pointer.update(from: $0.bindMemory(to: Float.self).baseAddress!, count: adam.m.count) }
        v.bytes.withUnsafeBytes { adam.v.pointer.update(from: $0.bindMemory(to: Float.self).baseAddress!, count: adam.v.count) }
    }
}
