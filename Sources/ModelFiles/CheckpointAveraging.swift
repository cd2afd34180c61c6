import Foundation
import TensorKernels

/// The element-wise mean of compatible checkpoints (`nmt average`, `train.average_last`): the same tensor
/// names, dtypes and shapes in every file. The sum runs in Double, so the mean of N copies of one file is
/// that file, and the mean of two is each element's correctly rounded (a + b) / 2.
public enum CheckpointAveraging {
    /// The mean of the checkpoints at `paths`, read one at a time. The header (format, configuration, recipe)
    /// is the last file's, with `averaged_from` naming the inputs; every file's configuration must match.
    public static func average(_ paths: [String]) throws -> SafeTensors {
        guard let firstPath = paths.first else { throw AveragingError.noCheckpoints }
        let first = try read(firstPath)
        var sums: [String: [Double]] = [:]
        for (name, tensor) in first.tensors {
            guard tensor.dtype == .F32 else { throw AveragingError.notFloat(path: firstPath, name: name) }
            sums[name] = tensor.floats.map(Double.init)
        }
        var last = first
        for path in paths.dropFirst() {
            let file = try read(path)
            try check(file, path: path, against: first, firstPath: firstPath)
            for (name, tensor) in file.tensors {
                guard var sum = sums.removeValue(forKey: name) else { continue }  // `check` makes the names equal
                tensor.bytes.withUnsafeBytes { raw in
                    for (i, x) in raw.bindMemory(to: Float.self).enumerated() { sum[i] += Double(x) }
                }
                sums[name] = sum
            }
            last = file
        }
        let n = Double(paths.count)
        var mean = SafeTensors(metadata: last.metadata)
        for (name, sum) in sums {
            mean.tensors[name] = .init(floats: sum.map { Float($0 / n) }, shape: first.tensors[name]?.shape ?? [sum.count])
        }
        mean.metadata["averaged_from"] = paths.map { ($0 as NSString).lastPathComponent }.joined(separator: ",")
        return mean
    }

    /// Averages `paths` into `output`, written crash-safely (temporary name, flush, rename).
    public static func write(_ paths: [String], to output: String) throws {
        try average(paths).write(to: output)
    }

    /// The newest `count` numbered checkpoints of a model directory, oldest first; fewer when fewer exist.
    public static func lastNumbered(in directory: ModelDirectory, count: Int) -> [String] {
        Array(directory.numberedCheckpoints().suffix(max(count, 0)))
    }

    private static func read(_ path: String) throws -> SafeTensors {
        guard FileManager.default.fileExists(atPath: path) else { throw AveragingError.missing(path: path) }
        return try SafeTensors.read(path: path)
    }

    /// `file` has exactly the tensors of `first`, each F32 with the same shape, and the same configuration.
    private static func check(_ file: SafeTensors, path: String, against first: SafeTensors, firstPath: String) throws {
        for (name, tensor) in first.tensors {
            guard let other = file.tensors[name] else {
                throw AveragingError.missingTensor(path: path, name: name, firstPath: firstPath)
            }
            guard other.dtype == .F32 else { throw AveragingError.notFloat(path: path, name: name) }
            guard other.shape == tensor.shape else {
                throw AveragingError.shapeMismatch(path: path, name: name, shape: other.shape, expected: tensor.shape,
                                                   firstPath: firstPath)
            }
        }
        if let extra = file.tensors.keys.sorted().first(where: { first.tensors[$0] == nil }) {
            throw AveragingError.extraTensor(path: path, name: extra, firstPath: firstPath)
        }
        if file.metadata["configuration"] != first.metadata["configuration"] {
            throw AveragingError.differentConfiguration(path: path, firstPath: firstPath)
        }
    }
}

public enum AveragingError: Error, CustomStringConvertible, Equatable {
    case noCheckpoints
    case missing(path: String)
    case notFloat(path: String, name: String)
    case missingTensor(path: String, name: String, firstPath: String)
    case extraTensor(path: String, name: String, firstPath: String)
    case shapeMismatch(path: String, name: String, shape: [Int], expected: [Int], firstPath: String)
    case differentConfiguration(path: String, firstPath: String)
    case noNumberedCheckpoints(directory: String)

    static let sameModel = "only checkpoints of the same model (recipe and vocabularies) can be averaged"

    public var description: String {
        switch self {
        case .noCheckpoints:
            return "name at least one checkpoint to average"
        case let .missing(path):
            return "no checkpoint at \(path)"
        case let .notFloat(path, name):
            return "\(path): tensor `\(name)` is not F32, so it cannot be averaged; is this a weights file written by nmt?"
        case let .missingTensor(path, name, firstPath):
            return "\(path) has no tensor `\(name)`, which \(firstPath) has; " + Self.sameModel
        case let .extraTensor(path, name, firstPath):
            return "\(path) has a tensor `\(name)` that \(firstPath) does not have; " + Self.sameModel
        case let .shapeMismatch(path, name, shape, expected, firstPath):
            return "\(path): tensor `\(name)` has shape \(shape), but \(expected) in \(firstPath); " + Self.sameModel
        case let .differentConfiguration(path, firstPath):
            return "\(path) holds a model configured differently from \(firstPath); " + Self.sameModel
        case let .noNumberedCheckpoints(directory):
            return "\(directory)/checkpoints holds no numbered checkpoints (step-N.safetensors) to average; train longer "
                + "than train.validate_every steps, or name the files"
        }
    }
}
