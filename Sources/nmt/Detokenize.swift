import ArgumentParser

struct Detokenize: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "detokenize", abstract: "(being written)")

    func run() throws {
        try reportingErrors { throw ValidationError("`nmt detokenize` is not implemented yet") }
    }
}
