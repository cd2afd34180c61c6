import Recipes
import Tokenization

/// The vocabulary reader: a vocabulary or an error; what parses writes back to the same vocabulary.
enum VocabularyHarness {
    static func run(_ bytes: [UInt8]) {
        guard let vocabulary = try? Vocabulary.parse(bytes: bytes, path: "fuzz.vocab") else { return }
        guard let again = try? Vocabulary.parse(vocabulary.fileText, path: "rewritten.vocab") else {
            fatalError("a parsed vocabulary does not parse again after writing")
        }
        require(again == vocabulary, "write then read changed the vocabulary")
        for id in [-1, 0, vocabulary.count - 1, vocabulary.count] { _ = vocabulary.id(for: vocabulary.token(for: id)) }
    }
}

/// The BPE merges reader and applier: merges or an error; what parses writes back to the same merges,
/// and applying them to the tokens of a line made of their own symbols loses no text (the promise of
/// `TextPipeline`: decode(encode(L)) == normalize(L)).
enum MergesHarness {
    nonisolated(unsafe) static let tokenizer = try! Tokenizer()

    static func run(_ bytes: [UInt8]) {
        guard let merges = try? BPEMerges.parse(bytes: bytes, path: "fuzz.merges") else { return }
        guard let again = try? BPEMerges.parse(merges.fileText, path: "rewritten.merges") else {
            fatalError("parsed merges do not parse again after writing")
        }
        require(again == merges, "write then read changed the merges")
        let line = (merges.pairs.prefix(16).map(\.merged) + ["a", "the"]).joined(separator: " ")
        let tokens = tokenizer.tokenize(line)
        let pieces = BytePairEncoder(merges: merges).apply(tokens)
        require(Tokenizer.detokenize(pieces) == Tokenizer.detokenize(tokens), "BPE changed the text of \(tokens)")
    }
}

/// The recipe loader: a recipe or an error; the effective recipe it writes reads back to the same recipe.
enum RecipeHarness {
    static func run(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self),
              let recipe = try? RecipeLoader.parse(text, path: "fuzz.yaml") else { return }
        let written = RecipeWriter.yaml(recipe)
        guard let again = try? RecipeLoader.parse(written, path: "rewritten.yaml") else {
            fatalError("the effective recipe does not read back:\n\(written)")
        }
        require(again == recipe, "write then read changed the recipe:\n\(written)")
    }
}
