import ArgumentParser
import Foundation
import Decoding
import Tokenization
import TensorKernels
import CKernels

struct Translate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate text with a trained model: one output line per input line (stdin → stdout).",
        discussion: """
            Reads standard input unless --input is given and writes standard output unless --output is given. \
            Files and pipes are read in windows of lines (--window); each window is translated in batches of \
            similar length and written in input order before the next is read. A terminal on stdin is translated \
            line by line as you type. An empty line gives an empty line (or its prefix alone). Search settings \
            default to the decode section of the (first) model's recipe.
            N-best format (--n-best K): K lines per sentence, `INDEX ||| TRANSLATION ||| logprob=LOGPROB ||| SCORE`, \
            INDEX counting from 0, best first.
            Alignment format (--alignment hard): `TRANSLATION ||| 0-0 1-2 …`, one SOURCE-TARGET pair of word \
            indices per target word and the source word it attended to most (by target, then source).
            Examples:
              echo "A dog runs." | nmt translate --model models/toy-en-de
              nmt translate --model models/toy-en-de --input test.en --output test.hyp --beam 5
              nmt translate --model DIR --input test.en --n-best 3 --attention align.jsonl --attention-svg pictures/
              nmt translate --model A --model B --weights 0.6,0.4 --input test.en
              nmt translate --model DIR --input test.en --prefix starts.de --alignment hard
            """)

    @OptionGroup(title: "Model") var model: ModelFlags
    @OptionGroup(title: "Input and output") var io: InputOutputFlags
    @OptionGroup(title: "Search") var search: SearchFlags
    @OptionGroup(title: "Output format") var format: OutputFormatFlags
    @OptionGroup(title: "Speed") var speed: SpeedFlags

    func validate() throws {
        if format.alignment != nil && search.nBest != nil {
            throw ValidationError("--alignment hard writes one alignment per output line; it cannot be combined with --n-best")
        }
    }

    func run() throws {
        try reportingErrors {
            let started = Date()
            boundMemoryGrowth()
            let warmUp = GEMM.warmUpInBackground()  // while the files are read
            defer { warmUp.wait() }
            let members = try model.models.enumerated().map { i, path in
                try LoadedModel.open(path, weights: model.checkpoints.isEmpty ? nil : model.checkpoints[i])
            }
            for member in members.dropFirst() { try members[0].checkEnsembleMember(member) }
            let settings = try TranslateSettings(search: search, io: io, format: format, decode: members[0].recipe.decode)
            if settings.search.keepAttention, members[0].recipe.model.attention == .none {
                throw CLIError.message("the model in \(members[0].directory.path) was trained with model.attention: none, so it has no "
                    + "attention weights for --replace-unk, --alignment, --attention or --attention-svg; drop those options or train with an attention")
            }
            let translator = try LoadedModel.translator(members, weights: model.parsedWeights, options: settings.search,
                                                        replaceUnknown: settings.replaceUnknown)
            translator.threads = speed.threads ?? ProcessInfo.processInfo.activeProcessorCount
            if speed.shortlist { translator.shortlist = try members[0].shortlist() }
            for member in members { try member.model.prepareInference(precision: speed.inferencePrecision) }
            returnFreeMemory()  // what loading freed
            let session = try TranslationSession(translator: translator, settings: settings, io: io, format: format)
            try session.run(loadSeconds: Date().timeIntervalSince(started))
        }
    }
}

/// For a process that translates an input of any length (`translate`, `serve`): blocks of 256 KiB and
/// more (per-batch buffers, whose sizes change with every batch's shape) are mapped and given back when
/// freed. By default glibc raises that threshold after the first large free, after which such blocks
/// come from the heap and leave it fragmented: the resident size then grew with the input's length.
func boundMemoryGrowth() {
    _ = nmt_fix_mmap_threshold(256 << 10)
}

/// Gives the pages malloc holds free back to the system (after loading, and after each window).
func returnFreeMemory() {
    _ = nmt_release_free_memory()
}

/// One run of `translate`: reads lines (and prefixes) window by window, translates, writes in input order.
final class TranslationSession {
    private let translator: Translator
    private let settings: TranslateSettings
    private let format: OutputFormatFlags
    private let reader: LineReader
    private let prefixes: LineReader?
    private let out: LineOutput
    private let alignments: AttentionWriter
    private let interactive: Bool
    private let terminal: Bool
    private var written = 0  // sentences written so far

    init(translator: Translator, settings: TranslateSettings, io: InputOutputFlags, format: OutputFormatFlags) throws {
        self.translator = translator
        self.settings = settings
        self.format = format
        reader = try LineReader(path: io.input)
        prefixes = try io.prefix.map { try LineReader(path: $0) }
        out = try LineOutput(path: io.output)
        alignments = try AttentionWriter(jsonPath: format.attention, svgFolder: format.attentionSvg)
        terminal = io.input == nil && isatty(0) != 0
        interactive = terminal || io.lineByLine
    }

    func run(loadSeconds: Double) throws {
        if interactive {
            if terminal { Console.log("model loaded in \(String(format: "%.2f", loadSeconds)) s; type a sentence and press Enter (Ctrl-D ends)") }
            while let (lines, prefixes) = try nextWindow(size: 1) {
                try emit(try translator.translate(lines, prefixes: prefixes, batchSize: 1))
                try out.flush()
            }
        } else {
            let clock = Date()
            var tokens = 0
            while let (lines, prefixes) = try nextWindow(size: settings.window) {
                let results = try translator.translate(lines, prefixes: prefixes, batchSize: settings.batchSize) { [written] done in
                    let rate = Double(written + done) / max(Date().timeIntervalSince(clock), 1e-9)
                    Console.progress(String(format: "translated %d sentences, %.1f sentences/s", written + done, rate))
                }
                tokens += results.reduce(0) { $0 + $1.targetTokens.count }
                try emit(results)
                try out.flush()  // a pipe gets each window as soon as it is done
                returnFreeMemory()
            }
            Console.endProgress()
            let seconds = Date().timeIntervalSince(clock)
            Console.log(String(format: "%d sentences in %.2f s (%.1f sentences/s, %d target tokens, %.0f target tokens/s; model load %.2f s)",
                               written, seconds, Double(written) / max(seconds, 1e-9), tokens,
                               Double(tokens) / max(seconds, 1e-9), loadSeconds))
        }
        try out.finish()
        try alignments.finish()
    }

    /// Up to `size` input lines and, with --prefix, their prefixes; nil at the end of the input.
    private func nextWindow(size: Int) throws -> (lines: [String], prefixes: [String]?)? {
        var lines: [String] = []
        var forced: [String] = []
        while lines.count < size, let line = try reader.nextLine() {
            lines.append(line)
            guard let prefixes else { continue }
            guard let prefix = try prefixes.nextLine() else {
                throw CLIError.message("the prefix file \(prefixes.name) has \(prefixes.lineNumber) lines, but the input "
                    + "\(reader.name) has more; give one prefix line per input line (an empty line for no prefix)")
            }
            forced.append(prefix)
        }
        if lines.isEmpty, let prefixes, try prefixes.nextLine() != nil {
            while try prefixes.nextLine() != nil {}
            throw CLIError.message("the prefix file \(prefixes.name) has \(prefixes.lineNumber) lines, but the input "
                + "\(reader.name) has \(reader.lineNumber); give one prefix line per input line")
        }
        return lines.isEmpty ? nil : (lines, prefixes == nil ? nil : forced)
    }

    private func emit(_ results: [Translator.Translation]) throws {
        for result in results {
            let index = written
            if result.truncated {
                Console.log("warning: line \(index + 1) is longer than \(translator.maxSourceTokens) tokens; only its first "
                    + "\(translator.maxSourceTokens) were translated")
            }
            if settings.nBestFormat {
                for line in NBestFormat.lines(sentenceIndex: index, entries: result.nBest) { try out.write(line: line) }
            } else if format.alignment == .hard {
                try out.write(line: result.text + " ||| " + Self.pharaoh(result))
            } else {
                try out.write(line: result.text)
            }
            try alignments.add(index: index, result)
            written += 1
        }
    }

    /// The best translation's hard alignment; empty without attention (an empty line).
    static func pharaoh(_ result: Translator.Translation) -> String {
        guard let attention = result.nBest.first?.hypothesis.attention else { return "" }
        return HardAlignment.pharaoh(source: result.sourceTokens, target: result.targetTokens, attention: attention)
    }
}
