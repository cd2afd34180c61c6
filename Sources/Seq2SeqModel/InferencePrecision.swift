import TensorKernels

/// The precision of the products at translation time (`nmt translate --precision`). Training is always f32.
///
/// int8 changes the decoder's three largest products — the recurrent product on [ã; h], the attentional
/// combination on [ctx; h] and the output layer on ã — through one interface (`ReducedPrecisionMatrix`);
/// the embeddings, the input projection, attention and the encoder stay f32.
public enum InferencePrecision: String, Sendable, CaseIterable {
    /// Every product in f32 (the default; exact).
    case f32
    /// The three products, whose inputs lie in [−1, 1], in 8 bits through `dnnl_gemm_u8s8s32`
    /// (`QuantizedMatrix`; VNNI where the CPU has it).
    case int8
}

/// The decoder's three large weights in reduced precision, made once when a model is prepared for
/// int8 translation.
final class ReducedPrecisionDecoder: Sendable {
    let precision: InferencePrecision
    let recurrent: any ReducedPrecisionMatrix  // Wr [rw, G·D]
    let combine: any ReducedPrecisionMatrix  // Wc [Z, D]
    let output: any ReducedPrecisionMatrix  // Wo [D, V] (tied: the target embedding transposed)

    /// - Parameter precision: `.int8`
    init(_ d: AttentionDecoder, store: ParameterStore, precision: InferencePrecision) {
        func make(_ weight: UnsafePointer<Float>, rows: Int, columns: Int) -> any ReducedPrecisionMatrix {
            switch precision {
            case .int8: return QuantizedMatrix(weight, rows: rows, columns: columns)
            case .f32: preconditionFailure("f32 products need no reduced-precision weights")
            }
        }
        self.precision = precision
        let wr = d.product.weight
        recurrent = make(store.value(wr), rows: wr.rows, columns: wr.columns)
        combine = make(store.value(d.wc), rows: d.wc.rows, columns: d.wc.columns)
        let wo = d.output.weight
        if d.output.tied {
            let transposed = Transpose.copy(store.value(wo), rows: wo.rows, columns: wo.columns)  // [D, V]
            output = make(transposed.pointer, rows: wo.columns, columns: wo.rows)
        } else {
            output = make(store.value(wo), rows: wo.rows, columns: wo.columns)
        }
    }
}

extension Seq2Seq {
    /// Prepares the products of later `start`/`step` calls for `precision` (int8: the decoder's weights
    /// converted once). Call it before translating, not while another thread translates with this model.
    public func prepareInference(precision: InferencePrecision) {
        reducedPrecisionDecoder = precision == .f32 ? nil : ReducedPrecisionDecoder(decoder, store: parameters, precision: precision)
    }

    public var inferencePrecision: InferencePrecision { reducedPrecisionDecoder?.precision ?? .f32 }
}
