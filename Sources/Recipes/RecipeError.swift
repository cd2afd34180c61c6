/// What can go wrong reading a recipe. Every case names the file, and where it can the line and key,
/// and says what to do (STYLE.md habit 6).
public enum RecipeError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case syntax(path: String, line: Int?, message: String)
    case notAMapping(path: String, line: Int?, key: String)
    case unknownKey(path: String, line: Int?, key: String, allowed: [String], suggestion: String?)
    case wrongType(path: String, line: Int?, key: String, expected: String, found: String)
    case invalidValue(path: String, line: Int?, key: String, message: String)
    case missingKey(path: String, key: String)
    case badOverride(String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read recipe \(path): \(reason)"
        case let .syntax(path, line, message):
            return "\(Self.place(path, line)): not valid YAML: \(message)"
        case let .notAMapping(path, line, key):
            return "\(Self.place(path, line)): `\(key)` must be a mapping of `key: value` lines"
        case let .unknownKey(path, line, key, allowed, suggestion):
            let hint = suggestion.map { "; did you mean `\($0)`?" } ?? ""
            return "\(Self.place(path, line)): unknown key `\(key)`\(hint) Allowed here: \(allowed.joined(separator: ", "))."
        case let .wrongType(path, line, key, expected, found):
            return "\(Self.place(path, line)): `\(key)` must be \(expected), not `\(found)`"
        case let .invalidValue(path, line, key, message):
            return "\(Self.place(path, line)): `\(key)`: \(message)"
        case let .missingKey(path, key):
            return "\(path): the required key `\(key)` is missing; add it to the recipe (see recipes/reference.yaml)"
        case let .badOverride(text, reason):
            return "--set \(text): \(reason); write it as --set section.key=value, e.g. --set train.learning_rate=0.0005"
        }
    }

    private static func place(_ path: String, _ line: Int?) -> String {
        line.map { "\(path):\($0)" } ?? path
    }
}
