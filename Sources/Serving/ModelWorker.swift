import Foundation
import Decoding

/// What a finished request gets back from its model's worker.
struct WorkerAnswer: Sendable {
    /// [N] translations, in the order of the request's lines.
    var translations: [Translator.Translation]
    /// From the request's arrival in the queue to the start of the round that took its first line.
    var queueSeconds: Double
    /// Seconds of the rounds that translated its lines.
    var computeSeconds: Double
}

/// One request's sentences in a worker's queue. Its mutable state is guarded by the worker's lock.
final class TranslationJob: @unchecked Sendable {
    let lines: [String]
    /// nil, or one target prefix per line (`PrefixForcingScorer`).
    let prefixes: [String]?
    let options: SearchOptions
    let arrival = ContinuousClock.now
    /// The first line that no round has taken yet.
    var next = 0
    var results: [Translator.Translation?]
    var translated = 0
    var queueSeconds: Double?
    var computeSeconds = 0.0
    /// Set once the request has its answer (or its error); later results are dropped.
    var finished = false
    var continuation: CheckedContinuation<WorkerAnswer, any Error>?
    /// Why the job was given up, when it was.
    var abandonment: (any Error)?

    init(lines: [String], prefixes: [String]? = nil, options: SearchOptions) {
        self.lines = lines
        self.prefixes = prefixes
        self.options = options
        results = Array(repeating: nil, count: lines.count)
    }
}

/// Counters a worker updates (Prometheus, `ServerMetrics`).
struct WorkerObserver: Sendable {
    var queueDepth: @Sendable (Int) -> Void = { _ in }
    var round: @Sendable (_ sentences: Int, _ seconds: Double) -> Void = { _, _ in }
    var abandoned: @Sendable (_ reason: String) -> Void = { _ in }
}

/// One model's worker (ARCHITECTURE.md, `Serving`): one lane per core the translator was given, each a
/// thread with its own translator (its own pipelines, single-threaded products, the model shared read
/// only), translating what the requests queue. A free lane takes a round of up to `batchSize` sentences
/// from the front of the queue, across requests that share search options, after waiting up to
/// `batchWait` for the round to fill as far as its last round lets it expect, and takes no more than its
/// share of the queue with the other free lanes, so lanes run side by side and one lane's clients send
/// again while the other computes. `Translator.translate` sorts a round into batches by length and gives
/// them back in order, and every request is answered in the order of its lines.
///
/// The queue is bounded in sentences: a request that does not fit is refused (`ServingError.queueFull`).
/// A request abandoned before a round takes its lines (deadline, client gone) leaves the queue.
final class ModelWorker: @unchecked Sendable {  // mutable state guarded by `condition`
    let name: String
    let batchSize: Int
    let queueLimit: Int
    let batchWait: Duration
    let defaults: SearchOptions
    let hasAttention: Bool
    private let observer: WorkerObserver
    private let condition = NSCondition()
    private var pending: [TranslationJob] = []
    private var queued = 0
    private var stopping = false
    private let exited = DispatchSemaphore(value: 0)
    private let lanes: [Lane]
    /// Sentences in the rounds that lanes are translating (guarded by `condition`).
    private var inRounds = 0

    /// One thread's share of the work: its translator, and variants of it for other search options.
    final class Lane: @unchecked Sendable {  // its translator used by its thread only, `expected` under the lock
        /// Touched by the lane's thread only.
        let translator: Translator
        var variants: [(options: SearchOptions, translator: Translator)] = []
        /// Sentences its next round can expect (a whole batch before the first round): as many as its last
        /// round had, whose clients are likely to send again, or its share of all the sentences in flight
        /// when that is more, so that rounds that came out small grow back. Guarded by the worker's
        /// `condition`, as the two below.
        var expected: Int
        /// Whether it is translating a round.
        var busy = false
        /// A round another lane cut for it from the queue, when both were free: it takes this one next.
        var assigned: [Slice]?

        init(translator: Translator, expected: Int) {
            self.translator = translator
            self.expected = expected
        }
    }

    init(model: ServedModel, queueLimit: Int, batchWait: Duration, observer: WorkerObserver) {
        name = model.name
        batchSize = max(model.batchSize, 1)
        self.queueLimit = queueLimit
        self.batchWait = batchWait
        defaults = model.translator.options
        hasAttention = model.hasAttention
        self.observer = observer
        // Lane 0 takes the model's translator; the others copies with their own pipelines (a copy that ICU
        // cannot make only leaves a lane out).
        let first = model.translator, count = max(first.threads, 1)
        first.threads = 1
        let translators = [first] + (1..<count).compactMap { _ in try? first.copyForAnotherThread(threads: 1) }
        lanes = translators.map { Lane(translator: $0, expected: max(model.batchSize, 1)) }
        for (index, lane) in lanes.enumerated() {
            let thread = Thread { [self] in run(lane) }
            thread.name = "nmt-serve-\(model.name)-\(index)"
            thread.stackSize = 16 << 20
            thread.start()
        }
    }

    /// Sentences waiting for a round.
    var depth: Int {
        condition.lock(); defer { condition.unlock() }
        return queued
    }

    /// Queues `job` and waits for its translations. Throws `ServingError.queueFull` or `.shuttingDown`
    /// at once when the job cannot be queued, or the error it was abandoned with.
    func translate(_ job: TranslationJob) async throws -> WorkerAnswer {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if job.finished {  // abandoned before it was queued
                condition.unlock()
                continuation.resume(throwing: job.abandonment ?? CancellationError())
                return
            }
            if stopping {
                condition.unlock()
                continuation.resume(throwing: ServingError.shuttingDown)
                return
            }
            if queued + job.lines.count > queueLimit {
                condition.unlock()
                continuation.resume(throwing: ServingError.queueFull(model: name, retryAfter: 1))
                return
            }
            job.continuation = continuation
            pending.append(job)
            queued += job.lines.count
            observer.queueDepth(queued)
            condition.broadcast()  // every free lane: the one whose last round expects this little takes it at once
            condition.unlock()
        }
    }

    /// Gives up on `job` with `error` unless it is already answered: its lines still queued leave the
    /// queue, and lines already in a round are translated but not reported. `reason` names it in the metrics.
    func abandon(_ job: TranslationJob, with error: any Error, reason: String) {
        condition.lock()
        guard !job.finished else { condition.unlock(); return }
        job.finished = true
        job.abandonment = error
        if let index = pending.firstIndex(where: { $0 === job }) {
            pending.remove(at: index)
            queued -= job.lines.count - job.next
            observer.queueDepth(queued)
        }
        let continuation = job.continuation
        job.continuation = nil
        condition.unlock()
        observer.abandoned(reason)  // before the answer, so that a client that reads the metrics next sees it
        continuation?.resume(throwing: error)
    }

    /// Refuses new work, finishes what is queued and waits for the thread to end.
    func shutdown() {
        condition.lock()
        let first = !stopping
        stopping = true
        condition.broadcast()
        condition.unlock()
        if first { for _ in lanes { exited.wait() } }
    }

    // MARK: The worker thread

    private func run(_ lane: Lane) {
        while let round = nextRound(lane) {
            translate(round, on: lane)
        }
        exited.signal()
    }

    /// A slice of one job's lines taken by a round.
    struct Slice {
        var job: TranslationJob
        var range: Range<Int>
    }

    /// Waits for work, lets the round fill for up to `batchWait`, and takes it for `lane`; nil once stopping
    /// and empty, empty when another lane took the work first. The round waits only for the sentences it
    /// can expect: as many as the lane's last round had (their clients are likely to send again), so a lone
    /// client is served at once, and many clients fill whole rounds. The queue is then cut into equal
    /// shares for this lane and every other free one, each share given to its lane at once.
    private func nextRound(_ lane: Lane) -> [Slice]? {
        condition.lock()
        defer { condition.unlock() }
        while lane.assigned == nil && pending.isEmpty && !stopping { condition.wait() }
        if let mine = lane.assigned { lane.assigned = nil; return mine }
        if pending.isEmpty { return nil }
        let windowEnd = Date().addingTimeInterval(seconds(batchWait))
        let target = min(batchSize, max(lane.expected, 1))
        while queued < target && lane.assigned == nil && !stopping && Date() < windowEnd {
            _ = condition.wait(until: windowEnd)
            if pending.isEmpty { break }
        }
        if let mine = lane.assigned { lane.assigned = nil; return mine }
        guard !pending.isEmpty else { return [] }
        let others = lanes.filter { $0 !== lane && !$0.busy && $0.assigned == nil }
        let share = min(batchSize, max((queued + others.count) / (others.count + 1), 1))
        let mine = takeRound(upTo: share)
        lane.busy = true
        inRounds += mine.reduce(0) { $0 + $1.range.count }
        for other in others where !pending.isEmpty {
            let round = takeRound(upTo: share)
            other.assigned = round
            other.busy = true
            inRounds += round.reduce(0) { $0 + $1.range.count }
        }
        observer.queueDepth(queued)
        condition.broadcast()
        return mine
    }

    /// Takes up to `room` sentences from the front of the queue, from the jobs that share the first one's
    /// search options (under the lock).
    private func takeRound(upTo room: Int) -> [Slice] {
        guard let options = pending.first?.options else { return [] }
        var room = room
        var slices: [Slice] = []
        var kept: [TranslationJob] = []
        for job in pending {
            guard room > 0, job.options == options else { kept.append(job); continue }
            let end = min(job.lines.count, job.next + room)
            slices.append(Slice(job: job, range: job.next..<end))
            room -= end - job.next
            queued -= end - job.next
            job.next = end
            if end < job.lines.count { kept.append(job) }
        }
        pending = kept
        return slices
    }

    private func translate(_ round: [Slice], on lane: Lane) {
        guard let options = round.first?.job.options else { return }
        let started = ContinuousClock.now
        let lines = round.flatMap { $0.job.lines[$0.range] }
        // Jobs without prefixes share a round with those that have them: their lines get empty prefixes.
        let prefixes: [String]? = round.contains { $0.job.prefixes != nil }
            ? round.flatMap { slice in slice.job.prefixes.map { Array($0[slice.range]) } ?? Array(repeating: "", count: slice.range.count) }
            : nil
        let outcome = Swift.Result {
            try translator(for: options, on: lane).translate(lines, prefixes: prefixes, batchSize: batchSize)
        }
        let elapsed = seconds(ContinuousClock.now - started)
        observer.round(lines.count, elapsed)
        var answers: [(CheckedContinuation<WorkerAnswer, any Error>, Swift.Result<WorkerAnswer, any Error>)] = []
        condition.lock()
        var offset = 0
        for slice in round {
            let job = slice.job
            let count = slice.range.count
            defer { offset += count }
            guard !job.finished else { continue }
            if job.queueSeconds == nil { job.queueSeconds = seconds(started - job.arrival) }
            job.computeSeconds += elapsed
            switch outcome {
            case let .success(translations):
                for (k, index) in slice.range.enumerated() { job.results[index] = translations[offset + k] }
                job.translated += count
                guard job.translated == job.lines.count else { continue }
                let answer = WorkerAnswer(translations: job.results.compactMap { $0 }, queueSeconds: job.queueSeconds ?? 0,
                                          computeSeconds: job.computeSeconds)
                finish(job, with: .success(answer), into: &answers)
            case let .failure(error):
                finish(job, with: .failure(ServingError.internalError(detail: "\(error)")), into: &answers)
            }
        }
        inRounds -= lines.count
        let inFlight = lines.count + queued + inRounds
        lane.expected = min(batchSize, max(lines.count, (inFlight + lanes.count - 1) / lanes.count))
        lane.busy = false
        condition.unlock()
        for (continuation, result) in answers { continuation.resume(with: result) }
    }

    /// Marks `job` answered (under the lock); the caller resumes its continuation after unlocking.
    private func finish(_ job: TranslationJob, with result: Swift.Result<WorkerAnswer, any Error>,
                        into answers: inout [(CheckedContinuation<WorkerAnswer, any Error>, Swift.Result<WorkerAnswer, any Error>)]) {
        job.finished = true
        if let index = pending.firstIndex(where: { $0 === job }) {  // a failed job may still have lines queued
            pending.remove(at: index)
            queued -= job.lines.count - job.next
        }
        if let continuation = job.continuation { answers.append((continuation, result)) }
        job.continuation = nil
    }

    /// The lane's translator for `options`: its own for the model's defaults, else a cached variant.
    private func translator(for options: SearchOptions, on lane: Lane) throws -> Translator {
        if options == lane.translator.options { return lane.translator }
        if let hit = lane.variants.first(where: { $0.options == options }) { return hit.translator }
        let made = try lane.translator.with(options: options)
        lane.variants.append((options, made))
        if lane.variants.count > 8 { lane.variants.removeFirst() }
        return made
    }
}

/// A duration in seconds.
func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
}
