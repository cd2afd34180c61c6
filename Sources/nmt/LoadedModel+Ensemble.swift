import Foundation
import Decoding
import Tokenization

/// `nmt translate --model A --model B …`: the members of an ensemble read the same source ids and write the
/// same target ids, or the average of their log-probabilities would mix different tokens.
extension LoadedModel {
    /// Throws a message naming both models and what differs unless `other` can join an ensemble led by `self`:
    /// the same target and source vocabularies (token by token), tokenizer settings and BPE merges.
    func checkEnsembleMember(_ other: LoadedModel) throws {
        let a = directory.path, b = other.directory.path
        func refuse(_ what: String) -> CLIError {
            .message("the models \(a) and \(b) cannot translate as an ensemble: \(what); ensemble members must share the "
                + "target vocabulary and the source pipeline (train them from the same vocabulary directory)")
        }
        if let difference = Self.difference(targetVocabulary, other.targetVocabulary) {
            throw refuse("their target vocabularies differ (\(directory.targetVocabulary) and \(other.directory.targetVocabulary): \(difference))")
        }
        if let difference = Self.difference(sourceVocabulary, other.sourceVocabulary) {
            throw refuse("their source vocabularies differ (\(directory.sourceVocabulary) and \(other.directory.sourceVocabulary): \(difference))")
        }
        if RecipeTokenization.options(recipe) != RecipeTokenization.options(other.recipe) {
            throw refuse("their recipes tokenize differently (tokenizer.normalization or tokenizer.lowercase)")
        }
        for source in [true, false] {
            let mine = directory.merges(source: source), theirs = other.directory.merges(source: source)
            if FileManager.default.contents(atPath: mine) != FileManager.default.contents(atPath: theirs) {
                throw refuse("their BPE merges differ (\(mine) and \(theirs))")
            }
        }
    }

    /// Where two vocabularies first differ, or nil when they are the same token list.
    private static func difference(_ x: Vocabulary, _ y: Vocabulary) -> String? {
        if let i = (0..<min(x.count, y.count)).first(where: { x.tokens[$0] != y.tokens[$0] }) {
            return "line \(i + 1) is `\(x.tokens[i])` in one and `\(y.tokens[i])` in the other"
        }
        return x.count == y.count ? nil : "\(x.count) and \(y.count) tokens"
    }

    /// The translator of one model or an ensemble of several (checked with `checkEnsembleMember`), with the
    /// first model's pipelines and vocabularies.
    static func translator(_ members: [LoadedModel], weights: [Float]?, options: SearchOptions,
                           replaceUnknown: Bool) throws -> Translator {
        let first = members[0]
        return try Translator(models: members.map(\.model), weights: weights, source: first.source, target: first.target,
                              sourceVocabulary: first.sourceVocabulary, targetVocabulary: first.targetVocabulary,
                              options: options, replaceUnknown: replaceUnknown)
    }
}
