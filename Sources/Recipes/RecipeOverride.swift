import Yams

/// `--set section.key=value`: replaces (or adds) one scalar in the parsed recipe before it is read,
/// so overrides go through the same strict checks as the file.
enum RecipeOverride {
    static func apply(_ text: String, to mapping: Node.Mapping) throws -> Node.Mapping {
        guard let equals = text.firstIndex(of: "=") else {
            throw RecipeError.badOverride(text, reason: "there is no `=`")
        }
        let keyPath = text[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let value = String(text[text.index(after: equals)...])
        guard !keyPath.isEmpty, keyPath.allSatisfy({ !$0.isEmpty }) else {
            throw RecipeError.badOverride(text, reason: "the key path is empty")
        }
        return try set(Array(keyPath[...]), value: value, in: mapping, original: text)
    }

    private static func set(_ keyPath: [String], value: String, in mapping: Node.Mapping, original: String) throws -> Node.Mapping {
        var pairs = Array(mapping)
        let key = keyPath[0]
        let index = pairs.firstIndex { $0.key.string == key }
        let newValue: Node
        if keyPath.count == 1 {
            newValue = .scalar(Node.Scalar(value))
        } else {
            var inner = Node.Mapping([])
            if let index {
                guard case let .mapping(existing) = pairs[index].value else {
                    throw RecipeError.badOverride(original, reason: "`\(key)` is not a section")
                }
                inner = existing
            }
            newValue = .mapping(try set(Array(keyPath.dropFirst()), value: value, in: inner, original: original))
        }
        if let index { pairs[index].value = newValue } else { pairs.append((Node.scalar(Node.Scalar(key)), newValue)) }
        return Node.Mapping(pairs.map { ($0.key, $0.value) })
    }
}
