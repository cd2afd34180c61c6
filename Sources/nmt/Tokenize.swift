import ArgumentParser

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenize", abstract: "(being written)")

    func run() throws {
        try reportingErrors { throw ValidationError("`nmt tokenize` is not implemented yet") }
    }
}
