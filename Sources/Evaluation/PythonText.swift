/// Text rules of Python 3's `str`, which sacreBLEU relies on: what counts as whitespace for `split()`
/// and `rstrip()`, and what `lower()` does. Swift's own rules differ (Swift compares `String`s by
/// canonical equivalence, does not apply Greek final sigma, and knows newer Unicode), so the metrics work
/// on arrays of Unicode scalars, the code points Python strings are made of.
enum PythonText {
    /// Python's `str.isspace()`: bidirectional class WS, B or S, or category Zs (Python 3.11, Unicode 14).
    @inlinable
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `line.split()`: the runs of non-whitespace scalars, in order.
    static func split(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var pieces: [ArraySlice<Unicode.Scalar>] = []
        var start = -1
        for i in scalars.indices {
            if isWhitespace(scalars[i]) {
                if start >= 0 { pieces.append(scalars[start..<i]); start = -1 }
            } else if start < 0 {
                start = i
            }
        }
        if start >= 0 { pieces.append(scalars[start...]) }
        return pieces
    }

    /// `line.rstrip()`.
    static func trimTrailingWhitespace(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var end = scalars.count
        while end > 0, isWhitespace(scalars[end - 1]) { end -= 1 }
        return end == scalars.count ? scalars : Array(scalars[..<end])
    }

    /// `line.lower()`: full lowercase mappings (İ becomes i + combining dot) and Greek final sigma, as
    /// CPython applies them. Scalars assigned after Unicode 15.1 (the newest table of Python ≤ 3.13) are
    /// left unchanged, as Python leaves them.
    static func lowercased(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        for i in scalars.indices {
            let scalar = scalars[i]
            if scalar.value < 0x80 {
                if scalar.value >= 0x41, scalar.value <= 0x5A {
                    result.append(Unicode.Scalar(UInt8(scalar.value + 0x20)))
                } else {
                    result.append(scalar)
                }
                continue
            }
            if scalar.value == 0x3A3 {
                result.append(isFinalSigma(scalars, at: i) ? "\u{3C2}" : "\u{3C3}")
                continue
            }
            guard let age = scalar.properties.age, age.major < 15 || (age.major == 15 && age.minor <= 1),
                  scalar.properties.changesWhenLowercased else {
                result.append(scalar)
                continue
            }
            result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return result
    }

    /// The Final_Sigma context of Unicode's SpecialCasing: a cased letter before (skipping case-ignorable
    /// scalars) and no cased letter after (skipping case-ignorable scalars).
    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var j = index - 1
        while j >= 0, scalars[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, scalars[j].properties.isCased else { return false }
        j = index + 1
        while j < scalars.count, scalars[j].properties.isCaseIgnorable { j += 1 }
        return j == scalars.count || !scalars[j].properties.isCased
    }
}
