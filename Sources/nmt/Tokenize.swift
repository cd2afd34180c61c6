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

    @Option(help: "Read this file instead of standard input.")
    var input: String?

    @Option(help: "Write this file instead of standard output.")
    var output: String?

    func run() throws {
        try reportingErrors {
            let pipeline = try flags.pipeline()
            let reader = try LineReader(path: input)
            let writer = try LineOutput(path: output)
            while let line = try reader.nextLine() {
                try writer.write(line: pipeline.encode(line).joined(separator: " "))
            }
            try writer.finish()
        }
    }
}
