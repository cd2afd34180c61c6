import XCTest
import Recipes
import Seq2SeqModel
import Training
import ModelFiles

/// The recipe's model section goes through `ModelConfiguration.validate` too, and a failure names the
/// recipe's key (the recipe loader checks each key alone; sizes that only fail with the vocabularies, or
/// beyond the bounds, are caught here, before a model is built).
final class RecipeModelTests: XCTestCase {
    func testOutOfBoundsModelSectionsNameTheRecipeKey() {
        var huge = ModelSection()
        huge.embedding = 1 << 62
        var layers = ModelSection()
        layers.encoderLayers = 1000
        var wide = ModelSection()
        wide.encoderHidden = 1 << 16
        wide.decoderHidden = 1 << 16
        for (section, fragments) in [(huge, ["model.embedding", "4611686018427387904", "1...65536"]),
                                     (layers, ["model.encoder_layers", "1...64"]),
                                     (wide, ["parameter count", "2147483648"])] {
            XCTAssertThrowsError(try ModelConfiguration(section, sourceVocabularySize: 100, targetVocabularySize: 100)) { error in
                for fragment in fragments { XCTAssertTrue("\(error)".contains(fragment), "`\(fragment)` not in: \(error)") }
            }
        }
        XCTAssertThrowsError(try ModelConfiguration(ModelSection(), sourceVocabularySize: 3, targetVocabularySize: 100)) { error in
            XCTAssertTrue("\(error)".contains("source vocabulary size"), "\(error)")
        }
        XCTAssertNoThrow(try ModelConfiguration(ModelSection(), sourceVocabularySize: 100, targetVocabularySize: 100))
    }
}
