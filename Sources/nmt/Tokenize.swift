import ArgumentParser
import Tokenization

/// `nmt tokenize`: text lines in, token lines out (tokens separated by one space, joiners where no
/// space stood; see docs/tokenization.md).
struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize text: one line in, one line of space-separated tokens out (stdin → stdout).",
        discussion: """
            Segments with ICU's word break rules and marks where no space stood with the joiner ￭, so \
            `nmt detokenize` restores the (normalized) text exactly. An empty line gives an empty line.
            Examples:
              nmt tokenize < corpus.en > corpus.tok.en
              nmt tokenize --bpe vocab/en.merges --lowercase < corpus.en
              nmt tokenize --recipe recipes/tiny.yaml --side source < input.txt
              nmt tokenize --model models/tiny --side source < input.txt
            """)

    @OptionGroup var flags: TokenizerFlags

    @OptionGroup var files: LineFilterFiles

    func run() throws {
        try reportingErrors {
            let pipeline = try flags.pipeline()
            try files.mapLines { pipeline.encode($0).joined(separator: " ") }
        }
    }
}
