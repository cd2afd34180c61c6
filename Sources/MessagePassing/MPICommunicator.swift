#if canImport(Glibc)
import Glibc
#endif
import CMPI
import TensorKernels
import Training

/// The processes started by `mpirun -np N nmt train` (Open MPI), one rank each. MPI is touched only
/// when mpirun started this process; a plain `nmt train` never initialises it.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int

    /// The communicator of this process: MPI's when mpirun launched it, else `SingleProcess`.
    public static func forThisProcess() throws -> Communicator {
        guard getenv("OMPI_COMM_WORLD_SIZE") != nil || getenv("PMIX_RANK") != nil else { return SingleProcess() }
        return try MPICommunicator()
    }

    private init() throws {
        var rank: Int32 = 0, size: Int32 = 0
        try Self.check(cmpi_init(&rank, &size), "starting MPI")
        self.rank = Int(rank)
        self.size = Int(size)
    }

    public func sum(_ buffer: FloatBuffer) throws {
        try Self.check(cmpi_sum_floats(buffer.pointer, Int64(buffer.count)), "summing the gradients")
    }

    public func sum(_ values: inout [Double]) throws {
        let count = Int32(values.count)
        try values.withUnsafeMutableBufferPointer { try Self.check(cmpi_sum_doubles($0.baseAddress, count), "summing the update's totals") }
    }

    public func maximum(_ values: inout [Double]) throws {
        let count = Int32(values.count)
        try values.withUnsafeMutableBufferPointer { try Self.check(cmpi_max_doubles($0.baseAddress, count), "comparing the weights") }
    }

    public func broadcast(_ bytes: inout [UInt8], from root: Int) throws {
        var length = Int64(bytes.count)
        try withUnsafeMutableBytes(of: &length) {
            try Self.check(cmpi_broadcast($0.baseAddress, 8, Int32(root)), "sending the training state's size")
        }
        if rank != root { bytes = [UInt8](repeating: 0, count: Int(length)) }
        let n = Int64(bytes.count)
        try bytes.withUnsafeMutableBytes { try Self.check(cmpi_broadcast($0.baseAddress, n, Int32(root)), "sending the training state") }
    }

    /// Ends MPI cleanly (after the last collective call).
    public func finish() { _ = cmpi_finalize() }

    static func check(_ code: Int32, _ what: String) throws {
        guard code != 0 else { return }
        var text = [CChar](repeating: 0, count: 512)
        cmpi_error_text(code, &text, Int32(text.count))
        let bytes = text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        throw MessagePassingError.failed(what: what, reason: String(decoding: bytes, as: UTF8.self))
    }
}

public enum MessagePassingError: Error, CustomStringConvertible {
    case failed(what: String, reason: String)

    public var description: String {
        switch self {
        case let .failed(what, reason):
            return "MPI failed while \(what): \(reason). A process of the run has probably died or lost its network; "
                + "resume from the last checkpoint with `mpirun … nmt train RECIPE --resume`"
        }
    }
}
