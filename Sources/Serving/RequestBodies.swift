import Foundation
import Decoding

/// The JSON bodies of the routes, decoded strictly: a field the route does not know is an error that names
/// it (as recipes reject unknown keys), and a wrong type names the field and what it should be.

/// `POST /v1/translate`: `{"model": NAME, "q": [LINE, …] or LINE, "beam": K, "n_best": N, "alignment": BOOL,
/// "prefix": [PREFIX, …] or PREFIX}` (one target prefix per line of `q`, as `nmt translate --prefix`).
struct NativeTranslateRequest: Decodable {
    static let fields = ["model", "q", "beam", "n_best", "alignment", "prefix"]
    var model: String?
    var q: [String]
    var prefix: [String]?
    var beam: Int?
    var nBest: Int?
    var alignment: Bool

    init(from decoder: any Swift.Decoder) throws {
        let object = try decoder.container(keyedBy: FieldKey.self)
        try rejectUnknownFields(object, known: Self.fields)
        model = try object.decodeIfPresent(String.self, forKey: FieldKey("model"))
        if let one = try? object.decode(String.self, forKey: FieldKey("q")) {
            q = [one]
        } else {
            q = try object.decode([String].self, forKey: FieldKey("q"))
        }
        if let one = try? object.decode(String.self, forKey: FieldKey("prefix")) {
            prefix = [one]
        } else {
            prefix = try object.decodeIfPresent([String].self, forKey: FieldKey("prefix"))
        }
        beam = try object.decodeIfPresent(Int.self, forKey: FieldKey("beam"))
        nBest = try object.decodeIfPresent(Int.self, forKey: FieldKey("n_best"))
        alignment = try object.decodeIfPresent(Bool.self, forKey: FieldKey("alignment")) ?? false
    }
}

/// One element of OpenNMT-py's `POST /translator/translate` body: `{"id": 100, "src": LINE}`.
struct OpenNMTSegment: Decodable {
    static let fields = ["id", "src"]
    /// The model: OpenNMT-py's numeric id, or a model name.
    var model: String?
    var src: String

    init(from decoder: any Swift.Decoder) throws {
        let object = try decoder.container(keyedBy: FieldKey.self)
        try rejectUnknownFields(object, known: Self.fields)
        if let number = try? object.decodeIfPresent(Int.self, forKey: FieldKey("id")) {
            model = String(number)
        } else {
            model = try object.decodeIfPresent(String.self, forKey: FieldKey("id"))
        }
        src = try object.decode(String.self, forKey: FieldKey("src"))
    }
}

/// `POST /v1/translate`'s answer.
struct NativeTranslateResponse: Encodable {
    struct Entry: Encodable {
        var text: String
        /// The normalized score that ranked the hypothesis; null when it was impossible (−∞).
        var score: Double?
    }
    struct Item: Encodable {
        var text: String
        var score: Double?
        /// Best first; as many as `n_best` asked for.
        var nBest: [Entry]
        /// The best hypothesis's attention, when `alignment` was true.
        var alignment: AttentionAlignment?

        enum CodingKeys: String, CodingKey { case text, score, nBest = "n_best", alignment }
    }
    struct Timing: Encodable {
        var queueMs: Double
        var computeMs: Double
        enum CodingKeys: String, CodingKey { case queueMs = "queue_ms", computeMs = "compute_ms" }
    }
    var translations: [Item]
    var timing: Timing
}

/// One entry of OpenNMT-py's answer: the outer array holds one list per n-best rank.
struct OpenNMTResult: Encodable {
    var src: String
    var tgt: String
    var nBest: Int
    var predScore: Double?
    enum CodingKeys: String, CodingKey { case src, tgt, nBest = "n_best", predScore = "pred_score" }
}

/// A JSON object key of any name.
struct FieldKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private func rejectUnknownFields(_ object: KeyedDecodingContainer<FieldKey>, known: [String]) throws {
    for key in object.allKeys where !known.contains(key.stringValue) {
        throw ServingError.unknownField(name: key.stringValue, known: known)
    }
}

/// A score for JSON, which has no −∞: nil for anything not finite.
func jsonNumber(_ value: Float) -> Double? { value.isFinite ? Double(value) : nil }

enum JSONBody {
    /// Decodes `bytes` as `T`, turning every failure into a `ServingError` that says where and what.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        if let offset = firstInvalidUTF8(bytes) { throw ServingError.invalidUTF8(offset: offset) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as ServingError {
            throw error
        } catch let Swift.DecodingError.typeMismatch(expected, context) {
            throw ServingError.invalidJSON(detail: "\(where: context.codingPath) should be \(describe(expected))")
        } catch let Swift.DecodingError.valueNotFound(expected, context) {
            throw ServingError.invalidJSON(detail: "\(where: context.codingPath) should be \(describe(expected)), not null")
        } catch let Swift.DecodingError.keyNotFound(key, context) {
            throw ServingError.invalidJSON(detail: "the field `\(key.stringValue)` is missing\(context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))")")
        } catch let Swift.DecodingError.dataCorrupted(context) {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw ServingError.invalidJSON(detail: underlying ?? context.debugDescription)
        } catch {
            throw ServingError.invalidJSON(detail: "\(error)")
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is [String].Type: return "an array of strings"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") || name.contains("Request") || name.contains("Segment") { return "an object" }
            return name
        }
    }
}

private extension DefaultStringInterpolation {
    /// "the field `beam`", "the element q[2]" or "the body".
    mutating func appendInterpolation(where codingPath: [any CodingKey]) {
        if codingPath.isEmpty { appendLiteral("the body"); return }
        let text = codingPath.enumerated().map { index, key in
            key.intValue.map { index == 0 ? "[\($0)]" : "[\($0)]" } ?? (index == 0 ? key.stringValue : "." + key.stringValue)
        }.joined()
        appendLiteral("`\(text)`")
    }
}
