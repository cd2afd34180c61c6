import ArgumentParser

struct BuildVocab: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build-vocab", abstract: "(being written)")

    func run() throws {
        try reportingErrors { throw ValidationError("`nmt build-vocab` is not implemented yet") }
    }
}
