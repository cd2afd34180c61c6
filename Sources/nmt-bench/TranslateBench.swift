import ArgumentParser
import Foundation
import Training

/// `nmt-bench translate --model DIR --input FILE`: whole-process translation speed and memory of
/// `nmt translate`, then single-sentence latency through a pipe (`--line-by-line`).
struct TranslateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translation speed: runs `nmt translate` on a file, then sentence by sentence, and prints one JSON line.",
        discussion: """
            sentences_per_second is the whole process: start, model load, reading, translating, writing. \
            first_line_seconds is the time from starting `nmt translate --line-by-line` to reading the \
            translation of the first sentence; latency_p50/p95 are per sentence over the first \
            --latency-sentences lines, one at a time, with the model already loaded.
            """)

    @Option(help: "The model directory.")
    var model: String

    @Option(help: "The source file to translate.")
    var input: String

    @Option(help: "Beam size (1: greedy).")
    var beam = 5

    @Option(help: "Sentences per batch.")
    var batchSize = 32

    @Option(help: "Sentences for the latency measurement (0: skip it).")
    var latencySentences = 200

    func run() throws {
        let output = NSTemporaryDirectory() + "nmt-bench-translate-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let search = ["--beam", "\(beam)"]
        let outcome = try ChildProcess.run(["translate", "--model", model, "--input", input, "--output", output,
                                            "--batch-size", "\(batchSize)"] + search)
        guard outcome.status == 0 else { throw BenchError("nmt translate failed:\n" + outcome.stderr) }
        let rss = ChildProcess.peakChildRSSMiB
        var lines = try String(contentsOfFile: input, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }  // the final newline
        let sentences = lines.count
        let summary = Summary(outcome.stderr)
        var fields: [(String, Any)] = [
            ("beam", beam), ("batch_size", batchSize), ("sentences", sentences), ("seconds", outcome.seconds),
            ("sentences_per_second", Double(sentences) / outcome.seconds),
            ("target_tokens_per_second", Double(summary.targetTokens) / outcome.seconds),
            ("peak_rss_mb", rss), ("model_load_seconds", summary.loadSeconds),
        ]
        if latencySentences > 0 {
            let (first, latencies) = try latency(lines: lines.prefix(latencySentences).map(String.init), search: search)
            let sorted = latencies.sorted()
            fields += [("first_line_seconds", first), ("latency_p50_seconds", sorted[sorted.count / 2]),
                       ("latency_p95_seconds", sorted[min(sorted.count - 1, sorted.count * 95 / 100)])]
        }
        print(MetricsLog.line(fields))
    }

    /// Starts `nmt translate --line-by-line`, feeds one sentence at a time and times each answer.
    private func latency(lines: [String], search: [String]) throws -> (first: Double, each: [Double]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ChildProcess.nmtPath)
        process.arguments = ["translate", "--model", model, "--line-by-line"] + search
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        let reader = LineReader(fd: stdout.fileHandleForReading.fileDescriptor)
        let started = Date()
        try process.run()
        var first = 0.0, each: [Double] = []
        for (i, line) in lines.enumerated() {
            let sent = Date()
            stdin.fileHandleForWriting.write(Data((line + "\n").utf8))
            guard reader.nextLine() != nil else { throw BenchError("nmt translate --line-by-line stopped after \(i) lines") }
            if i == 0 { first = Date().timeIntervalSince(started) } else { each.append(Date().timeIntervalSince(sent)) }
        }
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return (first, each.isEmpty ? [first] : each)
    }

    /// The figures of the summary line `nmt translate` prints on stderr.
    struct Summary {
        var targetTokens = 0, loadSeconds = 0.0
        init(_ stderr: String) {
            guard let line = stderr.split(separator: "\n").last(where: { $0.contains("target tokens,") }) else { return }
            let words = line.split(whereSeparator: { " ,;()".contains($0) })
            if let i = words.firstIndex(of: "tokens"), i > 1, let n = Int(words[i - 2]) { targetTokens = n }
            if let i = words.firstIndex(of: "load"), i + 1 < words.count, let s = Double(words[i + 1]) { loadSeconds = s }
        }
    }
}

/// Lines from a file descriptor, one `read` per refill.
final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    init(fd: Int32) { self.fd = fd }

    func nextLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { return nil }
            buffer += chunk[..<n]
        }
    }
}
