import Recipes
import Seq2SeqModel
import Training
import ModelFiles

/// Matrix-product FLOPs of the model, counted from its shapes (elementwise work is left out).
///
/// Forward, per target token: the decoder cell `2·(E + rw)·G·D` (rw = D with input feeding, plus D; G gate
/// blocks: 4 LSTM, 3 GRU, 1 RNN),
/// the attention query `2·D·A`, the scores and context over S source positions `2·S·(A + 2H)`, the
/// attentional layer `2·(2H + D)·D` and the output layer `2·D·V`. Per source token: each encoder
/// layer and direction `2·(In + H)·G·H` (In = E for the first layer, 2H above), and the attention
/// keys `2·2H·A`. Luong attention has no query product and scores with A = D (`luong_dot`: no keys
/// product either); without attention the query, scores, context and keys are gone and the attentional
/// layer is `2·D·D`. Training costs three times the forward products: the forward, the input gradient
/// and the weight gradient are each one product of the same size.
struct FLOPCount {
    let model: ModelSection
    let sourceVocabulary: Int, targetVocabulary: Int

    var gates: Double { Double(RecurrentCell(model.cell).gateCount) }

    /// (query, score width, keys' width, context width) of the attention products.
    var attentionShape: (query: Double, score: Double, keys: Double, context: Double) {
        let H = Double(model.encoderHidden), D = Double(model.decoderHidden), A = Double(model.attentionSize)
        switch model.attention {
        case .bahdanau: return (2 * D * A, A, A, 2 * H)
        case .luong_general: return (0, D, D, 2 * H)
        case .luong_dot: return (0, D, 0, 2 * H)
        case .none: return (0, 0, 0, 0)
        }
    }

    func forwardPerTargetToken(meanSourceLength s: Double) -> Double {
        let E = Double(model.embedding), D = Double(model.decoderHidden), V = Double(targetVocabulary)
        let rw = (model.inputFeeding ? D : 0) + D, a = attentionShape
        let scores = a.context == 0 ? 0 : 2 * s * (a.score + a.context)
        return 2 * (E + rw) * gates * D + a.query + scores + 2 * (a.context + D) * D + 2 * D * V
    }

    func forwardPerSourceToken() -> Double {
        let E = Double(model.embedding), H = Double(model.encoderHidden)
        var total = 2 * 2 * H * attentionShape.keys
        for layer in 0..<model.encoderLayers {
            let input = layer == 0 ? E : 2 * H
            total += 2 * 2 * (input + H) * gates * H
        }
        return total
    }

    /// FLOPs of training steps that saw these token counts.
    func training(sourceTokens: Double, targetTokens: Double, sentences: Double) -> Double {
        let meanSource = sourceTokens / max(sentences, 1)
        return 3 * (targetTokens * forwardPerTargetToken(meanSourceLength: meanSource) + sourceTokens * forwardPerSourceToken())
    }
}
