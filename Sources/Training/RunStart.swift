import Foundation
import Recipes
import ModelFiles

/// Whether a model directory may take a new run, or continue the run it holds (`nmt train [--resume]`).
public enum RunStart {
    /// A new run needs a directory that holds no model yet.
    public static func checkNew(_ directory: ModelDirectory) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: directory.latest) || fm.fileExists(atPath: directory.trainingState) {
            throw TrainingError.directoryHoldsModel(directory: directory.path)
        }
    }

    /// The keys that may change when a run continues: the training and decoding settings, and which
    /// held-out sets it validates on.
    public static func mayChangeOnResume(_ key: String) -> Bool {
        key.hasPrefix("train.") || key.hasPrefix("decode.") || key == "data.valid" || key == "data.test"
    }

    /// A resumed run needs the recipe it was trained with (outside train.*, decode.*, data.valid and
    /// data.test), compared key by key with `effective`, and the same vocabularies.
    public static func checkResumable(_ directory: ModelDirectory, effective: Recipe, vocabularies: [(copy: String, original: String)]) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: directory.recipe) else { throw TrainingError.nothingToResume(directory: directory.path) }
        let saved = try RecipeLoader.load(path: directory.recipe)
        let differences = effective.differences(from: saved).filter { !mayChangeOnResume($0) }
        if !differences.isEmpty {
            throw TrainingError.resumeMismatch(path: directory.path, reason:
                "the recipe differs from the one it was trained with in: \(differences.joined(separator: ", ")). "
                + "Only train.* and decode.* may change on resume")
        }
        for (copy, original) in vocabularies where fm.contents(atPath: copy) != fm.contents(atPath: original) {
            throw TrainingError.resumeMismatch(path: directory.path, reason:
                "\(original) is not the vocabulary the model was trained with (\(copy)); rebuild it or train a new model")
        }
    }
}
