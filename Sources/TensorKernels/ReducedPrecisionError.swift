/// Why reduced-precision products cannot be made on this machine; thrown when a model is prepared for
/// translation, before any sentence is read.
public enum ReducedPrecisionError: Error, CustomStringConvertible, Equatable {
    /// The CPU lacks the instructions `precision` needs: `feature` names them as /proc/cpuinfo does, and
    /// `found` is the best instruction set oneDNN uses here (`dnnl_get_effective_cpu_isa`).
    case unsupportedCPU(precision: String, feature: String, found: String)
    /// A oneDNN call failed while the products were made, for a weight of `shape`.
    case oneDNN(call: String, status: Int32, shape: String)

    public var description: String {
        switch self {
        case let .unsupportedCPU(precision, feature, found):
            return "\(precision) products need a CPU with \(feature), and this one has none (oneDNN runs at most \(found) here); "
                + "translate with --precision int8 or --precision f32 instead"
        case let .oneDNN(call, status, shape):
            return "oneDNN's \(call) failed (status \(status)) for a weight \(shape); translate with --precision int8 or "
                + "--precision f32 instead"
        }
    }
}
