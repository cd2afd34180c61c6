import ArgumentParser

/// The `nmt` command: one binary, one verb per file (ARCHITECTURE.md, "The command line").
@main
struct NMT: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nmt",
        abstract: "SwiftNMT: an LSTM encoder-decoder with attention, from tokenizer to BLEU, on a CPU.",
        version: SwiftNMTVersion.string,
        subcommands: [
            BuildVocab.self, Train.self, Translate.self, Bleu.self, Tokenize.self, Detokenize.self, Plot.self, Serve.self,
        ])
}

enum SwiftNMTVersion {
    static let string = "0.1.0"
}
