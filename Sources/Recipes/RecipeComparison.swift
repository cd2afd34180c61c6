/// A recipe compared key by key: what `nmt train --resume` checks against the recipe a model was trained with.
extension Recipe {
    /// Every key of the recipe (`section.key`, nested sections joined by dots) with its value as the
    /// effective recipe writes it, in recipe order.
    public var keyedValues: [(key: String, value: String)] {
        var top = RecipeTop(recipe: self)
        var flattener = RecipeFlattener()
        try? top.visit(&flattener)
        return flattener.values
    }

    /// The keys whose values differ between `self` and `other`, in recipe order.
    public func differences(from other: Recipe) -> [String] {
        let theirs = Dictionary(other.keyedValues, uniquingKeysWith: { first, _ in first })
        return keyedValues.filter { theirs[$0.key] != $0.value }.map(\.key)
    }
}

/// Collects `section.key: value` pairs.
struct RecipeFlattener: RecipeVisitor {
    var prefix = ""
    var values: [(key: String, value: String)] = []

    mutating func field<V: RecipeValue>(_ key: String, _ value: inout V) {
        values.append((prefix + key, value.recipeScalar))
    }

    mutating func optionalField<V: RecipeValue>(_ key: String, _ value: inout V?) {
        values.append((prefix + key, value.map(\.recipeScalar) ?? "null"))
    }

    mutating func section<S: RecipeSection>(_ key: String, _ value: inout S) {
        var inner = RecipeFlattener(prefix: prefix + key + ".")
        try? value.visit(&inner)
        values += inner.values
    }
}
