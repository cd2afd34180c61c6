import Foundation

/// Runs `nmt` as a child process, so a benchmark times exactly what a user runs.
enum ChildProcess {
    /// The `nmt` binary beside this executable (both live in `.build/release/`).
    static var nmtPath: String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("nmt").path
    }

    struct Outcome {
        let status: Int32
        let seconds: Double
        let stderr: String
    }

    /// Runs `nmt ARGS` to the end; its standard output is discarded.
    static func run(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nmtPath)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        let text = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, seconds: Date().timeIntervalSince(started),
                       stderr: String(decoding: text, as: UTF8.self))
    }

    /// Peak resident set size, in MiB, of the largest child waited for so far.
    static var peakChildRSSMiB: Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
    }
}

/// Fails the benchmark with a message (benchmarks never assert correctness, but they do stop on errors).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
