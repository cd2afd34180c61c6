import Foundation
import ArgumentParser
import DurableFiles
import Decoding
import Recipes
import Seq2SeqModel
import TensorKernels
import Tokenization
import Training
import MessagePassing
import ModelFiles

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model from a recipe; writes a self-contained model directory.",
        discussion: """
            Needs the vocabularies of `nmt build-vocab RECIPE`. Shows a progress line on stderr, validates \
            every train.validate_every steps (perplexity and BLEU), keeps the last checkpoints and the best \
            one, and writes metrics.jsonl. Ctrl-C saves a checkpoint; `--resume` continues exactly.
            Examples:
              nmt train recipes/toy-en-de.yaml
              nmt train recipes/tiny.yaml --set train.max_steps=200 --output /tmp/tiny
              nmt train recipes/toy-en-de.yaml --resume
            """)

    @Argument(help: "The recipe (YAML).")
    var recipe: String

    @Option(help: "The model directory to write (default: train.output of the recipe, else models/NAME).")
    var output: String?

    @Flag(help: "Continue from the checkpoint in the model directory.")
    var resume = false

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a recipe key, e.g. --set train.max_steps=100 (repeatable).",
                                                          valueName: "key.path=value"))
    var overrides: [String] = []

    func run() throws {
        try reportingErrors {
            let recipe = try RecipeLoader.load(path: self.recipe, overrides: overrides)
            let directory = ModelDirectory(path: output ?? recipe.modelDirectory)
            try TrainingSetup(recipe: recipe, directory: directory, resume: resume).run()
        }
    }
}

/// The steps of `nmt train`, from recipe to trained model directory.
struct TrainingSetup {
    let recipe: Recipe
    let directory: ModelDirectory
    let resume: Bool

    /// Everything that can be refused (files, data, resume checks) happens before the model directory is
    /// written, so a failed start leaves it as it was; a new directory that fails before its first
    /// checkpoint is removed again.
    func run() throws {
        for path in [recipe.sourceVocabularyPath, recipe.targetVocabularyPath] + [true, false].compactMap({ recipe.mergesPath(source: $0) })
        where !FileManager.default.fileExists(atPath: path) {
            throw CLIError.message("\(path) does not exist; run `nmt build-vocab RECIPE` first")
        }
        let source = TrainingData.Side(pipeline: try RecipeTokenization.pipeline(recipe, side: .source),
                                       vocabulary: try RecipeTokenization.vocabulary(recipe, side: .source))
        let target = TrainingData.Side(pipeline: try RecipeTokenization.pipeline(recipe, side: .target),
                                       vocabulary: try RecipeTokenization.vocabulary(recipe, side: .target))
        let communicator = try MPICommunicator.forThisProcess()
        let writer = communicator.rank == 0  // only rank 0 reads and writes the model directory
        Console.errorsOnly = !writer
        let effective = absolutePaths(recipe)
        if writer {
            if resume {
                try RunStart.checkResumable(directory, effective: effective, vocabularies: [
                    (directory.sourceVocabulary, recipe.sourceVocabularyPath), (directory.targetVocabulary, recipe.targetVocabularyPath)])
            } else {
                try RunStart.checkNew(directory)
            }
        }
        let data = try TrainingData(recipe: recipe, source: source, target: target, progress: showReading)
        let trainer = try makeTrainer(data: data, source: source, target: target, communicator: communicator)
        Interrupts.allowGracefulStop()
        let yaml = RecipeWriter.yaml(effective)
        if resume {
            if let warning = try trainer.resume() { Console.log("warning: " + warning) }
            if writer { try AtomicFile.write(yaml, to: directory.recipe) }
        }
        let created = resume || !writer ? nil : try writeNewDirectory(effective: yaml)
        let display = TrainingDisplay(directory: directory, processes: communicator.size)
        do {
            let reason = try trainer.run(shouldStop: { Interrupts.stopRequested }, report: writer ? display.show : { _ in })
            if writer { display.finish(reason: reason, trainer: trainer) }
            (communicator as? MPICommunicator)?.finish()
        } catch {
            if let created, !FileManager.default.fileExists(atPath: directory.trainingState) { created.remove() }
            throw error
        }
    }

    /// The model, batches, validation and BLEU of this recipe, wired into a trainer.
    private func makeTrainer(data: TrainingData, source: TrainingData.Side, target: TrainingData.Side,
                             communicator: Communicator) throws -> Trainer {
        var bleu: ValidationBLEU? = nil
        if recipe.data.valid != nil {
            let search = try SearchOptions(recipe.decode)
            bleu = ValidationBLEU(data: data, batchSize: recipe.decode.batchSize) { model in
                try Translator(model: model, source: source.pipeline, target: target.pipeline, sourceVocabulary: source.vocabulary,
                               targetVocabulary: target.vocabulary, options: search, replaceUnknown: recipe.decode.replaceUnk)
            }
        }
        let m = recipe.model
        let configuration = try ModelConfiguration(m, sourceVocabularySize: source.vocabulary.count,
                                                   targetVocabularySize: target.vocabulary.count)
        let model = Seq2Seq(configuration: configuration, seed: UInt64(recipe.train.seed), initScale: Float(m.initScale),
                            forgetBias: Float(m.forgetBias))
        let batcher = Batcher(examples: data.train, maxLength: recipe.data.maxLength,
                              batchTokens: recipe.train.batchTokens, batchSentences: recipe.train.batchSentences)
        guard !batcher.examples.isEmpty else {
            throw TrainingError.noTrainingData(filtered: batcher.filtered, maxLength: batcher.filtered > 0 ? recipe.data.maxLength : nil)
        }
        return Trainer(model: model, options: recipe.train, batcher: batcher, validation: data.validation,
                       directory: directory, bleu: bleu.map { b in { try b.score($0, shouldStop: $1) } },
                       checkpointMetadata: ["recipe": recipe.name], communicator: communicator)
    }

    /// The progress line while a corpus is read.
    private func showReading(_ progress: TrainingData.ReadProgress) {
        switch progress {
        case let .reading(file, lines):
            Console.progress("reading \(file): \(lines) lines")
        case let .read(file, pairs, seconds):
            Console.progress("read \(pairs) pairs from \(file) and .\(recipe.data.target) in \(formatDuration(seconds))")
            Console.endProgress()
        }
    }

    /// Writes the recipe, vocabularies and merges of a new run; returns what to remove if it fails early.
    private func writeNewDirectory(effective: String) throws -> NewDirectory {
        let fm = FileManager.default
        let created = NewDirectory(directory: directory, existed: fm.fileExists(atPath: directory.path))
        do {
            try directory.create()
            try AtomicFile.write(effective, to: directory.recipe)
            var copies = [(recipe.sourceVocabularyPath, directory.sourceVocabulary), (recipe.targetVocabularyPath, directory.targetVocabulary)]
            for side in [true, false] {
                if let merges = recipe.mergesPath(source: side) { copies.append((merges, directory.merges(source: side))) }
            }
            for (from, to) in copies {
                guard let bytes = fm.contents(atPath: from) else { throw CLIError.message("cannot read \(from)") }
                try bytes.withUnsafeBytes { try AtomicFile.write($0, to: to) }
            }
        } catch {
            created.remove()
            throw error
        }
        return created
    }

    /// The recipe with every path made absolute, so the copy in the model directory still points at the data.
    private func absolutePaths(_ r: Recipe) -> Recipe {
        var copy = r
        copy.data.train = r.resolve(r.data.train)
        copy.data.valid = r.data.valid.map(r.resolve)
        copy.data.test = r.data.test.map(r.resolve)
        copy.vocab.directory = r.vocabularyDirectory
        copy.train.output = directory.path.hasPrefix("/") ? directory.path : FileManager.default.currentDirectoryPath + "/" + directory.path
        return copy
    }
}

/// How training events look on stderr.
struct TrainingDisplay {
    let directory: ModelDirectory
    var processes = 1

    func show(_ event: TrainingEvent) {
        switch event {
        case let .started(examples, filtered, batches, parameters, resumedAt):
            Console.log("training on \(examples) pairs (\(filtered) longer than data.max_length left out), \(batches) batches per epoch, "
                + "\(parameters) parameters" + (processes > 1 ? ", \(processes) processes" : "")
                + (resumedAt.map { "; resuming at step \($0)" } ?? ""))
        case let .progress(p):
            var line = String(format: "step %d | epoch %d | loss %.3f | ppl %.2f | %.0f tok/s | lr %.2g | grad %.2f | %@",
                              p.step, p.epoch + 1, p.loss, p.perplexity, p.targetTokensPerSecond, p.learningRate,
                              p.gradientNorm, formatDuration(p.elapsedSeconds))
            if let eta = p.etaSeconds { line += " | ETA " + formatDuration(eta) }
            Console.progress(line)
        case let .validation(v):
            Console.endProgress()
            var line = String(format: "validation at step %d: ppl %.2f, accuracy %.1f%%", v.step, v.perplexity, 100 * v.accuracy)
            if let bleu = v.bleu { line += String(format: ", BLEU %.2f", bleu) }
            Console.log(line + (v.isBest ? " (best so far)" : ""))
        case let .checkpoint(path, step):
            Console.log("saved step \(step) to \(path)")
        case let .skippedUpdate(step, consecutive):
            Console.endProgress()
            Console.log("warning: step \(step) skipped: its loss or gradient norm is NaN or infinite (\(consecutive) in a row; "
                + "training stops after \(Trainer.maxConsecutiveSkips))")
        case let .averaged(path, checkpoints):
            Console.log("wrote the mean of the last \(checkpoints) numbered checkpoint(s) to \(path)")
        case let .finished(reason, step):
            Console.endProgress()
            Console.log("stopped at step \(step): \(reason.rawValue)")
        }
    }

    func finish(reason: StopReason, trainer: Trainer) {
        Console.log("the model is in \(directory.path)")
        Console.log("translate with: nmt translate --model \(directory.path) < input.txt > output.txt")
        if reason == .interrupted { Console.log("continue training with: nmt train RECIPE --resume") }
    }
}

/// The files a new run wrote before its first checkpoint, removed again when it fails: a failed start
/// leaves no half-made model directory.
struct NewDirectory {
    let directory: ModelDirectory
    /// Whether the folder was there before (then only the files are removed, not the folder).
    let existed: Bool

    func remove() {
        let fm = FileManager.default
        for path in [directory.recipe, directory.sourceVocabulary, directory.targetVocabulary, directory.merges(source: true),
                     directory.merges(source: false), directory.metrics, directory.best, directory.latest] {
            try? fm.removeItem(atPath: path)
        }
        rmdir(directory.checkpoints)  // only when empty, as it is before the first checkpoint
        if !existed { rmdir(directory.path) }
    }
}
