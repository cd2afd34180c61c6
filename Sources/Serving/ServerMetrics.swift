import Prometheus

/// The Prometheus series of `GET /metrics` (text exposition format, swift-prometheus):
///
/// - `nmt_requests_total{route, status}`: answered requests.
/// - `nmt_request_duration_seconds{route}`: a histogram of their latency.
/// - `nmt_sentences_total{model}`: sentences translated.
/// - `nmt_queue_depth{model}`: sentences waiting for a round.
/// - `nmt_batch_sentences{model}`: a histogram of the sentences per round (one search batch).
/// - `nmt_batch_duration_seconds{model}`: a histogram of a round's compute time.
/// - `nmt_abandoned_requests_total{model, reason}`: requests given up (`deadline`, `disconnect`, `cancelled`).
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "nmt", metricName: metric, unitName: unit, helpText: help)
    }
    private static var requests: MetricNameDescriptor { name("requests", "total", "Requests answered, by route and HTTP status.") }
    private static var requestDuration: MetricNameDescriptor { name("request_duration", "seconds", "Request latency in seconds.") }
    private static var sentences: MetricNameDescriptor { name("sentences", "total", "Sentences translated.") }
    private static var queue: MetricNameDescriptor { name("queue", "depth", "Sentences waiting for a round.") }
    private static var batchSentences: MetricNameDescriptor { name("batch", "sentences", "Sentences per round, across requests.") }
    private static var batchDuration: MetricNameDescriptor { name("batch_duration", "seconds", "Compute seconds per round.") }
    private static var abandoned: MetricNameDescriptor { name("abandoned_requests", "total", "Requests given up before their answer, by reason.") }

    init(models: [String]) {
        for model in models {  // every model's series exist from the start, at 0
            _ = registry.makeCounter(descriptor: Self.sentences, labels: [("model", model)])
            queueDepth(model: model, 0)
            _ = batchSentences(model: model)
            _ = batchDuration(model: model)
        }
    }

    func request(route: String, status: Int, seconds: Double) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("status", String(status))]).increment()
        registry.makeValueHistogram(descriptor: Self.requestDuration, labels: [("route", route)], buckets: Self.latencyBuckets)
            .record(seconds)
    }

    func queueDepth(model: String, _ depth: Int) {
        registry.makeGauge(descriptor: Self.queue, labels: [("model", model)]).set(Double(depth))
    }

    func round(model: String, sentences: Int, seconds: Double) {
        registry.makeCounter(descriptor: Self.sentences, labels: [("model", model)]).increment(by: Int64(sentences))
        batchSentences(model: model).record(Double(sentences))
        batchDuration(model: model).record(seconds)
    }

    func abandoned(model: String, reason: String) {
        registry.makeCounter(descriptor: Self.abandoned, labels: [("model", model), ("reason", reason)]).increment()
    }

    func observer(model: String) -> WorkerObserver {
        WorkerObserver(queueDepth: { [self] in queueDepth(model: model, $0) },
                       round: { [self] in round(model: model, sentences: $0, seconds: $1) },
                       abandoned: { [self] in abandoned(model: model, reason: $0) })
    }

    /// The exposition text.
    func text() -> String { registry.emitToString() }

    private func batchSentences(model: String) -> ValueHistogram {
        registry.makeValueHistogram(descriptor: Self.batchSentences, labels: [("model", model)], buckets: Self.batchBuckets)
    }

    private func batchDuration(model: String) -> ValueHistogram {
        registry.makeValueHistogram(descriptor: Self.batchDuration, labels: [("model", model)], buckets: Self.latencyBuckets)
    }
}
