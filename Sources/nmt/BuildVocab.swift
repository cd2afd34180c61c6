import ArgumentParser
import Foundation
import Recipes
import Tokenization

/// `nmt build-vocab`: tokenizer + BPE + vocabularies, for a recipe or for files named on the command line.
struct BuildVocab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-vocab",
        abstract: "Learn BPE merges (if asked) and build vocabularies from a corpus.",
        discussion: """
            Recipe form: nmt build-vocab RECIPE
              Reads the recipe's training files (data.train + "." + data.source / data.target), learns \
            tokenizer.bpe_merges merges (joint over both sides when tokenizer.joint_bpe, else per side) \
            and writes, in vocab.directory (default vocab/NAME): source.vocab, target.vocab and \
            joint.merges (or source.merges and target.merges).
            Ad-hoc form: nmt build-vocab --input FILE… --output PATH [--min-frequency N] [--max-size N] [--bpe-merges N]
              Counts the tokens of all input files together and writes one vocabulary to PATH. With \
            --bpe-merges N it also learns N merges over the inputs and writes them beside PATH: \
            PATH with its `.vocab` extension replaced by `.merges` (or PATH.merges without that extension).
            A vocabulary is `token<TAB>count` per line, <pad> <unk> <s> </s> first (ids 0–3), then by \
            count descending; the line number is the id. The whole corpus is read; no sampling.
            """)

    @Argument(help: "A recipe file (YAML).")
    var recipe: String?

    @Option(name: .customLong("set"), help: "Override a recipe key, e.g. --set vocab.max_size=8000 (repeatable).")
    var overrides: [String] = []

    @Option(parsing: .upToNextOption, help: "Ad-hoc form: the corpus files to count.")
    var input: [String] = []

    @Option(help: "Ad-hoc form: where to write the vocabulary.")
    var output: String?

    @Option(help: "Ad-hoc form: keep tokens seen at least N times.")
    var minFrequency: Int = 1

    @Option(help: "Ad-hoc form: at most N entries, the 4 special tokens included.")
    var maxSize: Int = 50_000

    @Option(help: "Ad-hoc form: learn N BPE merges first (0: no BPE).")
    var bpeMerges: Int = 0

    @Option(help: "Ad-hoc form: stop merging when the best pair occurs fewer than N times.")
    var bpeMinFrequency: Int = 2

    @Option(help: "Ad-hoc form: Unicode normalization, nfc (default), nfkc or none.")
    var normalization: TextNormalization = .nfc

    @Flag(help: "Ad-hoc form: lowercase (lossy).")
    var lowercase = false

    func validate() throws {
        if recipe != nil {
            guard input.isEmpty, output == nil else {
                throw ValidationError("give either a RECIPE or --input FILE… --output PATH, not both")
            }
        } else {
            guard !input.isEmpty, output != nil else {
                throw ValidationError("give a RECIPE, or --input FILE… and --output PATH")
            }
            guard overrides.isEmpty else { throw ValidationError("--set only applies to a RECIPE") }
        }
        guard minFrequency >= 1 else { throw ValidationError("--min-frequency must be at least 1") }
        guard maxSize >= Vocabulary.specialTokens.count + 1 else { throw ValidationError("--max-size must be at least 5") }
        guard bpeMerges >= 0 else { throw ValidationError("--bpe-merges must be 0 or more") }
    }

    func run() throws {
        try reportingErrors {
            if let recipe {
                try buildFromRecipe(try RecipeLoader.load(path: recipe, overrides: overrides))
            } else if let output {
                try buildAdHoc(output: output)
            }
        }
    }

    /// Where the ad-hoc form writes merges: PATH with `.vocab` replaced by `.merges`, else PATH.merges.
    static func adHocMergesPath(forVocabulary path: String) -> String {
        path.hasSuffix(".vocab") ? String(path.dropLast(".vocab".count)) + ".merges" : path + ".merges"
    }

    private func buildAdHoc(output: String) throws {
        let options = TokenizerOptions(normalization: normalization, lowercase: lowercase)
        var tokenized: [[String]] = []
        for path in input {
            tokenized += try CorpusTokenizing.tokenize(path: path, options: options)
        }
        var merges: BPEMerges? = nil
        if bpeMerges > 0 {
            var learner = BPELearner()
            for tokens in tokenized { learner.add(tokens: tokens) }
            let learned = CorpusTokenizing.learn(learner, merges: bpeMerges, minFrequency: bpeMinFrequency)
            let mergesPath = Self.adHocMergesPath(forVocabulary: output)
            try CorpusTokenizing.createFolder(of: mergesPath)
            try learned.write(to: mergesPath)
            Console.log("wrote \(learned.pairs.count) merges to \(mergesPath)")
            merges = learned
        }
        let vocabulary = CorpusTokenizing.count(tokenized, merges: merges).build(minFrequency: minFrequency, maxSize: maxSize)
        try CorpusTokenizing.createFolder(of: output)
        try vocabulary.write(to: output)
        Console.log("wrote \(vocabulary.count) entries to \(output)")
    }

    private func buildFromRecipe(_ recipe: Recipe) throws {
        let options = RecipeTokenization.options(recipe)
        let sourceFile = RecipeTokenization.trainFile(recipe, side: .source)
        let targetFile = RecipeTokenization.trainFile(recipe, side: .target)
        let source = try CorpusTokenizing.tokenize(path: sourceFile, options: options)
        let target = try CorpusTokenizing.tokenize(path: targetFile, options: options)
        guard source.count == target.count else {
            throw TokenizationError.lineCountMismatch(
                sourcePath: sourceFile, sourceLines: source.count, targetPath: targetFile, targetLines: target.count)
        }
        try CorpusTokenizing.createFolder(of: recipe.sourceVocabularyPath)
        var sourceMerges: BPEMerges? = nil
        var targetMerges: BPEMerges? = nil
        let settings = recipe.tokenizer
        if settings.bpeMerges > 0 {
            var sourceLearner = BPELearner()
            for tokens in source { sourceLearner.add(tokens: tokens) }
            var targetLearner = BPELearner()
            for tokens in target { targetLearner.add(tokens: tokens) }
            if settings.jointBPE {
                sourceLearner.add(targetLearner)
                let joint = CorpusTokenizing.learn(sourceLearner, merges: settings.bpeMerges, minFrequency: settings.bpeMinFrequency)
                (sourceMerges, targetMerges) = (joint, joint)
            } else {
                sourceMerges = CorpusTokenizing.learn(sourceLearner, merges: settings.bpeMerges, minFrequency: settings.bpeMinFrequency)
                targetMerges = CorpusTokenizing.learn(targetLearner, merges: settings.bpeMerges, minFrequency: settings.bpeMinFrequency)
            }
            for (side, merges) in [(CorpusSide.source, sourceMerges), (.target, targetMerges)] {
                guard let merges, let path = RecipeTokenization.mergesPath(recipe, side: side) else { continue }
                try merges.write(to: path)
                Console.log("wrote \(merges.pairs.count) merges to \(path)")
                if settings.jointBPE { break }
            }
        }
        for (side, lines, merges) in [(CorpusSide.source, source, sourceMerges), (.target, target, targetMerges)] {
            let vocabulary = CorpusTokenizing.count(lines, merges: merges)
                .build(minFrequency: recipe.vocab.minFrequency, maxSize: recipe.vocab.maxSize)
            let path = RecipeTokenization.vocabularyPath(recipe, side: side)
            try vocabulary.write(to: path)
            Console.log("wrote \(vocabulary.count) entries to \(path)")
        }
    }
}

/// The steps of build-vocab: tokenize files with progress, learn BPE, count tokens.
enum CorpusTokenizing {
    /// The tokens of every line of `path` (validated by `CorpusReader`), with a progress line on stderr.
    static func tokenize(path: String, options: TokenizerOptions) throws -> [[String]] {
        let lines = try CorpusReader.readLines(path: path)
        let tokenizer = try Tokenizer(options: options)
        let clock = ContinuousClock()
        let started = clock.now
        var result: [[String]] = []
        result.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            result.append(tokenizer.tokenize(line))
            if (index + 1) % 50_000 == 0 {
                Console.progress("\(path): \(index + 1)/\(lines.count) lines (\(rate(index + 1, since: started, clock))) lines/s)")
            }
        }
        if lines.count >= 50_000 { Console.endProgress() }
        Console.log("tokenized \(path): \(lines.count) lines, \(result.reduce(0) { $0 + $1.count }) tokens (\(rate(lines.count, since: started, clock)) lines/s)")
        return result
    }

    static func learn(_ learner: BPELearner, merges: Int, minFrequency: Int) -> BPEMerges {
        let clock = ContinuousClock()
        let started = clock.now
        let learned = learner.learn(merges: merges, minFrequency: minFrequency) { done in
            Console.progress("BPE: \(done)/\(merges) merges")
        }
        if learned.pairs.count >= 1000 { Console.endProgress() }
        let seconds = Double((clock.now - started).components.attoseconds) / 1e18 + Double((clock.now - started).components.seconds)
        Console.log("learned \(learned.pairs.count) BPE merges over \(learner.wordCounts.count) distinct words in \(String(format: "%.2f", seconds)) s")
        return learned
    }

    /// Token counts of tokenized lines, after BPE when there are merges.
    static func count(_ lines: [[String]], merges: BPEMerges?) -> VocabularyBuilder {
        var builder = VocabularyBuilder()
        let encoder = merges.map { BytePairEncoder(merges: $0) }
        for tokens in lines { builder.add(encoder?.apply(tokens) ?? tokens) }
        return builder
    }

    static func createFolder(of path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw TokenizationError.writeFailed(path: path, reason: "cannot create the folder \(folder)")
        }
    }

    private static func rate(_ count: Int, since started: ContinuousClock.Instant, _ clock: ContinuousClock) -> Int {
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Int(Double(count) / seconds) : count
    }
}
