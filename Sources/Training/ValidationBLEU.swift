import Seq2SeqModel
import Tokenization
import Decoding
import Evaluation

/// Validation BLEU through the translate path itself: decode the validation sources, detokenize, and
/// score with `Evaluation` against the raw reference lines (sacreBLEU's defaults).
public struct ValidationBLEU {
    public let sources: [String]
    public let references: [String]
    public let makeTranslator: (Seq2Seq) throws -> Translator
    public let batchSize: Int

    public init(sources: [String], references: [String], batchSize: Int, makeTranslator: @escaping (Seq2Seq) throws -> Translator) {
        precondition(sources.count == references.count, "validation: \(sources.count) sources, \(references.count) references")
        self.sources = sources
        self.references = references
        self.batchSize = batchSize
        self.makeTranslator = makeTranslator
    }

    /// BLEU of `model` on the validation set; throws `ValidationInterrupted` if `shouldStop` turns true
    /// between batches.
    public func score(_ model: Seq2Seq, shouldStop: () -> Bool = { false }) throws -> Double {
        let translator = try makeTranslator(model)
        let hypotheses = try withoutActuallyEscaping(shouldStop) { stop in
            try translator.translate(sources, batchSize: batchSize) { _ in
                if stop() { throw ValidationInterrupted() }
            }.map(\.text)
        }
        return BLEU.corpusScore(hypotheses: hypotheses, references: [references]).score
    }
}
