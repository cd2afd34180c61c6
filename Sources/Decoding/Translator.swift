import Dispatch
import Seq2SeqModel
import TensorKernels
import Tokenization

/// The translate pipeline (ARCHITECTURE.md): text → tokens → ids → search → ids → tokens → text.
/// Lines are batched by source length and returned in input order; every input line gets an output.
/// Several models make an ensemble (`EnsembleScorer`); a target prefix per line forces the start of its
/// output (`PrefixForcingScorer`).
public final class Translator {
    /// The first model of `models`.
    public var model: Seq2Seq { models[0] }
    /// [M ≥ 1] the models; more than one is an ensemble that shares these pipelines and vocabularies.
    public let models: [Seq2Seq]
    /// [M] the ensemble's weights, positive and summing to 1.
    public let weights: [Float]
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

    public convenience init(model: Seq2Seq, source: TextPipeline, target: TextPipeline, sourceVocabulary: Vocabulary,
                            targetVocabulary: Vocabulary, options: SearchOptions, replaceUnknown: Bool = false,
                            maxSourceTokens: Int = 400) throws {
        try self.init(models: [model], source: source, target: target, sourceVocabulary: sourceVocabulary,
                      targetVocabulary: targetVocabulary, options: options, replaceUnknown: replaceUnknown,
                      maxSourceTokens: maxSourceTokens)
    }

    /// An ensemble of `models` (one model is no ensemble). `weights` (default: equal) are divided by their
    /// sum; `EnsembleScorer.init` says what it refuses. The caller checks that the models share these
    /// pipelines and vocabularies.
    public init(models: [Seq2Seq], weights: [Float]? = nil, source: TextPipeline, target: TextPipeline,
                sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary, options: SearchOptions,
                replaceUnknown: Bool = false, maxSourceTokens: Int = 400) throws {
        try options.validate()
        self.weights = try EnsembleScorer(members: models.map { ModelScorer(model: $0) }, weights: weights).weights
        self.models = models; self.source = source; self.target = target
        self.sourceVocabulary = sourceVocabulary; self.targetVocabulary = targetVocabulary
        self.options = options; self.replaceUnknown = replaceUnknown; self.maxSourceTokens = maxSourceTokens
    }

    /// The same model, pipelines, vocabularies, threads and shortlist with other search options (validated
    /// as `init` does).
    /// It shares this translator's pipelines, so both must stay on one thread.
    public func with(options: SearchOptions) throws -> Translator {
        try copy(options: options, source: source, target: target, threads: threads)
    }

    /// A translator for another thread: the same models (read only while translating), vocabularies,
    /// options and shortlist, with pipelines of its own and `threads` batches at a time.
    public func copyForAnotherThread(threads: Int = 1) throws -> Translator {
        try copy(options: options, source: try source.copy(), target: try target.copy(), threads: threads)
    }

    /// This translator's models, vocabularies and shortlist with the given options, pipelines and threads.
    private func copy(options: SearchOptions, source: TextPipeline, target: TextPipeline, threads: Int) throws -> Translator {
        let made = try Translator(models: models, weights: weights, source: source, target: target, sourceVocabulary: sourceVocabulary,
                                  targetVocabulary: targetVocabulary, options: options, replaceUnknown: replaceUnknown,
                                  maxSourceTokens: maxSourceTokens)
        made.threads = threads
        made.shortlist = shortlist
        return made
    }

    /// Translates `lines` in batches of `batchSize` sentences of similar length; output order = input order.
    /// `prefixes` (nil, or one per line, possibly empty) are target texts each output must start with.
    /// `progress` gets the count of lines done after each batch; an error it throws ends the translation.
    public func translate(_ lines: [String], prefixes: [String]? = nil, batchSize: Int,
                          progress: ((Int) throws -> Void)? = nil) throws -> [Translation] {
        try translate(tokens: lines.map { source.encode($0) }, prefixes: prefixes, batchSize: batchSize, progress: progress)
    }

    /// `translate` of sources already tokenized by `source` and, when `ids` is given, mapped to ids by
    /// `sourceVocabulary` (validation BLEU reuses the encoding of the validation set).
    public func translate(tokens: [[String]], ids given: [[Int32]]? = nil, prefixes: [String]? = nil, batchSize: Int,
                          progress: ((Int) throws -> Void)? = nil) throws -> [Translation] {
        precondition(given.map { $0.count == tokens.count } ?? true, "\(tokens.count) token lists, \(given?.count ?? 0) id lists")
        let forced = try prefixes.map { try targetPrefixes($0, lineCount: tokens.count) }
        var tokens = tokens
        let truncated = tokens.map { $0.count > maxSourceTokens }
        for i in tokens.indices where truncated[i] { tokens[i] = Array(tokens[i].prefix(maxSourceTokens)) }
        let ids = given.map { $0.map { Array($0.prefix(maxSourceTokens)) } } ?? tokens.map { sourceVocabulary.ids(for: $0).map(Int32.init) }
        var results = [Translation?](repeating: nil, count: tokens.count)
        // An empty line is a sentence whose translation is the empty line; it is not sent to search.
        // With a prefix, it is the prefix alone.
        for i in ids.indices where ids[i].isEmpty {
            let prefix = forced?[i]
            let text = prefix?.text ?? ""
            results[i] = Translation(text: text, nBest: [(text, Hypothesis(tokens: prefix?.ids ?? [], logProbability: 0, score: 0))],
                                     sourceTokens: [], targetTokens: prefix?.tokens ?? [], truncated: false)
        }
        let nonEmpty = ids.indices.filter { !ids[$0].isEmpty }
        let batches = LengthBatching.batches(lengths: nonEmpty.map { ids[$0].count }, batchSize: max(batchSize, 1))
            .map { $0.map { nonEmpty[$0] } }
        let found = try searchAll(batches.map { $0.map { ids[$0] } }, prefixes: batches.map { $0.map { forced?[$0].ids ?? [] } },
                                  doneBefore: tokens.count - nonEmpty.count, progress: progress)
        for (chunk, hypotheses) in zip(batches, found) {
            for (k, index) in chunk.enumerated() {
                results[index] = makeTranslation(hypotheses[k], sourceTokens: tokens[index], truncated: truncated[index],
                                                 prefix: forced?[index])
            }
        }
        return results.filledSlots("a line without a translation")
    }

    /// Searches every batch, `threads` at a time; results in batch order. `progress` gets the lines done
    /// (counting `doneBefore`) after each batch, from one thread at a time.
    private func searchAll(_ batches: [[[Int32]]], prefixes: [[[Int32]]], doneBefore: Int,
                           progress: ((Int) throws -> Void)?) throws -> [[[Hypothesis]]] {
        let searcher = BatchSearcher(models: models, weights: weights, options: options, shortlist: shortlist)
        let books = SearchBooks(batches: batches.count, done: doneBefore, progress: progress)
        let workers = min(max(threads, 1), max(batches.count, 1))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let saved = GEMM.threadsOfThisThread
            GEMM.threadsOfThisThread = 1
            defer { GEMM.threadsOfThisThread = saved }
            while let b = books.take() {
                do {
                    books.finish(b, try searcher.search(batches[b], prefixes: prefixes[b]), sentences: batches[b].count)
                } catch { books.fail(error) }
            }
        }
        return try books.results()
    }

    private func makeTranslation(_ hypotheses: [Hypothesis], sourceTokens: [String], truncated: Bool,
                                 prefix: TargetPrefix? = nil) -> Translation {
        // With a prefix, beam search may also return impossible (−∞) hypotheses that left it; drop them.
        let kept = prefix.map { prefix in hypotheses.filter { $0.tokens.starts(with: prefix.ids) } } ?? hypotheses
        let entries = (kept.isEmpty ? hypotheses : kept).map { hypothesis -> (text: String, hypothesis: Hypothesis, tokens: [String]) in
            var words = targetVocabulary.tokens(for: hypothesis.tokens.map(Int.init))
            if replaceUnknown, let attention = hypothesis.attention {
                words = UnknownReplacement.apply(target: words, source: sourceTokens, attention: attention)
            }
            guard let prefix, hypothesis.tokens.starts(with: prefix.ids) else { return (target.decode(words), hypothesis, words) }
            words.replaceSubrange(0..<prefix.tokens.count, with: prefix.tokens)
            return (prefix.restore(in: target.decode(words)), hypothesis, words)
        }
        return Translation(text: entries.first?.text ?? "", nBest: entries.map { ($0.text, $0.hypothesis) },
                           sourceTokens: sourceTokens, targetTokens: entries.first?.tokens ?? [], truncated: truncated)
    }

    /// A target prefix: the line as given, its tokens (the model's target pipeline) and their ids.
    struct TargetPrefix {
        var text: String
        var tokens: [String]
        var ids: [Int32]
        /// detokenize(tokens): the prefix as the pipeline normalizes it.
        var normalized: String

        /// `output` (a detokenized output whose tokens start with `tokens`) with the prefix as the user wrote
        /// it: detokenization only appends, so the output starts with `normalized`.
        func restore(in output: String) -> String {
            guard output.utf8.starts(with: normalized.utf8) else { return output }
            return text + String(decoding: output.utf8.dropFirst(normalized.utf8.count), as: UTF8.self)
        }
    }

    /// The prefixes of `lineCount` lines; a token outside the vocabulary (or a special token's spelling) is `<unk>`,
    /// forced like any other and written back as the prefix's own text.
    private func targetPrefixes(_ prefixes: [String], lineCount: Int) throws -> [TargetPrefix] {
        guard prefixes.count == lineCount else {
            throw DecodingError.invalidOption(name: "prefixes", value: "\(prefixes.count) prefixes",
                                              expected: "one per input line (\(lineCount)), possibly empty")
        }
        return prefixes.map { text in
            let tokens = target.encode(text)
            let ids = targetVocabulary.ids(for: tokens).map { id in
                id < SpecialToken.count ? SpecialToken.unknown : Int32(id)
            }
            return TargetPrefix(text: text, tokens: tokens, ids: ids, normalized: target.decode(tokens))
        }
    }
}

/// The model-only part of translation, which worker threads share; the text pipelines stay on the caller's thread.
private struct BatchSearcher: @unchecked Sendable {
    let models: [Seq2Seq]
    let weights: [Float]
    let options: SearchOptions
    let shortlist: Shortlist?

    func search(_ sources: [[Int32]], prefixes: [[Int32]]) throws -> [[Hypothesis]] {
        let forced = prefixes.flatMap { $0 }
        let members = models.map { ModelScorer(model: $0, options: options, shortlist: shortlist, forcedTargets: forced) }
        if members.count == 1 { return try search(members[0], sources, prefixes: prefixes) }
        return try search(EnsembleScorer(members: members, weights: weights), sources, prefixes: prefixes)
    }

    /// Wraps `scorer` in a `PrefixForcingScorer` when some prefix is not empty, then searches.
    func search<S: Scorer>(_ scorer: S, _ sources: [[Int32]], prefixes: [[Int32]]) throws -> [[Hypothesis]] {
        guard prefixes.contains(where: { !$0.isEmpty }) else { return try search(scorer, sources, options: options) }
        var forcing = options
        forcing.allowUnknown = options.allowUnknown || prefixes.contains { $0.contains(SpecialToken.unknown) }
        return try search(PrefixForcingScorer(base: scorer, prefixes: prefixes, allowUnknownAfterPrefix: options.allowUnknown),
                          sources, options: forcing, prefixLengths: prefixes.map(\.count))
    }

    func search<S: Scorer>(_ scorer: S, _ sources: [[Int32]], options: SearchOptions,
                                   prefixLengths: [Int]? = nil) throws -> [[Hypothesis]] {
        if options.beamSize == 1 && options.nBest == 1 && options.coverageWeight == 0 {
            return try GreedySearch(options: options).search(scorer, sources: sources, prefixLengths: prefixLengths).map { [$0] }
        }
        return try BeamSearch(options: options).search(scorer, sources: sources, prefixLengths: prefixLengths)
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
            return found.filledSlots("a batch searched by no thread")
        }
    }
}
