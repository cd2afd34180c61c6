internal import CICU

/// Unicode normalization (NFC or NFKC) through ICU's `unorm2`. ASCII text is already normalized under
/// both forms and returns at once; other text is checked with ICU's quick check before any copy.
final class ICUNormalizer {
    private let instance: OpaquePointer
    private var output: [UInt16] = []

    init(_ form: TextNormalization) throws {
        precondition(form != .none, "no normalizer is needed for .none")
        var status: Int32 = 0
        let instance = form == .nfc ? cicu_nfc_instance(&status) : cicu_nfkc_instance(&status)
        guard let instance, status <= 0 else {
            throw TokenizationError.icuFailure(operation: "unorm2_get\(form == .nfc ? "NFC" : "NFKC")Instance",
                                               status: ICUWordBreaker.name(status))
        }
        self.instance = instance
    }

    /// Whether every byte of `text` is ASCII, eight bytes at a time.
    static func isASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return true }
            let raw = UnsafeRawPointer(base)
            var i = 0
            var bits: UInt64 = 0
            while i + 8 <= bytes.count {
                bits |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < bytes.count {
                bits |= UInt64(bytes[i])
                i += 1
            }
            return bits & 0x8080_8080_8080_8080 == 0
        }
    }

    /// `text` in the normal form.
    func normalize(_ text: String) -> String {
        if Self.isASCII(text) { return text }
        let utf16 = Array(text.utf16)
        var status: Int32 = 0
        let span = utf16.withUnsafeBufferPointer {
            cicu_normalized_prefix_length(instance, $0.baseAddress, Int32($0.count), &status)
        }
        if status <= 0 && Int(span) == utf16.count { return text }
        let count = ICUOutput.fill(&output, capacity: max(16, utf16.count * 2), operation: "unorm2_normalize") { dest, status in
            utf16.withUnsafeBufferPointer { source in
                cicu_normalize(instance, source.baseAddress, Int32(source.count), dest.baseAddress, Int32(dest.count), &status)
            }
        }
        return String(decoding: output[0..<count], as: UTF16.self)
    }
}
