internal import CICU

/// ICU's word break iterator (root locale) over a UText on UTF-8, so boundaries come back as UTF-8
/// byte offsets and no UTF-16 copy is made (PLATFORM.md: 80–90 MB/s on English). Not Sendable: one
/// per thread (`clone()`).
final class ICUWordBreaker {
    private let iterator: OpaquePointer
    private var text: OpaquePointer?

    init() throws {
        var status: Int32 = 0
        guard let iterator = cicu_word_break_open("", &status), status <= 0 else {
            throw TokenizationError.icuFailure(operation: "ubrk_open(UBRK_WORD)", status: Self.name(status))
        }
        self.iterator = iterator
    }

    private init(iterator: OpaquePointer) {
        self.iterator = iterator
    }

    /// An independent iterator with the same rules, for another thread.
    func clone() throws -> ICUWordBreaker {
        var status: Int32 = 0
        guard let copy = cicu_break_clone(iterator, &status), status <= 0 else {
            throw TokenizationError.icuFailure(operation: "ubrk_clone", status: Self.name(status))
        }
        return ICUWordBreaker(iterator: copy)
    }

    deinit {
        cicu_break_close(iterator)
        if let text { cicu_text_close(text) }
    }

    /// Calls `segment(start, end, ruleStatus)` for each word-break segment of `bytes` (valid UTF-8), in
    /// order. The rule status is below 100 for spaces, punctuation and symbols.
    @inline(__always)
    func forEachSegment(_ bytes: UnsafeBufferPointer<UInt8>, _ segment: (Int, Int, Int32) -> Void) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var status: Int32 = 0
        let opened = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            cicu_text_open_utf8(text, $0, Int64(bytes.count), &status)
        }
        // Opening a UText over memory cannot fail once the first UText exists; a failure here is a
        // broken ICU installation, which `init` already reports.
        precondition(status <= 0 && opened != nil, "utext_openUTF8 failed: \(Self.name(status))")
        text = opened
        cicu_break_set_text(iterator, opened, &status)
        precondition(status <= 0, "ubrk_setUText failed: \(Self.name(status))")
        var start = Int(cicu_break_first(iterator))
        while true {
            let end = cicu_break_next(iterator)
            if end < 0 { break }
            segment(start, Int(end), cicu_break_rule_status(iterator))
            start = Int(end)
        }
    }

    static func name(_ status: Int32) -> String {
        String(cString: cicu_error_name(status))
    }
}
