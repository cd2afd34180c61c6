/// How BPE sees a token: its core split into units, each unit that is not last carrying the joiner.
enum BPESymbols {
    /// The initial symbols of a token core: one per extended grapheme cluster (an escape `￮XXXX` counts
    /// as one), the joiner appended to all but the last. `"Hund"` → `["H￭", "u￭", "n￭", "d"]`.
    /// Escapes are found scalar by scalar: a combining mark after an escape's last digit joins that digit's
    /// grapheme cluster, and a symbol boundary inside the escape would break detokenization.
    static func initial(_ core: Substring) -> [String] {
        var units: [String] = []
        let scalars = Array(core.unicodeScalars)
        var plain = String.UnicodeScalarView()
        func flushPlain() {
            if !plain.isEmpty { units += String(plain).map(String.init) }
            plain = String.UnicodeScalarView()
        }
        var i = 0
        while i < scalars.count {
            guard Character(scalars[i]) == TokenMarkers.escape else {
                plain.append(scalars[i])
                i += 1
                continue
            }
            flushPlain()
            var end = i + 1
            while end - i <= 4, end < scalars.count, Character(scalars[end]).isHexDigit { end += 1 }
            var escape = String.UnicodeScalarView()
            escape.append(contentsOf: scalars[i..<end])
            units.append(String(escape))
            i = end
        }
        flushPlain()
        for i in 0..<max(0, units.count - 1) { units[i].append(TokenMarkers.joiner) }
        return units
    }
}
