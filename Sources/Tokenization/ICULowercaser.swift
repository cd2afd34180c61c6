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
            var capacity = max(16, source.count + source.count / 2)
            while true {
                if output.count < capacity { output = [UInt8](repeating: 0, count: capacity) }
                var status: Int32 = 0
                let needed = source.withMemoryRebound(to: CChar.self) { src in
                    output.withUnsafeMutableBufferPointer { dest in
                        dest.withMemoryRebound(to: CChar.self) { d in
                            cicu_utf8_to_lower(map, d.baseAddress, Int32(d.count), src.baseAddress, Int32(src.count), &status)
                        }
                    }
                }
                if Int(needed) > capacity {
                    capacity = Int(needed) + 16
                    continue
                }
                precondition(status <= 0, "ucasemap_utf8ToLower failed: \(ICUWordBreaker.name(status))")
                return String(decoding: output[0..<Int(needed)], as: UTF8.self)
            }
        }
    }
}
