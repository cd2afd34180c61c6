import Foundation
import ArgumentParser
import DurableFiles
import TensorKernels
import Training
import ModelFiles
import Recipes

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw training curves (validation BLEU, loss, perplexity, gradient norm) from metrics.jsonl as SVG.",
        discussion: """
            Each model directory is one run, one colour, named by its recipe's name (the directory shows \
            when the pointer rests on the name); every panel shares one x axis, wall-clock minutes of \
            training, or the step with --by-step. A browser shows the SVG.
            Examples:
              nmt plot models/toy-en-de                       # writes models/toy-en-de/curves.svg
              nmt plot runs/lstm runs/gru --output cells.svg
            """)

    @Argument(help: "Model directories written by `nmt train`.")
    var directories: [String]

    @Option(help: "The SVG file to write (default: curves.svg in the first directory).")
    var output: String?

    @Flag(help: "Use the training step as the x axis instead of wall-clock minutes.")
    var byStep = false

    func run() throws {
        try reportingErrors {
            guard !directories.isEmpty else { throw CLIError.message("name at least one model directory") }
            let names = Self.runNames(directories)
            let runs = try zip(directories, names).map { directory, name -> TrainingCurves in
                let path = ModelDirectory(path: directory).metrics
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw CLIError.message("cannot read \(path); is \(directory) a model directory written by `nmt train`?")
                }
                let curves = TrainingCurves(name: name, path: directory, metricsJSONL: text, byStep: byStep)
                if curves.series.isEmpty { throw CLIError.message("\(path) holds no training or validation events yet") }
                return curves
            }
            let path = output ?? ModelDirectory(path: directories[0]).path + "/curves.svg"
            try AtomicFile.write(TrainingPlot.svg(runs, xLabel: byStep ? "step" : "minutes of training"), to: path)
            Console.log("wrote \(path)")
        }
    }

    /// Each run's legend name: its recipe's `name` (the folder's name when the recipe cannot be read), and
    /// where two runs would share a name, the folder's name after it in parentheses.
    static func runNames(_ directories: [String]) -> [String] {
        let folders = directories.map { URL(fileURLWithPath: $0).standardizedFileURL.lastPathComponent }
        let names = zip(directories, folders).map { directory, folder in
            (try? RecipeLoader.load(path: ModelDirectory(path: directory).recipe).name).flatMap { $0.isEmpty ? nil : $0 } ?? folder
        }
        return zip(names, folders).map { name, folder in
            names.filter { $0 == name }.count > 1 && name != folder ? "\(name) (\(folder))" : name
        }
    }
}
