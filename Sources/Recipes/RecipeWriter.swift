/// Writes a recipe back as YAML with every default spelled out: the effective recipe that `train`
/// stores in the model directory (STYLE.md habit 9).
public enum RecipeWriter {
    public static func yaml(_ recipe: Recipe) -> String {
        var top = RecipeTop(recipe: recipe)
        var writer = YAMLLineWriter()
        try? top.visit(&writer)
        return writer.lines.joined(separator: "\n") + "\n"
    }
}

struct YAMLLineWriter: RecipeVisitor {
    var lines: [String] = []
    var indent = ""

    mutating func field<V: RecipeValue>(_ key: String, _ value: inout V) {
        lines.append("\(indent)\(key): \(value.recipeScalar)")
    }

    mutating func optionalField<V: RecipeValue>(_ key: String, _ value: inout V?) {
        lines.append("\(indent)\(key): \(value.map(\.recipeScalar) ?? "null")")
    }

    mutating func section<S: RecipeSection>(_ key: String, _ value: inout S) {
        lines.append("\(indent)\(key):")
        var inner = YAMLLineWriter(lines: [], indent: indent + "  ")
        try? value.visit(&inner)
        lines += inner.lines
    }
}
