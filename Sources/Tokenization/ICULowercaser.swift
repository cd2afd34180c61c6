internal import CICU

/// Full Unicode lowercasing on UTF-8 through ICU's case map, with a locale's rules (`""` is the root
/// locale; "tr" lowercases "I" to "ı"). Lossy: the original casing cannot be restored.
final class ICULowercaser {
    private let map: OpaquePointer
    private var output: [UInt8] = []

    init(locale: String) throws {
        var status: Int32 = 0
        guard let map = cicu_case_map_open(locale, &status), status <= 0 else {
            throw TokenizationError.icuFailure(operation: "ucasemap_open(\"\(locale)\")", status: ICUWordBreaker.name(status))
        }
        self.map = map
    }

    deinit { cicu_case_map_close(map) }

    /// `text` lowercased.
    func lowercase(_ text: String) -> String {
        var text = text
        return text.withUTF8 { source -> String in
            let count = ICUOutput.fill(&output, capacity: max(16, source.count + source.count / 2),
                                       operation: "ucasemap_utf8ToLower") { dest, status in
                source.withMemoryRebound(to: CChar.self) { src in
                    dest.withMemoryRebound(to: CChar.self) { d in
                        cicu_utf8_to_lower(map, d.baseAddress, Int32(d.count), src.baseAddress, Int32(src.count), &status)
                    }
                }
            }
            return String(decoding: output[0..<count], as: UTF8.self)
        }
    }
}

/// ICU's preflighting convention, for every call that writes into a caller's buffer: it returns the length
/// the result needs, and writes it only when the buffer is large enough.
enum ICUOutput {
    /// Calls `write` with `buffer` grown to `capacity` units, and again with more room while ICU reports that
    /// it needs more; returns the number of units written. A failure other than a full buffer (which valid
    /// Unicode text never causes for these operations) stops the process with `operation`'s name.
    static func fill<Unit: FixedWidthInteger>(_ buffer: inout [Unit], capacity: Int, operation: String,
                                              _ write: (UnsafeMutableBufferPointer<Unit>, inout Int32) -> Int32) -> Int {
        var capacity = capacity
        while true {
            if buffer.count < capacity { buffer = [Unit](repeating: 0, count: capacity) }
            var status: Int32 = 0
            let needed = Int(buffer.withUnsafeMutableBufferPointer { write($0, &status) })
            if needed > capacity {
                capacity = needed + 16
                continue
            }
            precondition(status <= 0, "\(operation) failed: \(ICUWordBreaker.name(status))")
            return needed
        }
    }
}
