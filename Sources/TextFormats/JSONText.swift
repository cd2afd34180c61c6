/// JSON written by hand where the exact bytes matter (sacreBLEU's score objects, a safetensors header) or
/// where JSON's string syntax serves another format (YAML's double-quoted scalars are a superset of it).
/// The one place that knows how a JSON string is escaped.
public enum JSONText {
    /// `{"key": value, …}` with the values already written as JSON, in the order given.
    public static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// A number as Swift prints it, or `null` when it is not finite (JSON has no NaN or infinity).
    public static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    /// `text` as a JSON string literal: `"` and `\` escaped, `\n` `\r` `\t` by name, every other control
    /// character below U+0020 and every scalar for which `alsoEscaping` holds as `\uXXXX` (lowercase hex,
    /// as Python's `json.dumps` writes it); all else, non-ASCII included, as itself.
    /// - Parameter alsoEscaping: scalars of the Basic Multilingual Plane to write as escapes too
    public static func string(_ text: String, alsoEscaping: (Unicode.Scalar) -> Bool = { _ in false }) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (scalar.value <= 0xFFFF && alsoEscaping(scalar)):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
