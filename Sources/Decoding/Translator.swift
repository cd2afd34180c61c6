import Dispatch
import Seq2SeqModel
import TensorKernels
import Tokenization

/// The translate pipeline (ARCHITECTURE.md): text → tokens → ids → search → ids → tokens → text.
/// Lines are batched by source length and returned in input order; every input line gets an output.
public final class Translator {
    public let model: Seq2Seq
    public let source: TextPipeline
    public let target: TextPipeline
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary
    public let options: SearchOptions
    public let replaceUnknown: Bool
    /// Sources longer than this (in subword tokens) are cut to it; the translation says so.
    public let maxSourceTokens: Int
    /// Batches searched at once, each on its own thread with single-threaded matrix products (1: one
    /// batch at a time, also with single-threaded products). The output does not depend on it: every
    /// batch is computed the same way whichever thread takes it.
    public var threads = 1
    /// Score only shortlisted target tokens (`nmt translate --shortlist`); nil: the whole vocabulary.
    public var shortlist: Shortlist?

    public struct Translation: Sendable {
        public var text: String
        /// Best first: `options.nBest` entries of (detokenized text, hypothesis).
        public var nBest: [(text: String, hypothesis: Hypothesis)]
        public var sourceTokens: [String]
        public var targetTokens: [String]
        /// Whether the source was cut to `maxSourceTokens`.
        public var truncated: Bool
    }

    public init(model: Seq2Seq, source: TextPipeline, target: TextPipeline, sourceVocabulary: Vocabulary,
                targetVocabulary: Vocabulary, options: SearchOptions, replaceUnknown: Bool = false, maxSourceTokens: Int = 400) throws {
        try options.validate()
        self.model = model; self.source = source; self.target = target
        self.sourceVocabulary = sourceVocabulary; self.targetVocabulary = targetVocabulary
        self.options = options; self.replaceUnknown = replaceUnknown; self.maxSourceTokens = maxSourceTokens
    }

    /// The same model, pipelines and vocabularies with other search options (validated as `init` does).
    /// It shares this translator's pipelines, so both must stay on one thread.
    public func with(options: SearchOptions) throws -> Translator {
        try Translator(model: model, source: source, target: target, sourceVocabulary: sourceVocabulary,
                       targetVocabulary: targetVocabulary, options: options, replaceUnknown: replaceUnknown,
                       maxSourceTokens: maxSourceTokens)
    }

    /// Translates `lines` in batches of `batchSize` sentences of similar length; output order = input order.
    /// `progress` gets the count of lines done after each batch; an error it throws ends the translation.
    public func translate(_ lines: [String], batchSize: Int, progress: ((Int) throws -> Void)? = nil) throws -> [Translation] {
        try translate(tokens: lines.map { source.encode($0) }, batchSize: batchSize, progress: progress)
    }

    /// `translate` of sources already tokenized by `source` and, when `ids` is given, mapped to ids by
    /// `sourceVocabulary` (validation BLEU reuses the encoding of the validation set).
    public func translate(tokens: [[String]], ids given: [[Int32]]? = nil, batchSize: Int,
                          progress: ((Int) throws -> Void)? = nil) throws -> [Translation] {
        precondition(given.map { $0.count == tokens.count } ?? true, "\(tokens.count) token lists, \(given?.count ?? 0) id lists")
        var tokens = tokens
        let truncated = tokens.map { $0.count > maxSourceTokens }
        for i in tokens.indices where truncated[i] { tokens[i] = Array(tokens[i].prefix(maxSourceTokens)) }
        let ids = given.map { $0.map { Array($0.prefix(maxSourceTokens)) } } ?? tokens.map { sourceVocabulary.ids(for: $0).map(Int32.init) }
        var results = [Translation?](repeating: nil, count: tokens.count)
        // An empty line is a sentence whose translation is the empty line; it is not sent to search.
        for i in ids.indices where ids[i].isEmpty {
            results[i] = Translation(text: "", nBest: [("", Hypothesis(tokens: [], logProbability: 0, score: 0))],
                                     sourceTokens: [], targetTokens: [], truncated: false)
        }
        let nonEmpty = ids.indices.filter { !ids[$0].isEmpty }
        let batches = LengthBatching.batches(lengths: nonEmpty.map { ids[$0].count }, batchSize: max(batchSize, 1))
            .map { $0.map { nonEmpty[$0] } }
        let found = try searchAll(batches.map { $0.map { ids[$0] } }, doneBefore: tokens.count - nonEmpty.count,
                                  progress: progress)
        for (chunk, hypotheses) in zip(batches, found) {
            for (k, index) in chunk.enumerated() {
                results[index] = makeTranslation(hypotheses[k], sourceTokens: tokens[index], truncated: truncated[index])
            }
        }
        return results.map { $0! }
    }

    /// Searches every batch, `threads` at a time; results in batch order. `progress` gets the lines done
    /// (counting `doneBefore`) after each batch, from one thread at a time.
    private func searchAll(_ batches: [[[Int32]]], doneBefore: Int, progress: ((Int) throws -> Void)?) throws -> [[[Hypothesis]]] {
        let searcher = BatchSearcher(model: model, options: options, shortlist: shortlist)
        let books = SearchBooks(batches: batches.count, done: doneBefore, progress: progress)
        let workers = min(max(threads, 1), max(batches.count, 1))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let saved = GEMM.threadsOfThisThread
            GEMM.threadsOfThisThread = 1
            defer { GEMM.threadsOfThisThread = saved }
            while let b = books.take() {
                do { books.finish(b, try searcher.search(batches[b]), sentences: batches[b].count) } catch { books.fail(error) }
            }
        }
        return try books.results()
    }

    private func makeTranslation(_ hypotheses: [Hypothesis], sourceTokens: [String], truncated: Bool) -> Translation {
        let entries = hypotheses.map { hypothesis -> (text: String, hypothesis: Hypothesis, tokens: [String]) in
            var words = targetVocabulary.tokens(for: hypothesis.tokens.map(Int.init))
            if replaceUnknown, let attention = hypothesis.attention {
                words = UnknownReplacement.apply(target: words, source: sourceTokens, attention: attention)
            }
            return (target.decode(words), hypothesis, words)
        }
        return Translation(text: entries.first?.text ?? "", nBest: entries.map { ($0.text, $0.hypothesis) },
                           sourceTokens: sourceTokens, targetTokens: entries.first?.tokens ?? [], truncated: truncated)
    }
}

/// The model-only part of translation, which worker threads share; the text pipelines stay on the caller's thread.
private struct BatchSearcher: @unchecked Sendable {
    let model: Seq2Seq
    let options: SearchOptions
    let shortlist: Shortlist?

    func search(_ sources: [[Int32]]) throws -> [[Hypothesis]] {
        let scorer = ModelScorer(model: model, options: options, shortlist: shortlist)
        if options.beamSize == 1 && options.nBest == 1 && options.coverageWeight == 0 {
            return try GreedySearch(options: options).search(scorer, sources: sources).map { [$0] }
        }
        return try BeamSearch(options: options).search(scorer, sources: sources)
    }
}

/// Which batch goes next, what was found, and the first failure, behind one lock.
private final class SearchBooks: @unchecked Sendable {
    private let lock = DispatchQueue(label: "Translator.SearchBooks")
    private var found: [[[Hypothesis]]?]
    private var next = 0, done: Int
    private var failure: Error?
    private let progress: ((Int) throws -> Void)?

    init(batches: Int, done: Int, progress: ((Int) throws -> Void)?) {
        found = Array(repeating: nil, count: batches)
        self.done = done
        self.progress = progress
    }

    /// The next batch to search, or nil when all are taken or one failed.
    func take() -> Int? {
        lock.sync {
            guard failure == nil, next < found.count else { return nil }
            next += 1
            return next - 1
        }
    }

    func finish(_ batch: Int, _ hypotheses: [[Hypothesis]], sentences: Int) {
        lock.sync {
            found[batch] = hypotheses
            done += sentences
            do { try progress?(done) } catch { if failure == nil { failure = error } }
        }
    }

    func fail(_ error: Error) { lock.sync { if failure == nil { failure = error } } }

    func results() throws -> [[[Hypothesis]]] {
        try lock.sync {
            if let failure { throw failure }
            return found.map { $0! }
        }
    }
}
