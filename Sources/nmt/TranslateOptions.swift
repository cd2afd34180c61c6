import ArgumentParser
import Foundation
import Decoding
import Seq2SeqModel
import Recipes

// `nmt translate`'s flags in four groups, each checking itself in `validate()`. Which flags fall back to the
// recipe's `decode` section, and how, is `TranslateSettings.init`: the one place where that happens.

/// Which model or models translate.
struct ModelFlags: ParsableArguments {
    @Option(name: .customLong("model"),
            help: "A model directory written by `nmt train`. Give it twice or more for an ensemble: the members must share the target vocabulary and the source pipeline (vocabulary, tokenizer, BPE merges); search settings come from the first's recipe.")
    var models: [String] = []

    @Option(help: ArgumentHelp("Ensemble weights: one positive number per --model, comma-separated, e.g. 0.6,0.4. They are divided by their sum (1,1 is 0.5,0.5); default: equal. The ensemble's log-probabilities are the weighted mean of the members'.",
                               valueName: "w1,w2,…"))
    var weights: String?

    @Option(name: .customLong("checkpoint"),
            help: "Weights file to use instead of the directory's best (or latest) checkpoint; with an ensemble, once per --model, in the same order.")
    var checkpoints: [String] = []

    /// [M] the parsed `--weights`, or nil for equal weights.
    var parsedWeights: [Float]? {
        weights.map { $0.split(separator: ",", omittingEmptySubsequences: false).compactMap { Float($0.trimmingCharacters(in: .whitespaces)) } }
    }

    func validate() throws {
        guard !models.isEmpty else { throw ValidationError("give the model directory with --model DIR (twice or more for an ensemble)") }
        if !checkpoints.isEmpty && checkpoints.count != models.count {
            throw ValidationError("--checkpoint was given \(checkpoints.count) times for \(models.count) --model; give one per model, in the same order, or none")
        }
        guard let weights else { return }
        let fields = weights.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == models.count else {
            throw ValidationError("--weights \(weights) has \(fields.count) weight\(fields.count == 1 ? "" : "s") for \(models.count) --model; give one per model, e.g. --weights \(Array(repeating: "1", count: models.count).joined(separator: ","))")
        }
        for field in fields {
            let text = field.trimmingCharacters(in: .whitespaces)
            guard let value = Float(text), value.isFinite, value > 0 else {
                throw ValidationError("--weights: `\(text)` is not a positive number; each weight must be a finite number > 0")
            }
        }
    }
}

/// Where text comes from and goes to, and how much of it is held at once.
struct InputOutputFlags: ParsableArguments {
    @Option(help: "Input file (default: standard input).")
    var input: String?

    @Option(help: "Output file (default: standard output); written to a temporary name and renamed at the end.")
    var output: String?

    @Option(help: ArgumentHelp("Target prefixes, one per input line (an empty line forces nothing): each output starts with its line's prefix, and search continues from there. The prefix's tokens do not count against the length limit.",
                               valueName: "file"))
    var prefix: String?

    @Option(help: "Sentences per batch (default: the recipe's decode.batch_size).")
    var batchSize: Int?

    @Option(help: ArgumentHelp("Lines read, translated and written at a time, so memory stays flat on any input and a pipe gets output window by window; each window is sorted into batches of similar length (so only with --batch-size 1 is the output bit-identical for every window). Default: 100 × the batch size.",
                               valueName: "lines"))
    var window: Int?

    @Flag(help: "Translate each line as soon as it arrives and flush its translation, as for a terminal (for programs that talk to nmt through a pipe).")
    var lineByLine = false

    /// The search does not check these itself.
    func validate() throws {
        if let batchSize, !(1...SearchBounds.maxBatchSize).contains(batchSize) {
            throw ValidationError("--batch-size must be from 1 to \(SearchBounds.maxBatchSize), not \(batchSize)")
        }
        if let window, !(1...TranslateSettings.maxWindow).contains(window) {
            throw ValidationError("--window must be from 1 to \(TranslateSettings.maxWindow) lines, not \(window)")
        }
    }
}

/// How search looks for translations (each default is the model recipe's `decode` key of the same name).
struct SearchFlags: ParsableArguments {
    @Option(help: "Beam size; 1 is greedy search.")
    var beam: Int?

    @Option(help: "Print the K best translations of each sentence (K ≤ beam) in the n-best format (with scores, also for K = 1).")
    var nBest: Int?

    @Option(help: "Length normalization: none, avg (score / length^alpha) or wu (GNMT).")
    var lengthPenalty: String?

    @Option(help: "The alpha of the length penalty.")
    var alpha: Double?

    @Option(help: "Longest output as a multiple of the source length, plus --max-length-offset tokens.")
    var maxLengthRatio: Double?

    @Option(help: ArgumentHelp("Tokens the longest output may have beyond ratio × source length, so a one-word source can still give a few words (recipe default \(DecodeSection().maxLengthOffset)).",
                               valueName: "tokens"))
    var maxLengthOffset: Int?

    @Option(help: ArgumentHelp("β of GNMT's coverage penalty (0 turns it off; 0.2 to 0.4 is usual): each finished hypothesis gains β · Σ log(min(attention received, 1)) over the source words, which favours translations that cover the whole source. Needs a model with attention; with beam 1 it runs beam search of width 1.",
                               valueName: "β"))
    var coveragePenalty: Double?

    @Option(help: "Shortest output in tokens.")
    var minLength: Int?

    @Flag(help: "Replace each <unk> in the output by the source token it attended to most.")
    var replaceUnk = false

    /// Beam, n-best and lengths are checked by `SearchOptions.validate` with the recipe's values filled in.
    func validate() throws {
        if let nBest, nBest < 1 { throw ValidationError("--n-best must be at least 1, not \(nBest)") }
    }
}

/// What is written besides each translation.
struct OutputFormatFlags: ParsableArguments {
    enum Alignment: String, ExpressibleByArgument, CaseIterable { case hard }

    @Option(help: ArgumentHelp("`hard` appends ` ||| ` and the word alignment in Pharaoh format (`0-0 1-2 …`, SOURCE-TARGET word indices from 0, words split at whitespace of the input line and of the output line) to each output line, from the attention.",
                               valueName: "hard"))
    var alignment: Alignment?

    @Option(help: "Write each sentence's attention matrix as one JSON object per line to this file.")
    var attention: String?

    @Option(help: "Draw each sentence's attention as an SVG heatmap in this folder.")
    var attentionSvg: String?

    var needsAttention: Bool { alignment != nil || attention != nil || attentionSvg != nil }

    func validate() throws {}
}

/// How fast translation runs: the shortlist, the products' precision and the threads. None of them changes
/// which batches are formed, and `--threads` never changes the output.
struct SpeedFlags: ParsableArguments {
    @Flag(help: "Score only the target tokens of the model's shortlist (`nmt shortlist --model DIR` makes it): faster, and nearly the same translations.")
    var shortlist = false

    @Option(help: ArgumentHelp("Precision of the decoder's large products: f32 (exact, the default), bf16 (bfloat16 weights and inputs with f32 sums through oneDNN; needs a CPU with AVX512-BF16) or int8 (8-bit weights and inputs through oneDNN, VNNI where the CPU has it). bf16 and int8 give slightly different translations.",
                               valueName: "f32|bf16|int8"))
    var precision = "f32"

    @Option(help: "Batches translated at once, each on one core (default: the number of cores). The output is the same for any value.")
    var threads: Int?

    var inferencePrecision: InferencePrecision { InferencePrecision(rawValue: precision) ?? .f32 }

    func validate() throws {
        if InferencePrecision(rawValue: precision) == nil {
            throw ValidationError("--precision must be f32, bf16 or int8, not \(precision)")
        }
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads must be from 1 to 256, not \(threads)")
        }
    }
}

/// Every setting of one `translate` run: the flags with the recipe's `decode` section filled in, once.
struct TranslateSettings {
    static let maxWindow = 10_000_000

    var search: SearchOptions
    var replaceUnknown: Bool
    var batchSize: Int
    var window: Int
    /// Whether the n-best format was asked for (`--n-best K`, even K = 1).
    var nBestFormat: Bool

    init(search flags: SearchFlags, io: InputOutputFlags, format: OutputFormatFlags, decode: DecodeSection) throws {
        var options = try SearchOptions(decode)
        options.beamSize = flags.beam ?? decode.beam
        options.nBest = flags.nBest ?? 1
        options.lengthPenalty = try LengthPenalty(name: flags.lengthPenalty ?? decode.lengthPenalty.rawValue,
                                                  alpha: flags.alpha ?? decode.alpha)
        options.maxLengthRatio = flags.maxLengthRatio ?? decode.maxLengthRatio
        options.maxLengthOffset = flags.maxLengthOffset ?? decode.maxLengthOffset
        options.coverageWeight = Float(flags.coveragePenalty ?? decode.coveragePenalty)
        options.minLength = flags.minLength ?? decode.minLength
        replaceUnknown = flags.replaceUnk || decode.replaceUnk
        options.keepAttention = replaceUnknown || format.needsAttention
        search = options
        batchSize = io.batchSize ?? decode.batchSize
        window = io.window ?? min(100 * batchSize, Self.maxWindow)
        nBestFormat = flags.nBest != nil
    }
}
