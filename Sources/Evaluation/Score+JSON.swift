import TextFormats

/// Scores as JSON objects, with sacreBLEU's keys (`name`, `score` rounded to the width, `signature`,
/// `verbose_score`, one key per signature field) followed by the unrounded numbers.
extension BLEUScore {
    public func json(width: Int = 1) -> String {
        var fields: [(String, String)] = [
            ("name", JSONText.string(name)), ("score", scoreText(width: width)),
            ("signature", JSONText.string(signature.description)), ("verbose_score", JSONText.string(details)),
        ]
        fields += signature.fields.map { ($0.key, JSONText.string($0.value)) }
        fields += [
            ("exact_score", JSONText.number(score)),
            ("precisions", "[" + precisions.map(JSONText.number).joined(separator: ", ") + "]"),
            ("bp", JSONText.number(brevityPenalty)), ("ratio", JSONText.number(ratio)),
            ("hyp_len", String(hypothesisLength)), ("ref_len", String(referenceLength)),
            ("counts", "[" + statistics.matches.map(String.init).joined(separator: ", ") + "]"),
            ("totals", "[" + statistics.totals.map(String.init).joined(separator: ", ") + "]"),
        ]
        return JSONText.object(fields)
    }
}

extension CHRFScore {
    public func json(width: Int = 1) -> String {
        var fields: [(String, String)] = [
            ("name", JSONText.string(name)), ("score", scoreText(width: width)),
            ("signature", JSONText.string(signature.description)),
        ]
        fields += signature.fields.map { ($0.key, JSONText.string($0.value)) }
        fields.append(("exact_score", JSONText.number(score)))
        return JSONText.object(fields)
    }
}
