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
    public static func read(path: String) throws -> SafeTensors {
        guard let data = FileManager.default.contents(atPath: path) else { throw SafeTensorsError.unreadable(path: path) }
        return try parse(data, path: path)
    }

    /// Parses and validates: the header length, the JSON, each dtype, each shape against its byte range,
    /// ranges inside the file, and no two ranges overlapping. Never traps on bad input.
    public static func parse(_ data: Foundation.Data, path: String) throws -> SafeTensors {
        func fail(_ reason: String) -> SafeTensorsError { .invalid(path: path, reason: reason) }
        let bytes = data.startIndex == 0 ? data : Foundation.Data(data)  // indices from 0, no copy of the weights
        guard bytes.count >= 8 else { throw fail("the file has \(bytes.count) bytes, fewer than the 8-byte header length") }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(bytes.count - 8) else {
            throw fail("the header claims \(length) bytes but only \(bytes.count - 8) follow (truncated file?)")
        }
        let headerEnd = 8 + Int(length)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Foundation.Data(bytes[8..<headerEnd]))
        } catch {
            throw fail("the header is not valid JSON")
        }
        guard let object = json as? [String: Any] else { throw fail("the header is not a JSON object") }
        var result = SafeTensors()
        var ranges: [(Int, Int, String)] = []
        let dataLength = bytes.count - headerEnd
        for (name, value) in object {
            if name == "__metadata__" {
                guard let meta = value as? [String: String] else { throw fail("__metadata__ must map strings to strings") }
                result.metadata = meta
                continue
            }
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
            // Element count and byte count with every product checked: a crafted shape must not overflow.
            let elementBytes = dtype == .F32 ? 4 : 8
            var byteCount: Int? = elementBytes
            for d in shape {
                guard let so = byteCount else { break }
                let r = so.multipliedReportingOverflow(by: d)
                byteCount = r.overflow ? nil : r.partialValue
            }
            guard let byteCount, byteCount == end - begin else {
                throw fail("tensor `\(name)` has shape \(shape) (\(byteCount.map { "\($0) bytes" } ?? "more elements than fit in memory")) "
                    + "but its byte range holds \(end - begin) bytes")
            }
            ranges.append((begin, end, name))
            var tensor = Tensor(floats: [], shape: [0])
            tensor.dtype = dtype
            tensor.shape = shape
            tensor.bytes = Array(bytes[(headerEnd + begin)..<(headerEnd + end)])
            result.tensors[name] = tensor
        }
        // An empty tensor holds no bytes, so it overlaps nothing (the writer gives it its neighbour's offset).
        ranges = ranges.filter { $0.0 < $0.1 }.sorted { $0.0 < $1.0 }
        for (a, b) in zip(ranges, ranges.dropFirst()) where b.0 < a.1 {
            throw fail("tensors `\(a.2)` and `\(b.2)` overlap")
        }
        return result
    }
}
