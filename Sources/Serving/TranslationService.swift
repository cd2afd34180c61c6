import Foundation
import Decoding
import NIOCore

/// The models of one server, their workers and metrics: what the routes translate with.
public final class TranslationService: Sendable {
    let settings: ServerSettings
    let metrics: ServerMetrics
    /// In `--model` order.
    let workers: [ModelWorker]
    let models: [ModelDescription]
    private let stopping = Flag()
    let connections = ConnectionWatch()

    /// What `/translator/models` and `/v1/models` say about a model.
    struct ModelDescription: Sendable {
        var name: String
        var id: Int
        var directory: String
        var defaults: SearchOptions
        var batchSize: Int
        var hasAttention: Bool
    }

    /// Starts one worker per model; each takes its model's translator for itself.
    public init(models: [ServedModel], settings: ServerSettings) {
        self.settings = settings
        let metrics = ServerMetrics(models: models.map(\.name))
        self.metrics = metrics
        self.models = models.map {
            ModelDescription(name: $0.name, id: $0.id, directory: $0.directory, defaults: $0.translator.options,
                             batchSize: $0.batchSize, hasAttention: $0.hasAttention)
        }
        workers = models.map {
            ModelWorker(model: $0, queueLimit: settings.queueLimit, batchWait: settings.batchWait,
                        observer: metrics.observer(model: $0.name))
        }
    }

    /// The worker for a model name or OpenNMT-py id; nil picks the first model.
    func worker(_ reference: String?) throws -> (ModelWorker, ModelDescription) {
        guard let reference else { return (workers[0], models[0]) }
        guard let index = models.firstIndex(where: { $0.name == reference || String($0.id) == reference }) else {
            throw ServingError.unknownModel(name: reference, known: models.map { "\($0.name)` (id `\($0.id))" })
        }
        return (workers[index], models[index])
    }

    /// Whether every model's queue has room and the server is not shutting down.
    var isReady: Bool { !stopping.value && workers.allSatisfy { $0.depth < settings.queueLimit } }

    var isStopping: Bool { stopping.value }

    /// Translates `lines` on `worker`, answering 504 after the deadline and dropping the request's queued
    /// sentences when the client's connection closes first.
    func translate(_ lines: [String], prefixes: [String]? = nil, options: SearchOptions, on worker: ModelWorker,
                   connection: (any Channel)?) async throws -> WorkerAnswer {
        if stopping.value { throw ServingError.shuttingDown }
        if lines.isEmpty { return WorkerAnswer(translations: [], queueSeconds: 0, computeSeconds: 0) }
        let job = TranslationJob(lines: lines, prefixes: prefixes, options: options)
        let timeout = settings.timeout
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            worker.abandon(job, with: ServingError.deadlineExceeded(seconds: seconds(timeout)), reason: "deadline")
        }
        defer { timer.cancel() }
        if let connection { connections.watch(connection, job: job, worker: worker) }
        defer { if let connection { connections.forget(connection, job: job) } }
        return try await withTaskCancellationHandler {
            try await worker.translate(job)
        } onCancel: {
            worker.abandon(job, with: CancellationError(), reason: "cancelled")
        }
    }

    /// Refuses new requests and lets the workers finish what they hold; returns when they have.
    public func shutdown() {
        stopping.value = true
        for worker in workers { worker.shutdown() }
    }
}

/// A Bool behind a lock.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = false
    var value: Bool {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// The requests in flight on each client connection, so that a client that goes away gives up its
/// requests' queued sentences. `ClientCloseHandler`, in each connection's pipeline, says when.
final class ConnectionWatch: @unchecked Sendable {  // `inFlight` is guarded by `lock`
    private let lock = NSLock()
    private var inFlight: [ObjectIdentifier: [(job: TranslationJob, worker: ModelWorker)]] = [:]

    func watch(_ channel: any Channel, job: TranslationJob, worker: ModelWorker) {
        lock.lock()
        inFlight[ObjectIdentifier(channel), default: []].append((job, worker))
        lock.unlock()
    }

    func forget(_ channel: any Channel, job: TranslationJob) {
        let key = ObjectIdentifier(channel)
        lock.lock()
        inFlight[key]?.removeAll { $0.job === job }
        if inFlight[key]?.isEmpty == true { inFlight[key] = nil }
        lock.unlock()
    }

    /// The client closed `channel` (or its sending side): its requests' queued sentences leave the queues.
    func closed(_ channel: any Channel) {
        lock.lock()
        let gone = inFlight.removeValue(forKey: ObjectIdentifier(channel)) ?? []
        lock.unlock()
        for (job, worker) in gone { worker.abandon(job, with: ServingError.clientClosed, reason: "disconnect") }
    }
}

/// Tells `ConnectionWatch` when a client closes its connection. The server allows half-closed connections,
/// so the connection stays open (and its close future pending) after the client's FIN; like nginx, a
/// client that stops sending before its answer counts as gone.
final class ClientCloseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any  // parts pass through untouched
    let watch: ConnectionWatch

    init(watch: ConnectionWatch) { self.watch = watch }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { watch.closed(context.channel) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch.closed(context.channel)
        context.fireChannelInactive()
    }
}
