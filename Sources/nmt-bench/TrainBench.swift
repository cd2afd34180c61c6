import ArgumentParser
import Foundation
import Recipes
import Training

/// `nmt-bench train RECIPE --steps N`: training throughput of `nmt train`, after warm-up steps.
struct TrainBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training throughput: runs `nmt train RECIPE` for N steps and prints one JSON line.",
        discussion: """
            The recipe's vocabularies must exist (nmt build-vocab RECIPE). Validation is skipped and the \
            model goes to a temporary directory. Rates count only the steps after --warmup. \
            model_gflops_per_second counts the matrix products of forward and backward from the model's \
            shapes (FLOPCount.swift); gemm_peak_share divides it by this machine's sgemm rate on 2048³.
            """)

    @Argument(help: "The recipe (YAML).")
    var recipe: String

    @Option(help: "Training steps in all.")
    var steps = 300

    @Option(help: "Steps left out of the rates at the start.")
    var warmup = 50

    @Option(help: "Steps per metrics window (train.log_every).")
    var window = 10

    @Option(name: .customLong("set"), help: "Recipe overrides passed to nmt train (repeatable).")
    var overrides: [String] = []

    func run() throws {
        let loaded = try RecipeLoader.load(path: recipe, overrides: overrides)
        guard warmup < steps, warmup % window == 0 else { throw BenchError("--warmup must be below --steps and a multiple of --window") }
        let directory = NSTemporaryDirectory() + "nmt-bench-train-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = ["train", recipe, "--output", directory, "--set", "train.max_steps=\(steps)",
                         "--set", "train.log_every=\(window)", "--set", "train.validate_every=\(steps + 1)",
                         "--set", "train.max_minutes=0", "--set", "train.max_epochs=100000"]
            + overrides.flatMap { ["--set", $0] }
        let outcome = try ChildProcess.run(arguments)
        guard outcome.status == 0 else { throw BenchError("nmt train failed:\n" + outcome.stderr) }
        let rss = ChildProcess.peakChildRSSMiB

        var target = 0.0, source = 0.0, sentences = 0.0, seconds = 0.0, measured = 0
        let text = try String(contentsOfFile: directory + "/metrics.jsonl", encoding: .utf8)
        for event in MetricsEvent.events(inJSONL: text) where event.event == .train && event.step > warmup {
            target += Double(event.targetTokens ?? 0)
            source += Double(event.sourceTokens ?? 0)
            sentences += Double(event.sentences ?? 0)
            seconds += event.seconds ?? 0
            measured += window
        }
        guard seconds > 0 else { throw BenchError("no training windows after step \(warmup) in metrics.jsonl") }
        let flops = FLOPCount(model: loaded.model, sourceVocabulary: try lineCount(loaded.sourceVocabularyPath),
                              targetVocabulary: try lineCount(loaded.targetVocabularyPath))
            .training(sourceTokens: source, targetTokens: target, sentences: sentences)
        let modelGFLOPS = flops / seconds / 1e9
        let peak = GEMMBench.peakGFLOPS()
        print(MetricsLog.line([
            ("recipe", loaded.name), ("steps_measured", measured), ("target_tokens_per_second", target / seconds),
            ("source_tokens_per_second", source / seconds), ("seconds_per_step", seconds / Double(measured)),
            ("peak_rss_mb", rss), ("model_gflops_per_second", modelGFLOPS), ("gemm_peak_gflops", peak),
            ("gemm_peak_share", modelGFLOPS / peak), ("threads", ProcessInfo.processInfo.environment["OMP_NUM_THREADS"] ?? "default"),
        ]))
    }

    private func lineCount(_ path: String) throws -> Int {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count
    }
}
