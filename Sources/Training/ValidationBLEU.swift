import Seq2SeqModel
import Tokenization
import Decoding
import Evaluation

/// Validation BLEU through the translate path itself: decode the validation sources (the tokens and ids
/// `TrainingData` already made, not the text again), detokenize, and score with `Evaluation` against the
/// raw reference lines (sacreBLEU's defaults).
public struct ValidationBLEU {
    public let sourceTokens: [[String]]
    public let sourceIds: [[Int32]]
    public let references: [String]
    public let makeTranslator: (Seq2Seq) throws -> Translator
    public let batchSize: Int

    public init(data: TrainingData, batchSize: Int, makeTranslator: @escaping (Seq2Seq) throws -> Translator) {
        precondition(data.validationSourceTokens.count == data.validationReferences.count,
                     "validation: \(data.validationSourceTokens.count) sources, \(data.validationReferences.count) references")
        sourceTokens = data.validationSourceTokens
        sourceIds = data.validation.map(\.source)
        references = data.validationReferences
        self.batchSize = batchSize
        self.makeTranslator = makeTranslator
    }

    /// BLEU of `model` on the validation set; throws `ValidationInterrupted` if `shouldStop` turns true
    /// between batches.
    public func score(_ model: Seq2Seq, shouldStop: () -> Bool = { false }) throws -> Double {
        let translator = try makeTranslator(model)
        let hypotheses = try withoutActuallyEscaping(shouldStop) { stop in
            try translator.translate(tokens: sourceTokens, ids: sourceIds, batchSize: batchSize) { _ in
                if stop() { throw ValidationInterrupted() }
            }.map(\.text)
        }
        return BLEU.corpusScore(hypotheses: hypotheses, references: [references]).score
    }
}
