import Foundation
import ArgumentParser
import Recipes
import Tokenization
import ModelFiles

/// Which side of a parallel corpus: the recipe's `data.source` or `data.target` language.
enum CorpusSide: String, ExpressibleByArgument, CaseIterable, Sendable {
    case source, target
}

extension TextNormalization: ExpressibleByArgument {}

/// The glue between a recipe and the Tokenization module, shared by build-vocab, tokenize,
/// detokenize, train and translate.
enum RecipeTokenization {
    /// The tokenizer settings of a recipe (the same for both sides).
    static func options(_ recipe: Recipe) -> TokenizerOptions {
        TokenizerOptions(normalization: TextNormalization(rawValue: recipe.tokenizer.normalization.rawValue) ?? .nfc,
                         lowercase: recipe.tokenizer.lowercase)
    }

    /// The training file of one side: `data.train` + "." + the side's language.
    static func trainFile(_ recipe: Recipe, side: CorpusSide) -> String {
        recipe.corpusFile(prefix: recipe.data.train, language: side == .source ? recipe.data.source : recipe.data.target)
    }

    /// The BPE merges file of one side (nil when the recipe has no BPE).
    static func mergesPath(_ recipe: Recipe, side: CorpusSide) -> String? {
        recipe.mergesPath(source: side == .source)
    }

    /// The vocabulary file of one side.
    static func vocabularyPath(_ recipe: Recipe, side: CorpusSide) -> String {
        side == .source ? recipe.sourceVocabularyPath : recipe.targetVocabularyPath
    }

    /// The text pipeline of one side: tokenizer plus the merges that `nmt build-vocab RECIPE` wrote.
    static func pipeline(_ recipe: Recipe, side: CorpusSide) throws -> TextPipeline {
        try TextPipeline(options: options(recipe), mergesPath: mergesPath(recipe, side: side))
    }

    /// The text pipeline of one side of a trained model directory: its effective recipe's settings and
    /// the merges `train` copied beside it (none when the model has no BPE).
    static func pipeline(modelDirectory path: String, side: CorpusSide) throws -> TextPipeline {
        let directory = ModelDirectory(path: path)
        guard FileManager.default.fileExists(atPath: directory.recipe) else {
            throw CLIError.message("no model directory at \(path) (\(directory.recipe) is missing); train one with `nmt train RECIPE`")
        }
        let recipe = try RecipeLoader.load(path: directory.recipe)
        let merges = directory.merges(source: side == .source)
        return try TextPipeline(options: options(recipe), mergesPath: FileManager.default.fileExists(atPath: merges) ? merges : nil)
    }

    /// The vocabulary of one side, as `nmt build-vocab RECIPE` wrote it.
    static func vocabulary(_ recipe: Recipe, side: CorpusSide) throws -> Vocabulary {
        try Vocabulary.load(path: vocabularyPath(recipe, side: side))
    }
}

/// Tokenizer options from the shared flags of `tokenize` and `detokenize`.
struct TokenizerFlags: ParsableArguments {
    @Option(help: "Apply the BPE merges in FILE (written by `nmt build-vocab`).")
    var bpe: String?

    @Flag(help: "Lowercase (ICU, root locale). Lossy: detokenized text stays lowercase.")
    var lowercase = false

    @Option(help: "Unicode normalization before tokenizing: nfc (default), nfkc or none.")
    var normalization: TextNormalization?

    @Option(help: "Take the settings (normalization, lowercase, BPE merges) from this recipe instead.")
    var recipe: String?

    @Option(help: "Take the settings and BPE merges from this trained model directory instead.")
    var model: String?

    @Option(help: "With --recipe or --model: which side's settings, source or target.")
    var side: CorpusSide?

    func validate() throws {
        if recipe != nil || model != nil {
            let flag = recipe != nil ? "--recipe" : "--model"
            guard recipe == nil || model == nil else { throw ValidationError("give --recipe or --model, not both") }
            guard side != nil else { throw ValidationError("\(flag) needs --side source|target") }
            guard bpe == nil, !lowercase, normalization == nil else {
                throw ValidationError("\(flag) brings its own settings; leave out --bpe, --lowercase and --normalization")
            }
        } else if side != nil {
            throw ValidationError("--side only applies with --recipe or --model")
        }
    }

    /// The pipeline these flags describe.
    func pipeline() throws -> TextPipeline {
        if let recipe, let side {
            return try RecipeTokenization.pipeline(RecipeLoader.load(path: recipe), side: side)
        }
        if let model, let side {
            return try RecipeTokenization.pipeline(modelDirectory: model, side: side)
        }
        let options = TokenizerOptions(normalization: normalization ?? .nfc, lowercase: lowercase)
        return try TextPipeline(options: options, mergesPath: bpe)
    }
}

/// Where a line filter (`tokenize`, `detokenize`) reads and writes: files, or standard input and output.
struct LineFilterFiles: ParsableArguments {
    @Option(help: "Read this file instead of standard input.")
    var input: String?

    @Option(help: "Write this file instead of standard output (written to a temporary name and renamed at the end).")
    var output: String?

    /// Writes `transform` of every input line, one output line each.
    func mapLines(_ transform: (String) throws -> String) throws {
        let reader = try LineReader(path: input)
        let writer = try LineOutput(path: output)
        while let line = try reader.nextLine() { try writer.write(line: try transform(line)) }
        try writer.finish()
    }
}
