/// How BPE sees a token: its core split into units, each unit that is not last carrying the joiner.
enum BPESymbols {
    /// The initial symbols of a token core: one per extended grapheme cluster (an escape `￮XXXX` counts
    /// as one), the joiner appended to all but the last. `"Hund"` → `["H￭", "u￭", "n￭", "d"]`.
    static func initial(_ core: Substring) -> [String] {
        var units: [String] = []
        var index = core.startIndex
        while index < core.endIndex {
            var end = core.index(after: index)
            if core[index] == TokenMarkers.escape {
                var count = 0
                while count < 4, end < core.endIndex, core[end].isHexDigit {
                    end = core.index(after: end)
                    count += 1
                }
            }
            units.append(String(core[index..<end]))
            index = end
        }
        for i in 0..<max(0, units.count - 1) { units[i].append(TokenMarkers.joiner) }
        return units
    }
}
