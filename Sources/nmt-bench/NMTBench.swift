import ArgumentParser

/// Timing executable (STYLE.md habit 8): never run by `swift test`, never asserts correctness.
/// Each subcommand prints JSON lines for BENCHMARKS.md.
@main
struct NMTBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nmt-bench",
        abstract: "SwiftNMT benchmarks; run in release: swift run -c release nmt-bench …",
        subcommands: [TrainBench.self, TranslateBench.self, GEMMBench.self, ProductBench.self])
}
