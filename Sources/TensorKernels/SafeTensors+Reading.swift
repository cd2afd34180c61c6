import Foundation

public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String)
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path):
            return "cannot read \(path): no such file or no permission"
        case let .invalid(path, reason):
            return "\(path) is not a valid safetensors file: \(reason). If it was cut short by a crash or a full disk, "
                + "use the previous checkpoint or train again."
        }
    }
}

extension SafeTensors {
    /// Reads and validates the file at `path` by mapping it: each tensor's bytes stay in the page cache
    /// (a range of the mapping) until the caller copies them, and the mapping goes with the last tensor.
    public static func read(path: String) throws -> SafeTensors {
        guard let file = MappedFile(path: path) else { throw SafeTensorsError.unreadable(path: path) }
        // A range the writer did not align (another tool's file) is copied, so every element read is aligned.
        return try parse(file.bytes, path: path) {
            $0.lowerBound % 8 == 0 ? TensorBytes(file, range: $0) : TensorBytes(Array(file.bytes[$0]))
        }
    }

    /// Parses and validates bytes already in memory (each tensor gets its own copy).
    public static func parse(_ data: Foundation.Data, path: String) throws -> SafeTensors {
        try data.withUnsafeBytes { raw in
            try parse(raw, path: path) { TensorBytes(Array(raw[$0])) }
        }
    }

    /// Validates the header length, the JSON, each dtype, each shape against its byte range, ranges inside
    /// the file, and no two ranges overlapping, then asks `bytesOf` for each tensor's range of `raw`. Never
    /// traps on bad input.
    static func parse(_ raw: UnsafeRawBufferPointer, path: String,
                      bytesOf: (Range<Int>) -> TensorBytes) throws -> SafeTensors {
        func fail(_ reason: String) -> SafeTensorsError { .invalid(path: path, reason: reason) }
        let (object, dataStart) = try header(raw, fail: fail)
        var result = SafeTensors()
        var ranges: [(range: Range<Int>, name: String)] = []
        for (name, value) in object {
            if name == "__metadata__" {
                guard let meta = value as? [String: String] else { throw fail("__metadata__ must map strings to strings") }
                result.metadata = meta
                continue
            }
            let (dtype, shape, range) = try entry(name, value, dataLength: raw.count - dataStart, fail: fail)
            ranges.append((range, name))
            result.tensors[name] = Tensor(dtype: dtype, shape: shape,
                                          bytes: bytesOf((dataStart + range.lowerBound)..<(dataStart + range.upperBound)))
        }
        // An empty tensor holds no bytes, so it overlaps nothing (the writer gives it its neighbour's offset).
        let filled = ranges.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(filled, filled.dropFirst()) where b.range.lowerBound < a.range.upperBound {
            throw fail("tensors `\(a.name)` and `\(b.name)` overlap")
        }
        return result
    }

    /// The header's JSON object and the offset where the data starts.
    private static func header(_ raw: UnsafeRawBufferPointer,
                               fail: (String) -> SafeTensorsError) throws -> (object: [String: Any], dataStart: Int) {
        guard raw.count >= 8 else { throw fail("the file has \(raw.count) bytes, fewer than the 8-byte header length") }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(raw[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(raw.count - 8) else {
            throw fail("the header claims \(length) bytes but only \(raw.count - 8) follow (truncated file?)")
        }
        let headerEnd = 8 + Int(length)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Foundation.Data(raw[8..<headerEnd]))
        } catch {
            throw fail("the header is not valid JSON")
        }
        guard let object = json as? [String: Any] else { throw fail("the header is not a JSON object") }
        return (object, headerEnd)
    }

    /// One tensor's header entry, checked: its dtype, its shape, and its byte range within the data.
    private static func entry(_ name: String, _ value: Any, dataLength: Int,
                              fail: (String) -> SafeTensorsError) throws -> (DType, [Int], Range<Int>) {
        guard let entry = value as? [String: Any], let dtypeName = entry["dtype"] as? String,
              let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
        else { throw fail("tensor `\(name)` lacks dtype, shape or data_offsets") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw fail("tensor `\(name)` has dtype \(dtypeName); this reader knows F32 and I64")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("tensor `\(name)` has a negative dimension") }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, end >= begin, end <= dataLength else {
            throw fail("tensor `\(name)` byte range \(begin)..<\(end) is outside the \(dataLength) data bytes (truncated file?)")
        }
        // The byte count with every product checked: a crafted shape must not overflow.
        var byteCount: Int? = dtype == .F32 ? 4 : 8
        for d in shape {
            guard let so = byteCount else { break }
            let r = so.multipliedReportingOverflow(by: d)
            byteCount = r.overflow ? nil : r.partialValue
        }
        guard let byteCount, byteCount == end - begin else {
            throw fail("tensor `\(name)` has shape \(shape) (\(byteCount.map { "\($0) bytes" } ?? "more elements than fit in memory")) "
                + "but its byte range holds \(end - begin) bytes")
        }
        return (dtype, shape, begin..<end)
    }
}
