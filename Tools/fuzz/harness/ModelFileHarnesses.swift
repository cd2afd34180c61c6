import Foundation
import Seq2SeqModel
import TensorKernels

/// The safetensors reader: any bytes give a parsed file or an error; what parses writes back to bytes
/// that parse to the same file.
enum SafeTensorsHarness {
    static func run(_ bytes: [UInt8]) {
        guard let file = try? SafeTensors.parse(Foundation.Data(bytes), path: "fuzz.safetensors") else { return }
        guard let again = try? SafeTensors.parse(file.serialized(), path: "rewritten.safetensors") else {
            fatalError("a parsed file does not parse again after writing")
        }
        require(again.tensors == file.tensors && again.metadata == file.metadata, "write then read changed the file")
    }
}

/// The checkpoint loader, two ways. The bytes as a safetensors file: a model loads or an error says why.
/// The bytes as the configuration JSON of a checkpoint's metadata: a configuration that decodes and
/// validates must build a model whose checkpoint loads, encodes a source and takes a decoder step.
enum CheckpointHarness {
    static func run(_ bytes: [UInt8]) {
        if let file = try? SafeTensors.parse(Foundation.Data(bytes), path: "fuzz.safetensors"),
           let model = try? Seq2Seq.model(from: file, path: "fuzz.safetensors") {
            exercise(model, finite: false)  // finite but huge weights may overflow; only traps would be findings
        }
        let checkpoint = SafeTensors(metadata: ["format": Seq2Seq.checkpointFormat,
                                                "configuration": String(decoding: bytes, as: UTF8.self)])
        guard let configuration = try? JSONDecoder().decode(ModelConfiguration.self, from: Foundation.Data(bytes)),
              (try? configuration.validate()) != nil
        else {
            // The loader must refuse what does not decode or validate (it has no tensors either way).
            require((try? Seq2Seq.model(from: checkpoint, path: "fuzz")) == nil, "an invalid configuration loaded")
            return
        }
        guard configuration.parameterCount <= 20_000 else { return }  // keeps each run fast
        let built = Seq2Seq(configuration: configuration, seed: 1, initScale: 0.1)
        guard let loaded = try? Seq2Seq.model(from: built.checkpoint(), path: "fuzz") else {
            fatalError("the checkpoint of a valid configuration does not load: \(configuration)")
        }
        require(loaded.configuration == configuration, "the configuration changed through a checkpoint")
        exercise(loaded, finite: true)
    }

    /// Encodes two sources and takes one decoder step; with small weights (`finite`) no log-probability is NaN.
    static func exercise(_ model: Seq2Seq, finite: Bool) {
        let c = model.configuration
        guard c.parameterCount <= 200_000 else { return }
        let V = Int32(c.sourceVocabularySize)
        let state = model.start(sources: [[4 % V, 3], [3]])
        let (logProbabilities, _, _) = model.step(state, previous: [2, 2], sentences: [0, 1])
        require(logProbabilities.count == 2 * c.targetVocabularySize, "a step gave \(logProbabilities.count) values")
        require(!finite || logProbabilities.allSatisfy { !$0.isNaN }, "a step gave NaN log-probabilities for \(c)")
    }
}
