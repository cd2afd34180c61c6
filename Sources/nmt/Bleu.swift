import ArgumentParser

struct Bleu: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bleu", abstract: "(being written)")

    func run() throws {
        try reportingErrors { throw ValidationError("`nmt bleu` is not implemented yet") }
    }
}
