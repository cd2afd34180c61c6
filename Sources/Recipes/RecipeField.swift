import TextFormats

/// A value that can stand in a recipe: how it reads from a YAML scalar and how it is written back.
public protocol RecipeValue: Sendable, Equatable {
    /// What the error says the value must be, e.g. "a whole number".
    static var expectation: String { get }
    init?(recipeScalar text: String)
    var recipeScalar: String { get }
}

extension Int: RecipeValue {
    public static var expectation: String { "a whole number" }
    public init?(recipeScalar text: String) { self.init(text.replacingOccurrences(of: "_", with: "")) }
    public var recipeScalar: String { String(self) }
}

extension Double: RecipeValue {
    public static var expectation: String { "a number" }
    public init?(recipeScalar text: String) {
        guard let value = Double(text), value.isFinite else { return nil }
        self = value
    }
    public var recipeScalar: String { String(self) }
}

extension Bool: RecipeValue {
    public static var expectation: String { "true or false" }
    public init?(recipeScalar text: String) {
        switch text.lowercased() {
        case "true", "yes", "on": self = true
        case "false", "no", "off": self = false
        default: return nil
        }
    }
    public var recipeScalar: String { self ? "true" : "false" }
}

extension String: RecipeValue {
    public static var expectation: String { "a string" }
    public init?(recipeScalar text: String) { self = text }
    public var recipeScalar: String { Self.quotedIfNeeded(self) }

    static func quotedIfNeeded(_ text: String) -> String {
        let plain = !text.isEmpty && text.first != "-" && text.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
            && Bool(recipeScalar: text) == nil && Double(text) == nil && text != "null"
        if plain { return text }
        // Inside double quotes YAML folds a raw line break (\n, \r, NEL, U+2028/9) into a space, so every
        // control or break character is written as an escape and the text reads back unchanged.
        return JSONText.string(text) { (0x7F...0x9F).contains($0.value) || [0x2028, 0x2029, 0xFEFF].contains($0.value) }
    }
}

/// A choice among named values (`normalization: nfc | nfkc | none`): a `String`-backed enum.
public protocol RecipeChoice: RecipeValue, RawRepresentable, CaseIterable where RawValue == String {}

extension RecipeChoice {
    public static var expectation: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
    public init?(recipeScalar text: String) { self.init(rawValue: text) }
    public var recipeScalar: String { rawValue }
}

/// Walks the keys of one recipe section. A section lists its keys once, in `visit`, and the same list
/// serves reading (with defaults: the value a field already holds), writing the effective recipe,
/// and naming the allowed keys in errors.
public protocol RecipeVisitor {
    mutating func field<V: RecipeValue>(_ key: String, _ value: inout V) throws
    mutating func optionalField<V: RecipeValue>(_ key: String, _ value: inout V?) throws
    mutating func section<S: RecipeSection>(_ key: String, _ value: inout S) throws
}

/// A group of keys in a recipe (`train:`, `model:`…). Defaults are the stored properties' initial values.
public protocol RecipeSection: Sendable, Equatable {
    init()
    mutating func visit<V: RecipeVisitor>(_ visitor: inout V) throws
}

/// Collects the key names of a section, for "allowed keys" messages.
struct KeyCollector: RecipeVisitor {
    var keys: [String] = []
    mutating func field<V: RecipeValue>(_ key: String, _ value: inout V) { keys.append(key) }
    mutating func optionalField<V: RecipeValue>(_ key: String, _ value: inout V?) { keys.append(key) }
    mutating func section<S: RecipeSection>(_ key: String, _ value: inout S) { keys.append(key) }

    static func keys<S: RecipeSection>(of type: S.Type) -> [String] {
        var collector = KeyCollector()
        var probe = S()
        try? probe.visit(&collector)
        return collector.keys
    }
}
