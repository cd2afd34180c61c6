import ArgumentParser

struct Translate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "translate", abstract: "(being written)")

    func run() throws {
        try reportingErrors { throw ValidationError("`nmt translate` is not implemented yet") }
    }
}
