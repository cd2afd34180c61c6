import ArgumentParser

/// The `nmt` command: one binary, one verb per file (ARCHITECTURE.md, "The command line").
@main
struct NMT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nmt",
        abstract: "SwiftNMT: an LSTM encoder-decoder with attention, from tokenizer to BLEU, on a CPU.",
        version: SwiftNMTVersion.string,
        subcommands: [
            BuildVocab.self, Train.self, Translate.self, Bleu.self, Tokenize.self, Detokenize.self, Plot.self,
        ])

    /// Standard streams and signals first, then the argument parser's own main.
    static func main() {
        StandardStreams.reopenClosed()
        Interrupts.install()
        main(nil)
    }
}

enum SwiftNMTVersion {
    static let string = "0.1.0"
}
