import ArgumentParser
import Tokenization

/// `nmt detokenize`: the inverse of `nmt tokenize`.
struct Detokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detokenize",
        abstract: "Detokenize: one line of tokens in, one line of text out (stdin → stdout).",
        discussion: """
            Joins tokens (and BPE subwords) by their joiner marks and restores escaped whitespace, the \
            exact inverse of `nmt tokenize`. Tokens are split on spaces. The tokenizer flags are \
            accepted so the same flags work on both ends of a pipeline; the output does not depend on \
            them (lowercasing cannot be undone).
            Example: nmt tokenize < text.de | nmt detokenize   # prints text.de (NFC-normalized)
            """)

    @OptionGroup var flags: TokenizerFlags

    @OptionGroup var files: LineFilterFiles

    func run() throws {
        try reportingErrors {
            _ = try flags.pipeline()  // reports a bad recipe or merges file, as tokenize would
            try files.mapLines { Tokenizer.detokenize($0.split(separator: " ")) }
        }
    }
}
