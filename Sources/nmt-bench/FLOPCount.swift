import Recipes

/// Matrix-product FLOPs of the model, counted from its shapes (elementwise work is left out).
///
/// Forward, per target token: the decoder cell `2·(E + rw)·G·D` (rw = D with input feeding, plus D; G gate
/// blocks: 4 LSTM, 3 GRU, 1 RNN),
/// the attention query `2·D·A`, the scores and context over S source positions `2·S·(A + 2H)`, the
/// attentional layer `2·(2H + D)·D` and the output layer `2·D·V`. Per source token: each encoder
/// layer and direction `2·(In + H)·G·H` (In = E for the first layer, 2H above), and the attention
/// keys `2·2H·A`. Training costs three times the forward products: the forward, the input gradient
/// and the weight gradient are each one product of the same size.
struct FLOPCount {
    let model: ModelSection
    let sourceVocabulary: Int, targetVocabulary: Int

    var gates: Double {
        switch model.cell {
        case .lstm: return 4
        case .gru: return 3
        case .rnn: return 1
        }
    }

    func forwardPerTargetToken(meanSourceLength s: Double) -> Double {
        let E = Double(model.embedding), H = Double(model.encoderHidden), D = Double(model.decoderHidden)
        let A = Double(model.attentionSize), V = Double(targetVocabulary)
        let rw = (model.inputFeeding ? D : 0) + D
        return 2 * (E + rw) * gates * D + 2 * D * A + 2 * s * (A + 2 * H) + 2 * (2 * H + D) * D + 2 * D * V
    }

    func forwardPerSourceToken() -> Double {
        let E = Double(model.embedding), H = Double(model.encoderHidden), A = Double(model.attentionSize)
        var total = 2 * 2 * H * A
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
