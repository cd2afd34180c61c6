import ArgumentParser
import Foundation
import Decoding
import Seq2SeqModel
import Tokenization

struct Translate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate text with a trained model: one output line per input line (stdin → stdout).",
        discussion: """
            Reads standard input unless --input is given and writes standard output unless --output is given. \
            Files and pipes are translated in batches of similar length, in input order; a terminal on stdin \
            is translated line by line as you type. An empty line gives an empty line. Search settings default \
            to the decode section of the model's recipe.
            N-best format (--n-best K): K lines per sentence, `INDEX ||| TRANSLATION ||| logprob=LOGPROB ||| SCORE`, \
            INDEX counting from 0, best first.
            Examples:
              echo "A dog runs." | nmt translate --model models/toy-en-de
              nmt translate --model models/toy-en-de --input test.en --output test.hyp --beam 5
              nmt translate --model DIR --input test.en --n-best 3 --attention align.jsonl --attention-svg pictures/
            """)

    @Option(help: "The model directory written by `nmt train`.")
    var model: String

    @Option(help: "Weights file to use instead of the directory's best (or latest) checkpoint.")
    var checkpoint: String?

    @Option(help: "Input file (default: standard input).")
    var input: String?

    @Option(help: "Output file (default: standard output); written to a temporary name and renamed at the end.")
    var output: String?

    @Option(help: "Beam size; 1 is greedy search.")
    var beam: Int?

    @Option(help: "Print the K best translations of each sentence (K ≤ beam) in the n-best format (with scores, also for K = 1).")
    var nBest: Int?

    @Option(help: "Sentences per batch.")
    var batchSize: Int?

    @Option(help: "Length normalization: none, avg (score / length^alpha) or wu (GNMT).")
    var lengthPenalty: String?

    @Option(help: "The alpha of the length penalty.")
    var alpha: Double?

    @Option(help: "Longest output as a multiple of the source length (plus 5 tokens).")
    var maxLengthRatio: Double?

    @Option(help: "Shortest output in tokens.")
    var minLength: Int?

    @Flag(help: "Replace each <unk> in the output by the source token it attended to most.")
    var replaceUnk = false

    @Option(help: "Write each sentence's attention matrix as one JSON object per line to this file.")
    var attention: String?

    @Option(help: "Draw each sentence's attention as an SVG heatmap in this folder.")
    var attentionSvg: String?

    @Flag(help: "Score only the target tokens of the model's shortlist (`nmt shortlist --model DIR` makes it): faster, and nearly the same translations.")
    var shortlist = false

    @Option(help: "Precision of the decoder's large products: f32 (exact, the default) or int8 (8-bit weights and inputs through oneDNN, VNNI where the CPU has it; slightly different translations).")
    var precision = "f32"

    @Option(help: "Batches translated at once, each on one core (default: the number of cores). The output is the same for any value.")
    var threads: Int?

    @Flag(help: "Translate each line as soon as it arrives and flush its translation, as for a terminal (for programs that talk to nmt through a pipe).")
    var lineByLine = false

    /// Bounds the flags that search does not check itself (search checks beam, n-best and lengths).
    func validate() throws {
        if let batchSize, !(1...SearchBounds.maxBatchSize).contains(batchSize) {
            throw ValidationError("--batch-size must be from 1 to \(SearchBounds.maxBatchSize), not \(batchSize)")
        }
        if InferencePrecision(rawValue: precision) == nil {
            let hint = precision == "bf16" ? " (bf16 products are not implemented yet)" : ""
            throw ValidationError("--precision must be f32 or int8, not \(precision)\(hint)")
        }
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads must be from 1 to 256, not \(threads)")
        }
    }

    func run() throws {
        try reportingErrors {
            let started = Date()
            let loaded = try LoadedModel.open(model, weights: checkpoint)
            let decode = loaded.recipe.decode
            var options = try SearchOptions(decode)
            options.beamSize = beam ?? decode.beam
            options.nBest = nBest ?? 1
            options.lengthPenalty = try LengthPenalty(name: lengthPenalty ?? decode.lengthPenalty.rawValue, alpha: alpha ?? decode.alpha)
            options.maxLengthRatio = maxLengthRatio ?? decode.maxLengthRatio
            options.minLength = minLength ?? decode.minLength
            let replaceUnknown = replaceUnk || decode.replaceUnk
            options.keepAttention = replaceUnknown || attention != nil || attentionSvg != nil
            if options.keepAttention, loaded.recipe.model.attention == .none {
                throw CLIError.message("the model in \(model) was trained with model.attention: none, so it has no attention "
                    + "weights for --replace-unk, --attention or --attention-svg; drop those options or train with an attention")
            }
            let translator = try loaded.translator(options: options, replaceUnknown: replaceUnknown)
            translator.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
            if shortlist { translator.shortlist = try loaded.shortlist() }
            loaded.model.prepareInference(precision: InferencePrecision(rawValue: precision) ?? .f32)
            let loadSeconds = Date().timeIntervalSince(started)
            let reader = try LineReader(path: input)
            let out = try LineOutput(path: output)
            let alignments = try AttentionWriter(jsonPath: attention, svgFolder: attentionSvg)
            let terminal = input == nil && isatty(0) != 0
            let interactive = terminal || lineByLine
            let batch = batchSize ?? decode.batchSize
            var index = 0
            if interactive {
                if terminal { Console.log("model loaded in \(String(format: "%.2f", loadSeconds)) s; type a sentence and press Enter (Ctrl-D ends)") }
                while let line = try nextLine(reader) {
                    let result = try translator.translate([line], batchSize: 1)
                    try emit(result, startingAt: index, out: out, alignments: alignments)
                    try out.flush()
                    index += 1
                }
            } else {
                var lines: [String] = []
                while let line = try nextLine(reader) { lines.append(line) }
                let clock = Date()
                let results = try translator.translate(lines, batchSize: batch) { done in
                    let rate = Double(done) / max(Date().timeIntervalSince(clock), 1e-9)
                    Console.progress(String(format: "translated %d/%d sentences, %.1f sentences/s", done, lines.count, rate))
                }
                Console.endProgress()
                try emit(results, startingAt: 0, out: out, alignments: alignments)
                let seconds = Date().timeIntervalSince(clock)
                let tokens = results.reduce(0) { $0 + $1.targetTokens.count }
                Console.log(String(format: "%d sentences in %.2f s (%.1f sentences/s, %d target tokens, %.0f target tokens/s; model load %.2f s)",
                                   lines.count, seconds, Double(lines.count) / max(seconds, 1e-9), tokens,
                                   Double(tokens) / max(seconds, 1e-9), loadSeconds))
            }
            try out.finish()
            try alignments.finish()
        }
    }

    private func nextLine(_ reader: LineReader) throws -> String? { try reader.nextLine() }

    private func emit(_ results: [Translator.Translation], startingAt start: Int, out: LineOutput, alignments: AttentionWriter) throws {
        for (k, result) in results.enumerated() {
            if result.truncated {
                Console.log("warning: line \(start + k + 1) is longer than \(400) tokens; only its first 400 were translated")
            }
            if nBest != nil {  // --n-best K, even K = 1, asks for the n-best format
                for line in NBestFormat.lines(sentenceIndex: start + k, entries: result.nBest) { try out.write(line: line) }
            } else {
                try out.write(line: result.text)
            }
            try alignments.add(index: start + k, result)
        }
    }
}
