import ArgumentParser
import Foundation
import Decoding
import Serving

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve models over HTTP: OpenNMT-py's REST API, a native API, metrics and a page to try them.",
        discussion: """
            Each --model NAME=DIR loads a model directory written by `nmt train`; the first gets OpenNMT-py id 100, \
            the next 101, and so on. One worker per model translates the sentences of concurrent requests together, \
            in batches of similar length, with the search settings of the model's recipe (as `nmt translate`). \
            Open http://HOST:PORT/ in a browser to try it. SIGTERM or SIGINT (Ctrl-C) stops taking connections, \
            finishes the requests in flight and exits with status 0. One line per request goes to stderr.
            Routes: POST /translator/translate, GET /translator/models (OpenNMT-py's), POST /v1/translate, \
            GET /v1/models, GET /health, GET /ready, GET /metrics (Prometheus), GET / (the page).
            Examples:
              nmt serve --model ende=models/multi30k-en-de
              curl -s localhost:5000/translator/translate -d '[{"id": 100, "src": "A dog runs."}]'
              curl -s localhost:5000/v1/translate -d '{"q": ["A dog runs."], "beam": 5, "n_best": 2}'
            """)

    @Option(help: ArgumentHelp("A model to serve, as NAME=DIR (repeat for more models).", valueName: "NAME=DIR"))
    var model: [String]

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 5000

    @Option(help: "Most sentences in one request (413 above).")
    var maxSentences = ServerSettings().maxSentences

    @Option(help: "Largest request body in bytes (413 above).")
    var maxBodyBytes = ServerSettings().maxBodyBytes

    @Option(help: "Most sentences waiting in one model's queue (503 with Retry-After when a request does not fit).")
    var queueLimit = ServerSettings().queueLimit

    @Option(help: "Seconds a request may take, waiting included (504 after).")
    var timeout = 30.0

    @Option(help: "Milliseconds a batch may wait for more sentences from other requests before it starts (it waits only for as many as the last round had, so a lone client never waits).")
    var batchWaitMs = 10.0

    func run() async throws {
        boundMemoryGrowth()
        var served: [ServedModel] = []
        var settings = ServerSettings()
        do {
            settings.host = host
            settings.port = port
            settings.maxSentences = try positive(maxSentences, "--max-sentences")
            settings.maxBodyBytes = try positive(maxBodyBytes, "--max-body-bytes")
            settings.queueLimit = try positive(queueLimit, "--queue-limit")
            guard timeout.isFinite, timeout > 0 else { throw CLIError.message("--timeout must be a number of seconds > 0, not \(timeout)") }
            guard batchWaitMs.isFinite, batchWaitMs >= 0, batchWaitMs <= 10000 else {
                throw CLIError.message("--batch-wait-ms must be from 0 to 10000, not \(batchWaitMs)")
            }
            settings.timeout = .milliseconds(Int64(timeout * 1000))
            settings.batchWait = .microseconds(Int64(batchWaitMs * 1000))
            guard (0...65535).contains(port) else { throw CLIError.message("--port must be from 0 to 65535, not \(port)") }
            var names: Set<String> = []
            for (index, entry) in model.enumerated() {
                let (name, directory) = try Self.split(entry)
                guard names.insert(name).inserted else { throw CLIError.message("--model \(entry): the name `\(name)` is given twice; give each model its own name") }
                let loaded = try LoadedModel.open(directory)
                let decode = loaded.recipe.decode
                let translator = try loaded.translator(options: try SearchOptions(decode), replaceUnknown: decode.replaceUnk)
                translator.threads = ProcessInfo.processInfo.activeProcessorCount  // one lane of rounds per core
                served.append(ServedModel(name: name, id: 100 + index, directory: directory, translator: translator,
                                          batchSize: decode.batchSize))
                Console.log("loaded \(name) from \(directory) (OpenNMT-py id \(100 + index), beam \(decode.beam))")
            }
        } catch {
            Console.log("error: \(error)")
            throw ExitCode(1)
        }
        let service = TranslationService(models: served, settings: settings)
        let host = self.host
        do {
            try await Server.run(service: service, log: { Console.log($0) }, listening: { port in
                Console.log("listening on http://\(host):\(port)/ (Ctrl-C stops)")
            })
        } catch {
            Console.log("error: \(error)")
            throw ExitCode(1)
        }
        Console.log("stopped")
    }

    func validate() throws {
        if model.isEmpty { throw ValidationError("give at least one --model NAME=DIR") }
    }

    /// `NAME=DIR` → (NAME, DIR); a bare DIR is named after its last path component.
    static func split(_ entry: String) throws -> (String, String) {
        guard let equals = entry.firstIndex(of: "=") else {
            let name = URL(fileURLWithPath: entry).lastPathComponent
            return (name, entry)
        }
        let name = String(entry[..<equals]), directory = String(entry[entry.index(after: equals)...])
        guard !name.isEmpty, !directory.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw CLIError.message("--model \(entry): expected NAME=DIR with a NAME of letters, digits, `-`, `_` or `.`")
        }
        return (name, directory)
    }

    private func positive(_ value: Int, _ flag: String) throws -> Int {
        guard value > 0 else { throw CLIError.message("\(flag) must be an integer > 0, not \(value)") }
        return value
    }
}
