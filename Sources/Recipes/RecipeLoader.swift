import Foundation
import Yams

/// YAML → `Recipe`, strictly: unknown keys, wrong types and bad values are errors naming file, line and key.
public enum RecipeLoader {
    /// Reads the recipe at `path`, applies `overrides` (`section.key=value`, as `--set` gives them),
    /// then validates it.
    public static func load(path: String, overrides: [String] = []) throws -> Recipe {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RecipeError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path)
                ? "the file is not readable UTF-8 text" : "no such file")
        }
        var recipe = try parse(text, path: path, overrides: overrides)
        recipe.directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return recipe
    }

    /// Parses recipe text; `path` is only used in messages.
    public static func parse(_ text: String, path: String, overrides: [String] = []) throws -> Recipe {
        let root: Node
        do {
            root = try Yams.compose(yaml: text) ?? Node.mapping(Node.Mapping([]))
        } catch let error as YamlError {
            throw RecipeError.syntax(path: path, line: Self.line(of: error), message: "\(error)")
        }
        guard case var .mapping(mapping) = root else {
            throw RecipeError.notAMapping(path: path, line: root.mark?.line, key: "(top level)")
        }
        for override in overrides {
            mapping = try RecipeOverride.apply(override, to: mapping)
        }
        var top = RecipeTop()
        var reader = NodeReader(mapping: mapping, path: path, section: "")
        try top.visit(&reader)
        try reader.rejectUnknownKeys(allowed: KeyCollector.keys(of: RecipeTop.self))
        try RecipeValidation.validate(top.recipe, path: path)
        return top.recipe
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return mark.line
        default:
            return nil
        }
    }
}

/// Reads one section's keys from a YAML mapping, remembering which keys were consumed.
struct NodeReader: RecipeVisitor {
    let mapping: Node.Mapping
    let path: String
    let section: String

    private func qualified(_ key: String) -> String { section.isEmpty ? key : section + "." + key }

    mutating func field<V: RecipeValue>(_ key: String, _ value: inout V) throws {
        guard let node = mapping[key] else { return }
        value = try decode(node, key: key)
    }

    mutating func optionalField<V: RecipeValue>(_ key: String, _ value: inout V?) throws {
        guard let node = mapping[key] else { return }
        if case let .scalar(scalar) = node, scalar.string == "null" || scalar.string == "~" || scalar.string.isEmpty {
            value = nil
            return
        }
        value = try decode(node, key: key) as V
    }

    mutating func section<S: RecipeSection>(_ key: String, _ value: inout S) throws {
        guard let node = mapping[key] else { return }
        if case let .scalar(scalar) = node, scalar.string.isEmpty || scalar.string == "null" { return }
        guard case let .mapping(inner) = node else {
            throw RecipeError.notAMapping(path: path, line: node.mark?.line, key: qualified(key))
        }
        var reader = NodeReader(mapping: inner, path: path, section: qualified(key))
        try value.visit(&reader)
        try reader.rejectUnknownKeys(allowed: KeyCollector.keys(of: S.self))
    }

    private func decode<V: RecipeValue>(_ node: Node, key: String) throws -> V {
        guard case let .scalar(scalar) = node else {
            throw RecipeError.wrongType(path: path, line: node.mark?.line, key: qualified(key),
                                        expected: V.expectation, found: "a list or mapping")
        }
        guard let value = V(recipeScalar: scalar.string) else {
            throw RecipeError.wrongType(path: path, line: node.mark?.line, key: qualified(key),
                                        expected: V.expectation, found: scalar.string)
        }
        return value
    }

    func rejectUnknownKeys(allowed: [String]) throws {
        for (keyNode, _) in mapping {
            let key = keyNode.string ?? "\(keyNode)"
            if !allowed.contains(key) {
                throw RecipeError.unknownKey(path: path, line: keyNode.mark?.line, key: qualified(key),
                                             allowed: allowed, suggestion: Self.closest(to: key, in: allowed))
            }
        }
    }

    /// The allowed key within edit distance 2 of a misspelt one, if any.
    static func closest(to key: String, in allowed: [String]) -> String? {
        let scored = allowed.map { ($0, editDistance(Array(key), Array($0))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 4) else { return nil }
        return best.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
