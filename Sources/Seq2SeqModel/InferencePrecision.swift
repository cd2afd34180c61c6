import TensorKernels

/// The precision of the products at translation time (`nmt translate --precision`). Training is always f32.
///
/// int8 and bf16 change the same three products, the decoder's largest — the recurrent product on
/// [ã; h], the attentional combination on [ctx; h] and the output layer on ã — through one interface
/// (`ReducedPrecisionMatrix`); the embeddings, the input projection, attention and the encoder stay f32.
public enum InferencePrecision: String, Sendable, CaseIterable {
    /// Every product in f32 (the default; exact).
    case f32
    /// The three products with weights and inputs rounded to bfloat16 (8 significant bits) and f32
    /// accumulation, through oneDNN's matmul primitive (`BF16Matrix`). Needs a CPU with AVX512-BF16.
    case bf16
    /// The three products, whose inputs lie in [−1, 1], in 8 bits through `dnnl_gemm_u8s8s32`
    /// (`QuantizedMatrix`; VNNI where the CPU has it).
    case int8
}

/// The decoder's three large weights in reduced precision, made once when a model is prepared for
/// int8 or bf16 translation.
final class ReducedPrecisionDecoder: Sendable {
    let precision: InferencePrecision
    let recurrent: any ReducedPrecisionMatrix  // Wr [rw, G·D]
    let combine: any ReducedPrecisionMatrix  // Wc [Z, D]
    let output: any ReducedPrecisionMatrix  // Wo [D, V] (tied: the target embedding transposed)

    /// - Parameter precision: `.int8` or `.bf16`
    init(_ d: AttentionDecoder, store: ParameterStore, precision: InferencePrecision) throws(ReducedPrecisionError) {
        func make(_ weight: UnsafePointer<Float>, rows: Int, columns: Int) throws(ReducedPrecisionError) -> any ReducedPrecisionMatrix {
            switch precision {
            case .int8: return QuantizedMatrix(weight, rows: rows, columns: columns)
            case .bf16: return try BF16Matrix(weight, rows: rows, columns: columns)
            case .f32: preconditionFailure("f32 products need no reduced-precision weights")
            }
        }
        self.precision = precision
        let wr = d.product.weight
        recurrent = try make(store.value(wr), rows: wr.rows, columns: wr.columns)
        combine = try make(store.value(d.wc), rows: d.wc.rows, columns: d.wc.columns)
        let wo = d.output.weight
        if d.output.tied {
            let transposed = Transpose.copy(store.value(wo), rows: wo.rows, columns: wo.columns)  // [D, V]
            output = try make(transposed.pointer, rows: wo.columns, columns: wo.rows)
        } else {
            output = try make(store.value(wo), rows: wo.rows, columns: wo.columns)
        }
    }
}

extension Seq2Seq {
    /// Prepares the products of later `start`/`step` calls for `precision` (int8, bf16: the decoder's
    /// weights converted once). Call it before translating, not while another thread translates with
    /// this model. Throws for bf16 on a CPU without AVX512-BF16; the model then stays as it was.
    public func prepareInference(precision: InferencePrecision) throws(ReducedPrecisionError) {
        reducedPrecisionDecoder = precision == .f32 ? nil : try ReducedPrecisionDecoder(decoder, store: parameters, precision: precision)
    }

    public var inferencePrecision: InferencePrecision { reducedPrecisionDecoder?.precision ?? .f32 }
}
