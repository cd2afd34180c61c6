import Foundation
import Decoding
import Recipes
import Seq2SeqModel
import TensorKernels
import Tokenization
import ModelFiles

/// A model directory opened for translation: its effective recipe, vocabularies, merges and weights.
struct LoadedModel {
    let directory: ModelDirectory
    let recipe: Recipe
    let model: Seq2Seq
    let source: TextPipeline
    let target: TextPipeline
    let sourceVocabulary: Vocabulary
    let targetVocabulary: Vocabulary

    /// Opens `path`; `weights` overrides which weights file is read (default: best, else latest).
    static func open(_ path: String, weights: String? = nil) throws -> LoadedModel {
        let directory = ModelDirectory(path: path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CLIError.message("no model directory at \(path); train one with `nmt train RECIPE`")
        }
        for file in [directory.recipe, directory.sourceVocabulary, directory.targetVocabulary] {
            guard FileManager.default.fileExists(atPath: file) else {
                throw CLIError.message("the model directory \(path) is incomplete: \(file) is missing; train again or copy the whole directory")
            }
        }
        let recipe = try RecipeLoader.load(path: directory.recipe)
        let options = RecipeTokenization.options(recipe)
        func merges(_ source: Bool) -> String? {
            let file = directory.merges(source: source)
            return FileManager.default.fileExists(atPath: file) ? file : nil
        }
        // The weights load on a second thread while this one reads the small files; when both fail, the
        // small file's error is the one shown.
        let weightsPath = weights ?? directory.weightsForTranslation
        let (texts, loaded) = inParallel({ () throws -> (Vocabulary, Vocabulary, TextPipeline, TextPipeline) in
            let sourceVocabulary = try Vocabulary.load(path: directory.sourceVocabulary)
            let targetVocabulary = try Vocabulary.load(path: directory.targetVocabulary)
            let source = try TextPipeline(options: options, mergesPath: merges(true))
            // Joint BPE: both sides read the same merges file, so one pipeline (and one parse of it) serves both.
            let target = merges(false) == merges(true) ? source : try TextPipeline(options: options, mergesPath: merges(false))
            return (sourceVocabulary, targetVocabulary, source, target)
        }, { try Seq2Seq.load(path: weightsPath).model })
        let (sourceVocabulary, targetVocabulary, source, target) = try texts.get()
        let model = try loaded.get()
        try model.configuration.checkMatches(recipe.model, recipePath: directory.recipe, weightsPath: weightsPath)
        guard model.configuration.sourceVocabularySize == sourceVocabulary.count,
              model.configuration.targetVocabularySize == targetVocabulary.count else {
            throw CLIError.message("the weights in \(path) expect vocabularies of \(model.configuration.sourceVocabularySize) and "
                + "\(model.configuration.targetVocabularySize) entries, but the directory's have \(sourceVocabulary.count) and "
                + "\(targetVocabulary.count); the files do not belong together")
        }
        return LoadedModel(directory: directory, recipe: recipe, model: model, source: source, target: target,
                           sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary)
    }

    func translator(options: SearchOptions, replaceUnknown: Bool) throws -> Translator {
        try Self.translator([self], weights: nil, options: options, replaceUnknown: replaceUnknown)
    }
}

/// Search options from a recipe's decode section; `decode.replace_unk` keeps the attention rows it needs.
extension SearchOptions {
    init(_ decode: DecodeSection) throws {
        self.init(beamSize: decode.beam, nBest: 1,
                  lengthPenalty: try LengthPenalty(name: decode.lengthPenalty.rawValue, alpha: decode.alpha),
                  coverageWeight: Float(decode.coveragePenalty), maxLengthRatio: decode.maxLengthRatio,
                  maxLengthOffset: decode.maxLengthOffset, minLength: decode.minLength, keepAttention: decode.replaceUnk)
    }
}

/// Runs `first` on this thread and `second` on another, and returns both outcomes.
func inParallel<A, B>(_ first: () throws -> A, _ second: @escaping @Sendable () throws -> B) -> (Result<A, Error>, Result<B, Error>) {
    let other = BackgroundWork { Result { try second() } }
    let a = Result { try first() }
    return (a, other.wait())
}

/// A user error of the command line itself.
enum CLIError: Error, CustomStringConvertible {
    case message(String)
    var description: String {
        switch self { case let .message(text): return text }
    }
}

/// Formats seconds as 1h02m, 3m05s or 12.3s.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" }
    if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
    return String(format: "%.1fs", seconds)
}
