import Foundation
import DurableFiles
import TensorKernels
import Seq2SeqModel

/// The files of a model directory (ARCHITECTURE.md, "Files on disk"). Self-contained and movable:
/// `translate` needs nothing else.
public struct ModelDirectory: Sendable {
    public let path: String
    public init(path: String) { self.path = path }

    public var recipe: String { path + "/recipe.yaml" }
    public var sourceVocabulary: String { path + "/source.vocab" }
    public var targetVocabulary: String { path + "/target.vocab" }
    public func merges(source: Bool) -> String { path + (source ? "/source.merges" : "/target.merges") }
    /// The latest weights, paired with `trainingState` for resume.
    public var latest: String { path + "/model.safetensors" }
    public var trainingState: String { path + "/training-state.safetensors" }
    /// The weights with the best validation score; what `translate` loads when it exists.
    public var best: String { path + "/best.safetensors" }
    public var checkpoints: String { path + "/checkpoints" }
    /// The mean of the last `train.average_last` numbered checkpoints, written at the end of training.
    public var averaged: String { path + "/averaged.safetensors" }
    public var metrics: String { path + "/metrics.jsonl" }
    /// The vocabulary shortlist of `nmt shortlist`, read by `nmt translate --shortlist`.
    public var shortlist: String { path + "/shortlist.tsv" }

    public func numberedCheckpoint(step: Int) -> String {
        checkpoints + "/step-" + String(repeating: "0", count: max(0, 8 - String(step).count)) + String(step) + ".safetensors"
    }

    /// The weights `translate` should use: the best if validation ran, else the latest.
    public var weightsForTranslation: String {
        FileManager.default.fileExists(atPath: best) ? best : latest
    }

    public func create() throws {
        do {
            try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
        } catch {
            throw FileWriteError.cannotCreate(path: path, reason: "cannot create the folder")
        }
        guard FileManager.default.isWritableFile(atPath: path) else {
            throw FileWriteError.cannotCreate(path: path, reason: "the folder is not writable")
        }
    }

    /// The numbered checkpoints on disk, oldest first (their zero-padded names sort by step).
    public func numberedCheckpoints() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints)) ?? [])
            .filter { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") }.sorted().map { checkpoints + "/" + $0 }
    }

    /// Deletes numbered checkpoints beyond the newest `keep`.
    public func pruneCheckpoints(keep: Int) {
        for path in numberedCheckpoints().dropLast(keep) { try? FileManager.default.removeItem(atPath: path) }
    }
}
