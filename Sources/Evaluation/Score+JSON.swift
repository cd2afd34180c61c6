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

enum JSONText {
    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
