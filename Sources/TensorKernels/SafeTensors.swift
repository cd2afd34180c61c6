import TextFormats
import Foundation
import DurableFiles

/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON mapping each tensor
/// name to `{dtype, shape, data_offsets: [begin, end]}` (plus an optional `__metadata__` of strings),
/// then the raw little-endian data. Python's `safetensors` and numpy can open what this writes.
public struct SafeTensors: Sendable {
    public enum DType: String, Sendable { case F32, I64 }

    public struct Tensor: Sendable, Equatable {
        public var dtype: DType
        public var shape: [Int]
        /// Raw little-endian bytes: owned, or a range of a mapped file (see `SafeTensors.read`).
        public var bytes: TensorBytes

        public init(floats: [Float], shape: [Int]) {
            precondition(shape.reduce(1, *) == floats.count, "tensor shape \(shape) vs \(floats.count) values")
            dtype = .F32
            self.shape = shape
            bytes = TensorBytes(floats.withUnsafeBytes { Array($0) })
        }

        public init(int64s: [Int64], shape: [Int]) {
            precondition(shape.reduce(1, *) == int64s.count, "tensor shape \(shape) vs \(int64s.count) values")
            dtype = .I64
            self.shape = shape
            bytes = TensorBytes(int64s.withUnsafeBytes { Array($0) })
        }

        init(dtype: DType, shape: [Int], bytes: TensorBytes) {
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        public var floats: [Float] {
            precondition(dtype == .F32, "tensor is \(dtype), not F32")
            return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }

        public var int64s: [Int64] {
            precondition(dtype == .I64, "tensor is \(dtype), not I64")
            return bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
        }
    }

    public var tensors: [String: Tensor] = [:]
    public var metadata: [String: String] = [:]

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    // MARK: writing

    /// The file's bytes. Tensors are laid out in name order, so the same content gives the same bytes.
    public func serialized() -> Foundation.Data {
        var header = "{"
        var offset = 0
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)):\(JSONText.string($0.value))" }
            parts.append("\"__metadata__\":{\(items.joined(separator: ","))}")
        }
        let sorted = tensors.sorted { $0.key < $1.key }
        for (name, t) in sorted {
            let shape = t.shape.map(String.init).joined(separator: ",")
            parts.append("\(JSONText.string(name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}")
            offset += t.bytes.count
        }
        header += parts.joined(separator: ",") + "}"
        while (header.utf8.count + 8) % 8 != 0 { header += " " }  // keeps the data 8-byte aligned
        var data = Foundation.Data()
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for (_, t) in sorted { t.bytes.withUnsafeBytes { data.append(contentsOf: $0) } }
        return data
    }

    public func write(to path: String) throws {
        try serialized().withUnsafeBytes { try AtomicFile.write($0, to: path) }
    }
}
