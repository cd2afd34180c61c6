import ArgumentParser

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "(being written)")

    func run() throws {
        try reportingErrors { throw ValidationError("`nmt train` is not implemented yet") }
    }
}
