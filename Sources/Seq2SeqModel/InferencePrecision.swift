import TensorKernels

/// The precision of the products at translation time (`nmt translate --precision`). Training is always f32.
public enum InferencePrecision: String, Sendable, CaseIterable {
    /// Every product in f32 (the default; exact).
    case f32
    /// The decoder's three large products whose input lies in [−1, 1] — the recurrent product on
    /// [ã; h], the attentional combination on [ctx; h] and the output layer on ã — in 8 bits through
    /// `dnnl_gemm_u8s8s32` (`QuantizedMatrix`); the embeddings, the input projection, attention and the
    /// encoder stay f32.
    case int8
}

/// The decoder's weights in 8 bits, made once when a model is prepared for int8 translation.
final class QuantizedDecoder: @unchecked Sendable {
    let recurrent: QuantizedMatrix  // Wr [rw, G·D]
    let combine: QuantizedMatrix  // Wc [Z, D]
    let output: QuantizedMatrix  // Wo [D, V] (tied: the target embedding transposed)

    init(_ d: AttentionDecoder, store: ParameterStore) {
        let wr = d.product.weight
        recurrent = QuantizedMatrix(store.value(wr), rows: wr.rows, columns: wr.columns)
        combine = QuantizedMatrix(store.value(d.wc), rows: d.wc.rows, columns: d.wc.columns)
        let wo = d.output.weight
        if d.output.tied {
            let transposed = Transpose.copy(store.value(wo), rows: wo.rows, columns: wo.columns)  // [D, V]
            output = QuantizedMatrix(transposed.pointer, rows: wo.columns, columns: wo.rows)
        } else {
            output = QuantizedMatrix(store.value(wo), rows: wo.rows, columns: wo.columns)
        }
    }
}

extension Seq2Seq {
    /// Prepares the products of later `start`/`step` calls for `precision` (int8: quantizes the decoder's
    /// weights once). Call it before translating, not while another thread translates with this model.
    public func prepareInference(precision: InferencePrecision) {
        quantizedDecoder = precision == .int8 ? QuantizedDecoder(decoder, store: parameters) : nil
    }

    public var inferencePrecision: InferencePrecision { quantizedDecoder == nil ? .f32 : .int8 }
}
