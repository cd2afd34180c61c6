import Foundation
import XCTest
import Hummingbird
import HummingbirdTesting
import NIOCore
import Decoding
import Seq2SeqModel
import Serving
import Tokenization

/// Small untrained models over the letters a–j, for route tests: what they translate to is arbitrary but
/// deterministic, so a route's answer can be compared with `Translator.translate` on a twin model.
enum ServingFixtures {
    static let letters = (0..<10).map { String(UnicodeScalar(UInt8(97 + $0))) }

    /// A translator over a model made from `seed`; two calls with the same arguments give twins.
    static func translator(seed: UInt64 = 7, attention: AttentionScore = .bahdanau, beam: Int = 3) throws -> Translator {
        let vocabulary = Vocabulary(tokens: Vocabulary.specialTokens + letters, counts: Array(repeating: 0, count: 4 + letters.count))
        let configuration = ModelConfiguration(sourceVocabularySize: vocabulary.count, targetVocabularySize: vocabulary.count,
                                               embedding: 8, encoderHidden: 8, decoderHidden: 16, attentionSize: 8,
                                               attention: attention)
        let model = Seq2Seq(configuration: configuration, seed: seed, initScale: 0.5)
        let pipeline = try TextPipeline(options: TokenizerOptions())
        var options = SearchOptions(beamSize: beam)
        options.maxLengthRatio = 1
        return try Translator(model: model, source: pipeline, target: pipeline, sourceVocabulary: vocabulary,
                              targetVocabulary: vocabulary, options: options)
    }

    /// A service with the model `toy` (id 100) and the attention-less `plain` (id 101).
    /// - Parameter threads: the toy translator's threads, so its worker's lanes
    static func service(_ settings: ServerSettings = ServerSettings(), batchSize: Int = 16, threads: Int = 1) throws -> TranslationService {
        let toy = try translator()
        toy.threads = threads
        return TranslationService(models: [
            ServedModel(name: "toy", id: 100, directory: "/models/toy", translator: toy, batchSize: batchSize),
            ServedModel(name: "plain", id: 101, directory: "/models/plain", translator: try translator(attention: .none), batchSize: batchSize),
        ], settings: settings)
    }

    /// Runs `test` against the routes of `service` in process (HummingbirdTesting's router mode); shuts the service down after.
    static func withRoutes(_ service: TranslationService, _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let log = LogLines()
        let app = Application(router: Routes.router(service: service, log: { log.append($0) }))
        defer { service.shutdown() }
        try await app.test(.router, test)
    }
}

/// The request log lines a test's server wrote.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

extension TestResponse {
    /// The body parsed as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed])
    }
    var text: String { String(buffer: body) }
    /// The `error` message of an error body.
    func errorMessage() throws -> String {
        let object = try XCTUnwrap(try json() as? [String: Any], text)
        XCTAssertEqual(object["status"] as? String, "error")
        return try XCTUnwrap(object["error"] as? String, text)
    }
}

extension TestClientProtocol {
    /// POSTs `body` (a JSON string) to `uri`.
    func post(_ uri: String, _ body: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }
    func post(_ uri: String, bytes: [UInt8]) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, body: ByteBuffer(bytes: bytes))
    }
    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }
}

/// A JSON string literal for `text`.
func jsonString(_ text: String) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]), as: UTF8.self)
}
