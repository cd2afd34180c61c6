import TensorKernels

/// How the processes of one data-parallel training run combine what each computed (ARCHITECTURE.md,
/// "Scale beyond one machine"): every process holds the same weights, computes the gradients of its
/// share of an update's batches, and the sums make every process take the same Adam step. One process
/// needs no exchange: `SingleProcess`. The MPI implementation lives in `MessagePassing`.
public protocol Communicator: AnyObject {
    /// This process's index, 0 ..< size; rank 0 writes every file.
    var rank: Int { get }
    var size: Int { get }
    /// Element-wise sum across processes, in place.
    func sum(_ buffer: FloatBuffer) throws
    func sum(_ values: inout [Double]) throws
    /// Element-wise maximum across processes, in place.
    func maximum(_ values: inout [Double]) throws
    /// Rank `root`'s bytes, on every process (receivers' arrays are replaced).
    func broadcast(_ bytes: inout [UInt8], from root: Int) throws
}

/// The communicator of a plain `nmt train`: one process, nothing to exchange.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func sum(_ buffer: FloatBuffer) {}
    public func sum(_ values: inout [Double]) {}
    public func maximum(_ values: inout [Double]) {}
    public func broadcast(_ bytes: inout [UInt8], from root: Int) {}
}
