import Foundation
import XCTest
import Seq2SeqModel
import TensorKernels

/// A checkpoint is user input: every field of the configuration stored in it is validated, and every tensor
/// checked, before a model is built. Each bad field is a `CheckpointError` naming the file, the field and
/// the allowed range; none reaches a precondition, a force-unwrap or an overflow.
final class CheckpointValidationTests: XCTestCase {
    static let tiny = ModelConfiguration(sourceVocabularySize: 6, targetVocabularySize: 7, embedding: 3, encoderHidden: 3,
                                         decoderHidden: 4, attentionSize: 2)

    /// The tiny model's checkpoint with the configuration JSON changed by `edit`.
    func checkpoint(_ edit: (inout [String: Any]) -> Void) throws -> SafeTensors {
        var file = Seq2Seq(configuration: Self.tiny, seed: 1).checkpoint()
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(file.metadata["configuration"]!.utf8)) as? [String: Any])
        edit(&json)
        file.metadata["configuration"] = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        return file
    }

    func assertRefused(_ file: SafeTensors, _ fragments: [String], line: UInt = #line) {
        XCTAssertThrowsError(try Seq2Seq.model(from: file, path: "m.safetensors"), line: line) { error in
            XCTAssertTrue(error is CheckpointError, "\(type(of: error))", line: line)
            for fragment in fragments + ["m.safetensors"] {
                XCTAssertTrue("\(error)".contains(fragment), "`\(fragment)` not in: \(error)", line: line)
            }
        }
    }

    func testTheTinyCheckpointLoads() throws {
        let model = try Seq2Seq.model(from: try checkpoint { _ in }, path: "m.safetensors")
        XCTAssertEqual(model.configuration, Self.tiny)
    }

    /// The catalogue of bad configuration fields, each with what its message must say.
    func testEveryBadConfigurationFieldIsAClearError() throws {
        let catalogue: [(String, Any, [String])] = [
            ("encoderLayers", 0, ["`encoderLayers` is 0", "1...64"]),
            ("encoderLayers", 65, ["`encoderLayers` is 65", "1...64"]),
            ("encoderLayers", -3, ["`encoderLayers` is -3"]),
            ("embedding", 0, ["`embedding` is 0", "1...65536"]),
            ("embedding", 1 << 62, ["`embedding` is 4611686018427387904", "1...65536"]),
            ("encoderHidden", 65537, ["`encoderHidden` is 65537", "1...65536"]),
            ("decoderHidden", -1, ["`decoderHidden` is -1"]),
            ("attentionSize", 0, ["`attentionSize` is 0"]),
            ("sourceVocabularySize", 1 << 62, ["`sourceVocabularySize` is 4611686018427387904", "4...16777216"]),
            ("targetVocabularySize", 3, ["`targetVocabularySize` is 3", "4...16777216", "special tokens"]),
            ("dropout", 1.5, ["`dropout` is 1.5", "[0, 1)"]),
            ("dropout", -0.1, ["`dropout` is -0.1"]),
            ("tieEmbeddings", true, ["`tieEmbeddings`", "embedding (3) equal to decoderHidden (4)"]),
            ("attention", "luong_dot", ["`attention` is luong_dot", "decoderHidden (4) equal to 2 × encoderHidden (6)"]),
        ]
        for (key, value, fragments) in catalogue {
            assertRefused(try checkpoint { $0[key] = value }, fragments)
        }
        // Within every bound, but together too large: 2^24 · 2^16 parameters in one embedding.
        assertRefused(try checkpoint { $0["sourceVocabularySize"] = 1 << 24; $0["embedding"] = 1 << 16 },
                      ["`parameterCount`", "at most 2147483648"])
    }

    func testUnreadableConfigurationsNameTheKey() throws {
        assertRefused(try checkpoint { $0["embedding"] = nil }, ["the key `embedding` is missing"])
        assertRefused(try checkpoint { $0["embedding"] = "wide" }, ["`embedding` is not"])
        assertRefused(try checkpoint { $0["embedding"] = 2.5 }, ["`embedding` is 2.5, not a whole number"])
        assertRefused(try checkpoint { $0["tieEmbeddings"] = 1 }, ["`tieEmbeddings` is not true or false"])
        assertRefused(try checkpoint { $0["cell"] = "transformer" }, ["`cell` has a value outside its choices"])
        var file = try checkpoint { _ in }
        file.metadata["configuration"] = "{not json"
        assertRefused(file, ["cannot be read"])
        file.metadata["configuration"] = nil
        assertRefused(file, ["no `configuration`"])
        file.metadata["format"] = "swiftnmt-seq2seq-0"
        XCTAssertThrowsError(try Seq2Seq.model(from: file, path: "m.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("swiftnmt-seq2seq-0"), "\(error)")
        }
    }

    func testTensorsAreCheckedAgainstTheConfiguration() throws {
        var file = try checkpoint { _ in }
        let name = "decoder.wc"
        let original = try XCTUnwrap(file.tensors[name])
        file.tensors[name] = nil
        assertRefused(file, ["`\(name)` is missing"])
        file.tensors[name] = .init(floats: [Float](repeating: 0, count: original.floats.count), shape: [original.floats.count])
        assertRefused(file, ["`\(name)` has shape [\(original.floats.count)]"])
        file.tensors[name] = .init(int64s: [Int64](repeating: 0, count: original.floats.count), shape: original.shape)
        assertRefused(file, ["`\(name)`"])
        // A configuration that claims a larger model than the tensors hold fails on the first tensor, before
        // any memory is given to the weights.
        assertRefused(try checkpoint { $0["sourceVocabularySize"] = 1 << 24 }, ["`source.embedding` has shape [6, 3]", "[16777216, 3]"])
    }

    func testNonFiniteWeightsAreRefused() throws {
        for bad in [Float.nan, .infinity, -.infinity] {
            var file = try checkpoint { _ in }
            var values = try XCTUnwrap(file.tensors["output.w"]).floats
            values[values.count - 1] = bad
            file.tensors["output.w"] = .init(floats: values, shape: file.tensors["output.w"]!.shape)
            assertRefused(file, ["`output.w`", "NaN or infinite", "element \(values.count - 1)"])
        }
    }

    func testValidateAcceptsTheBoundsThemselves() throws {
        var c = Self.tiny
        c.encoderLayers = ModelConfiguration.maximumEncoderLayers
        c.sourceVocabularySize = 4
        XCTAssertNoThrow(try c.validate())
        c.encoderHidden = ModelConfiguration.maximumWidth
        c.decoderHidden = 1
        c.encoderLayers = 1
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? ModelConfigurationError)?.field, .parameterCount) }
        c = Self.tiny
        c.attention = .luongDot
        c.decoderHidden = 2 * c.encoderHidden
        XCTAssertNoThrow(try c.validate())
    }
}
