#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Evaluation

extension BLEUTokenizer: ExpressibleByArgument {}

/// `nmt bleu REFERENCE… [--input HYPOTHESES]`: BLEU (and chrF) as sacreBLEU computes them.
struct Bleu: ParsableCommand {
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    static let configuration = CommandConfiguration(
        commandName: "bleu",
        abstract: "Score hypotheses against references with BLEU and chrF, exactly as sacreBLEU 2.x does.",
        discussion: """
        Hypotheses are read from --input, or from standard input when it is not given; each REFERENCE \
        file holds one reference per hypothesis line (several files give several references). Files are \
        UTF-8; lines end at \\n and lose their trailing whitespace, as in sacreBLEU.

        The output reads like sacreBLEU's, with our version in the signature:
          BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:\(EvaluationVersion.string) = 33.4 \
        62.2/39.6/27.1/18.7 (BP = 1.000 ratio = 1.066 hyp_len = 12904 ref_len = 12106)

        An empty reference line is kept, as sacreBLEU keeps it: for BLEU it is a reference of length 0 \
        that matches nothing (its hypothesis still counts in hyp_len and the precisions' totals); for chrF \
        that sentence adds nothing. An empty hypothesis line is a hypothesis of length 0. Unlike sacreBLEU, \
        a tab in a hypothesis read from standard input is part of the text (sacreBLEU would read tab-separated \
        columns as several systems). The default output is text here, JSON in sacreBLEU.
        """)

    @Argument(help: "Reference file(s), line-aligned with the hypotheses.")
    var references: [String]

    @Option(name: [.short, .long], help: "Hypothesis file (default: standard input).")
    var input: String?

    @Flag(inversion: .prefixedNo, help: "Report BLEU (--no-bleu --chrf reports chrF alone).")
    var bleu = true

    @Flag(help: "Also report chrF (character 6-grams, beta 2, whitespace removed).")
    var chrf = false

    @Option(help: "chrF word n-gram order: 0 is chrF, 2 is chrF++ (0...4).")
    var chrfWordOrder = 0

    @Option(help: "BLEU tokenizer: 13a (mteval-v13a, WMT's), intl (mteval-v14), char or none.")
    var tokenize: BLEUTokenizer = .thirteenA

    @Option(help: "BLEU smoothing: \(BLEUSmoothing.names.joined(separator: ", ")).")
    var smooth = "exp"

    @Option(help: "Smoothing value for floor (default 0.1) and add-k (default 1).")
    var smoothValue: Double?

    @Flag(help: "Lowercase hypotheses and references first (BLEU and chrF).")
    var lowercase = false

    @Flag(help: "One score per hypothesis line, with effective order for BLEU (as sacreBLEU -sl).")
    var sentence = false

    @Option(help: "Output format: text (sacreBLEU's line) or json (one object per score).")
    var format: OutputFormat = .text

    @Flag(name: [.customShort("b"), .long], help: "Print only the score, one per line (4 decimals unless --width).")
    var scoreOnly = false

    @Option(name: [.short, .long], help: "Decimals of the score (default 1, or 4 with --score-only).")
    var width: Int?

    func validate() throws {
        guard bleu || chrf else { throw ValidationError("--no-bleu leaves nothing to compute; add --chrf") }
        guard !(sentence && bleu && chrf) else {
            throw ValidationError("--sentence scores one metric at a time; add --no-bleu for sentence chrF")
        }
        guard BLEUSmoothing(name: smooth) != nil else {
            throw ValidationError("unknown --smooth \(smooth); choose one of \(BLEUSmoothing.names.joined(separator: ", "))")
        }
        if smoothValue != nil, smooth != "floor", smooth != "add-k" {
            throw ValidationError("--smooth-value applies only to --smooth floor or add-k")
        }
        guard (0...4).contains(chrfWordOrder) else { throw ValidationError("--chrf-word-order must be in 0...4") }
        if let width, !(0...17).contains(width) { throw ValidationError("--width must be in 0...17") }
    }

    func run() throws {
        try reportingErrors {
            if input == nil, isatty(0) != 0 {
                Console.log("reading hypotheses from standard input (end with Ctrl-D), or pass --input FILE")
            }
            let texts = try ScoringInput.load(hypothesisPath: input, referencePaths: references)
            // sacreBLEU's hint: BLEU expects detokenized text, and " ." endings suggest it is not.
            let tokenizedLooking = texts.hypotheses.lazy.filter { $0.hasSuffix(" .") }.count
            if bleu, tokenizedLooking >= 100 {
                Console.log("warning: \(tokenizedLooking) hypothesis lines end in a tokenized period (' .'); "
                    + "BLEU expects detokenized text, so detokenize the hypotheses or the score may be low")
            }
            let decimals = width ?? (scoreOnly ? 4 : 1)
            guard let smoothing = BLEUSmoothing(name: smooth, value: smoothValue) else {
                throw ValidationError("unknown --smooth \(smooth); choose one of \(BLEUSmoothing.names.joined(separator: ", "))")
            }
            let bleuOptions = BLEUOptions(tokenizer: tokenize, smoothing: smoothing, lowercase: lowercase,
                                          effectiveOrder: sentence)
            let chrfOptions = CHRFOptions(wordOrder: chrfWordOrder, lowercase: lowercase)
            if sentence {
                for i in texts.hypotheses.indices {
                    let refs = texts.references.map { $0[i] }
                    if bleu {
                        let score = BLEU.sentenceScore(hypothesis: texts.hypotheses[i], references: refs, options: bleuOptions)
                        try StandardOutput.print(render(score.formatted(width:), score.json(width:), score.scoreText(width:), decimals))
                    } else {
                        let score = CHRF.sentenceScore(hypothesis: texts.hypotheses[i], references: refs, options: chrfOptions)
                        try StandardOutput.print(render(score.formatted(width:), score.json(width:), score.scoreText(width:), decimals))
                    }
                }
                return
            }
            var lines: [String] = []
            if bleu {
                let score = BLEU.corpusScore(hypotheses: texts.hypotheses, references: texts.references, options: bleuOptions)
                lines.append(render(score.formatted(width:), score.json(width:), score.scoreText(width:), decimals))
            }
            if chrf {
                let score = CHRF.corpusScore(hypotheses: texts.hypotheses, references: texts.references, options: chrfOptions)
                lines.append(render(score.formatted(width:), score.json(width:), score.scoreText(width:), decimals))
            }
            if format == .json && !scoreOnly && lines.count > 1 {
                try StandardOutput.print("[" + lines.joined(separator: ",\n ") + "]")
            } else {
                try lines.forEach { try StandardOutput.print($0) }
            }
        }
    }

    /// The score alone, its JSON object or its text line, as the flags ask.
    private func render(_ text: (Int) -> String, _ json: (Int) -> String, _ number: (Int) -> String,
                        _ decimals: Int) -> String {
        if scoreOnly { return number(decimals) }
        return format == .json ? json(decimals) : text(decimals)
    }
}
