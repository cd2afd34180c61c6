import Foundation
import Decoding
import Hummingbird
import NIOCore

/// The routes of `nmt serve`:
///
/// - `GET /`: the page to try the models in a browser (`Page.html`).
/// - `POST /translator/translate`, `GET /translator/models`: OpenNMT-py's REST API, so its clients work as they are.
/// - `POST /v1/translate`, `GET /v1/models`: the native API, with search options, n-best and attention.
/// - `GET /health` (liveness), `GET /ready` (models loaded, queues below their limit), `GET /metrics` (Prometheus).
public enum Routes {
    public static func router(service: TranslationService, log: @escaping @Sendable (String) -> Void) -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.add(middleware: RequestLogMiddleware(metrics: service.metrics, log: log))
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: Page.html)))
        }
        router.get("/health") { _, _ in json(["status": "ok"]) }
        router.get("/ready") { _, _ in
            if service.isReady { return json(["status": "ready"]) }
            let reason = service.isStopping ? "shutting down" : "a model's queue is full"
            return json(["status": "not ready", "reason": reason], status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: service.metrics.text())))
        }
        router.get("/translator/models") { _, _ in
            json(service.models.map { model -> [String: Any] in
                ["model_id": model.id, "name": model.name, "loaded": true, "directory": model.directory,
                 "opt": ["beam_size": model.defaults.beamSize, "n_best": model.defaults.nBest, "batch_size": model.batchSize]]
            })
        }
        router.get("/v1/models") { _, _ in
            json(["models": service.models.map { model -> [String: Any] in
                ["name": model.name, "id": model.id, "beam": model.defaults.beamSize, "batch_size": model.batchSize,
                 "attention": model.hasAttention]
            }])
        }
        router.post("/translator/translate") { request, context in
            try await openNMTTranslate(request, context: context, service: service)
        }
        router.post("/v1/translate") { request, context in
            try await nativeTranslate(request, context: context, service: service)
        }
        return router
    }

    /// OpenNMT-py's `[{"id": 100, "src": LINE}, …]` → `[[{"src", "tgt", "n_best", "pred_score"}, …]]`: one inner
    /// list per n-best rank, each in request order. All segments of one request go to one model.
    static func openNMTTranslate(_ request: Request, context: ServerContext, service: TranslationService) async throws -> Response {
        let segments = try JSONBody.decode([OpenNMTSegment].self, from: try await body(request, service.settings))
        let names = Set(segments.compactMap(\.model))  // a segment without an id goes where the others go
        guard names.count <= 1 else {
            throw ServingError.invalidValue(field: "id", detail: "every segment of one request must name the same model, not \(names.sorted())")
        }
        let (worker, model) = try service.worker(names.first)
        let lines = try checkedLines(segments.map(\.src), field: "src", service.settings)
        let answer = try await service.translate(lines, options: model.defaults, on: worker, connection: context.channel)
        let ranks = model.defaults.nBest
        let lists = (0..<ranks).map { rank in
            zip(lines, answer.translations).map { line, translation -> OpenNMTResult in
                let entry = translation.nBest[min(rank, translation.nBest.count - 1)]
                return OpenNMTResult(src: line, tgt: entry.text, nBest: ranks, predScore: jsonNumber(entry.hypothesis.score))
            }
        }
        return try jsonResponse(JSONBody.encode(lists))
    }

    /// `{"model", "q", "beam", "n_best", "alignment", "prefix"}` → `{"translations": [{"text", "score", "n_best", "alignment"}], "timing"}`.
    static func nativeTranslate(_ request: Request, context: ServerContext, service: TranslationService) async throws -> Response {
        let body = try JSONBody.decode(NativeTranslateRequest.self, from: try await body(request, service.settings))
        let (worker, model) = try service.worker(body.model)
        let options = try searchOptions(body, model: model, service.settings)
        let lines = try checkedLines(body.q, field: "q", service.settings)
        let prefixes = try body.prefix.map { try checkedLines($0, field: "prefix", service.settings) }
        if let prefixes, prefixes.count != lines.count {
            throw ServingError.invalidValue(field: "prefix", detail: "has \(prefixes.count) entries for \(lines.count) lines of `q`; "
                + "give one prefix per line (\"\" for none)")
        }
        let answer = try await service.translate(lines, prefixes: prefixes, options: options, on: worker, connection: context.channel)
        let items = answer.translations.enumerated().map { index, translation -> NativeTranslateResponse.Item in
            let best = translation.nBest.first
            let alignment = body.alignment ? best.flatMap {
                AttentionAlignment(sentence: index, source: translation.sourceTokens, target: translation.targetTokens, hypothesis: $0.hypothesis)
            } : nil
            return NativeTranslateResponse.Item(
                text: translation.text, score: best.flatMap { jsonNumber($0.hypothesis.score) },
                nBest: translation.nBest.map { .init(text: $0.text, score: jsonNumber($0.hypothesis.score)) }, alignment: alignment)
        }
        let timing = NativeTranslateResponse.Timing(queueMs: (answer.queueSeconds * 1000).rounded3,
                                                    computeMs: (answer.computeSeconds * 1000).rounded3)
        return try jsonResponse(JSONBody.encode(NativeTranslateResponse(translations: items, timing: timing)))
    }

    /// The model's defaults with the request's beam, n-best and attention, validated as `nmt translate` does.
    static func searchOptions(_ body: NativeTranslateRequest, model: TranslationService.ModelDescription,
                              _ settings: ServerSettings) throws -> SearchOptions {
        var options = model.defaults
        options.beamSize = body.beam ?? model.defaults.beamSize
        options.nBest = body.nBest ?? 1
        options.keepAttention = body.alignment
        if options.beamSize > settings.maxBeam {
            throw ServingError.invalidValue(field: "beam", detail: "\(options.beamSize) is more than this server's limit of \(settings.maxBeam)")
        }
        do {
            try options.validate()
        } catch let DecodingError.invalidOption(name, value, expected) {
            let field = ["beam size": "beam", "n-best": "n_best"][name] ?? name
            throw ServingError.invalidValue(field: field, detail: "`\(value)` is not \(expected)")
        }
        if body.alignment && !model.hasAttention {
            throw ServingError.invalidValue(field: "alignment", detail: "the model `\(model.name)` was trained with model.attention: none, "
                + "so it has no attention weights; drop `alignment` or serve a model with attention")
        }
        return options
    }

    /// The request's sentences, within the server's limits; a NUL character is refused (it cannot be in a line of text).
    static func checkedLines(_ lines: [String], field: String, _ settings: ServerSettings) throws -> [String] {
        if lines.count > settings.maxSentences { throw ServingError.tooManySentences(count: lines.count, limit: settings.maxSentences) }
        if let index = lines.firstIndex(where: { $0.utf8.contains(0) }) {
            throw ServingError.invalidValue(field: "\(field)[\(index)]", detail: "contains a NUL character; send plain text")
        }
        return lines
    }

    /// The whole body, at most `maxBodyBytes`.
    static func body(_ request: Request, _ settings: ServerSettings) async throws -> [UInt8] {
        let limit = settings.maxBodyBytes
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw ServingError.bodyTooLarge(limit: limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw ServingError.bodyTooLarge(limit: limit)
        }
    }

    static func jsonResponse(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return jsonResponse(Array(bytes), status: status)
    }
}

private extension Double {
    /// Three decimals, for milliseconds.
    var rounded3: Double { (self * 1000).rounded() / 1000 }
}
