import Foundation
import DurableFiles
import TensorKernels
import Seq2SeqModel
import ModelFiles

/// The files training writes and reads back: the training state, the weights files, the average.
extension Trainer {
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
        try state.restore(from: file, adam: adam, weights: model.parameters.values, average: average, path: directory.trainingState)
        let warning = state.processes * state.accumulate == before.processes * before.accumulate ? nil
            : "the run was trained with \(state.processes) process(es) × train.accumulate \(state.accumulate) batches per update "
                + "and continues with \(before.processes) × \(before.accumulate): the effective batch size changes"
        (state.processes, state.accumulate) = before
        lastCheckpointStep = state.step
        if isWriter {
            let latest = try? SafeTensors.read(path: directory.latest)
            if latest?.metadata["step"] != String(state.step) { try saveWeights(to: directory.latest) }
            try MetricsLog.dropEvents(after: state.step, path: directory.metrics)
        }
        return warning
    }

    /// Runs `body` with the weights that validation and the weights files use: the moving average when
    /// `train.ema_decay` is on (the trained weights are put back exactly afterwards), else the weights.
    func withWeightsForUse<T>(_ body: () throws -> T) rethrows -> T {
        guard let average else { return try body() }
        return try average.swapped(into: model.parameters.values, body)
    }

    /// The weights for translation (the moving average when on) to `path`, crash-safe.
    func saveWeights(to path: String) throws {
        try withWeightsForUse { try model.save(to: path, metadata: weightsMetadata()) }
    }

    private func weightsMetadata() -> [String: String] {
        var metadata = checkpointMetadata
        metadata["step"] = String(state.step)
        if let average { metadata["ema_decay"] = String(average.decay) }
        return metadata
    }

    /// Writes the training state (which holds everything a resume needs, weights included), then the
    /// weights for `translate`, then optionally a numbered copy, each crash-safe: at every instant the
    /// directory holds one complete resumable state. Weights that are not all finite are never written.
    func saveCheckpoint(numbered: Bool) throws {
        guard model.parameters.values.allFinite, average?.values.allFinite ?? true else {
            throw TrainingError.nonFiniteWeights(step: state.step, lastCheckpoint: lastCheckpointStep.map { (directory.trainingState, $0) })
        }
        guard isWriter else { lastCheckpointStep = state.step; return }
        try directory.create()
        try state.file(adam: adam, weights: model.parameters.values, average: average).write(to: directory.trainingState)
        lastCheckpointStep = state.step
        TestPause.between("the training state and the weights")
        try saveWeights(to: directory.latest)
        if numbered {
            TestPause.between("the weights and the numbered checkpoint")
            try saveWeights(to: directory.numberedCheckpoint(step: state.step))
            directory.pruneCheckpoints(keep: options.keepCheckpoints)
        }
    }

    /// With `train.average_last: N`, `averaged.safetensors` becomes the mean of the newest N numbered
    /// checkpoints (fewer when fewer exist; none written when there is none).
    func writeAverage(report: (TrainingEvent) -> Void) throws {
        guard options.averageLast > 0, isWriter else { return }
        let paths = CheckpointAveraging.lastNumbered(in: directory, count: options.averageLast)
        guard !paths.isEmpty else { return }
        try CheckpointAveraging.write(paths, to: directory.averaged)
        report(.averaged(path: directory.averaged, checkpoints: paths.count))
    }

    /// Several processes must hold the same weights; a checksum compared at every validation says they
    /// do, or stops the run loudly.
    func checkIdenticalWeights() throws {
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
}
