import ArgumentParser
import ModelFiles

struct Average: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "average",
        abstract: "Average the weights of checkpoints of one model (element-wise mean) into one weights file.",
        discussion: """
            The checkpoints must hold the same tensors with the same shapes (the same recipe and \
            vocabularies); otherwise the first mismatch is named and nothing is written. The output is \
            written crash-safely and is read like any weights file: `nmt translate --checkpoint FILE`.
            Examples:
              nmt average models/toy/checkpoints/step-00001000.safetensors models/toy/checkpoints/step-00001500.safetensors \\
                --output models/toy/averaged.safetensors
              nmt average --model models/toy --last 3        # writes models/toy/averaged.safetensors
              nmt translate --model models/toy --checkpoint models/toy/averaged.safetensors < input.txt
            """)

    @Argument(help: "Weights files (safetensors) to average.")
    var checkpoints: [String] = []

    @Option(help: "A model directory whose newest numbered checkpoints (checkpoints/step-N.safetensors) to average.")
    var model: String?

    @Option(help: "With --model: how many of the newest numbered checkpoints to average (fewer when fewer exist).")
    var last: Int?

    @Option(help: "The weights file to write (default with --model: DIR/averaged.safetensors).")
    var output: String?

    func validate() throws {
        if model == nil {
            guard !checkpoints.isEmpty else { throw ValidationError("name checkpoints to average, or --model DIR --last N") }
            guard last == nil else { throw ValidationError("--last needs --model DIR") }
            guard output != nil else { throw ValidationError("--output FILE is needed when checkpoints are named") }
        } else {
            guard checkpoints.isEmpty else { throw ValidationError("name checkpoints or --model DIR, not both") }
            guard let last, last >= 1 else { throw ValidationError("--model DIR needs --last N with N at least 1") }
        }
    }

    func run() throws {
        try reportingErrors {
            var inputs = checkpoints
            var destination = output ?? ""
            if let model {
                let directory = ModelDirectory(path: model)
                inputs = CheckpointAveraging.lastNumbered(in: directory, count: last ?? 1)
                guard !inputs.isEmpty else { throw AveragingError.noNumberedCheckpoints(directory: model) }
                destination = output ?? directory.averaged
            }
            try CheckpointAveraging.write(inputs, to: destination)
            Console.log("wrote the mean of \(inputs.count) checkpoint(s) to \(destination)")
        }
    }
}
