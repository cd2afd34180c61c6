import ArgumentParser

/// The `nmt` command: one binary, one verb per file (ARCHITECTURE.md, "The command line").
@main
struct NMT: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nmt",
        abstract: "SwiftNMT: an LSTM encoder-decoder with attention, from tokenizer to BLEU, on a CPU.",
        version: SwiftNMTVersion.string,
        subcommands: [
            BuildVocab.self, Train.self, Translate.self, Bleu.self, Tokenize.self, Detokenize.self, Plot.self, Serve.self, MakeShortlist.self, Average.self,
        ])

    /// Standard streams first; then signals: `Interrupts` for every verb but `serve`, whose server stops
    /// gracefully on SIGTERM and SIGINT itself; then the verb.
    static func main() async {
        StandardStreams.reopenClosed()
        do {
            var command = try parseAsRoot(nil)
            if !(command is Serve) { Interrupts.install() }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

enum SwiftNMTVersion {
    static let string = "0.1.0"
}
