import ArgumentParser
import Decoding
import DurableFiles
import Foundation
import Tokenization

/// `nmt shortlist --model DIR`: learns the vocabulary shortlist of a model from its training data.
struct MakeShortlist: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shortlist",
        abstract: "Learn a vocabulary shortlist for faster translation (`nmt translate --shortlist`).",
        discussion: """
            Reads the training pairs named by the model's recipe (data.train), encodes them with the model's \
            tokenizer, BPE and vocabularies, and writes DIR/shortlist.tsv: the --frequent most frequent target \
            tokens, and for each source token the --per-source target tokens that co-occur with it most (Dice \
            coefficient over sentence pairs). `nmt translate --shortlist` then scores, for each batch, only the \
            frequent tokens, those of the batch's source tokens, <unk> and </s>.
            Examples:
              nmt shortlist --model models/multi30k-en-de
              nmt shortlist --model DIR --frequent 200 --per-source 30
              nmt translate --model DIR --shortlist --input test.en
            """)

    @Option(help: "The model directory written by `nmt train`.")
    var model: String

    @Option(help: "Target tokens always scored: the most frequent ones.")
    var frequent = 100

    @Option(help: "Target tokens scored per source token of a batch.")
    var perSource = 20

    @Option(help: "Source side of the training pairs (default: the recipe's data.train with its source language).")
    var source: String?

    @Option(help: "Target side of the training pairs (default: the recipe's data.train with its target language).")
    var target: String?

    func validate() throws {
        guard (0...1_000_000).contains(frequent) else { throw ValidationError("--frequent must be from 0 to 1000000, not \(frequent)") }
        guard (0...100_000).contains(perSource) else { throw ValidationError("--per-source must be from 0 to 100000, not \(perSource)") }
    }

    func run() throws {
        try reportingErrors {
            let loaded = try LoadedModel.open(model)
            let data = loaded.recipe.data
            let sourcePath = source ?? data.train + "." + data.source, targetPath = target ?? data.train + "." + data.target
            let started = Date()
            let pairs = try CorpusReader.readParallel(source: sourcePath, target: targetPath)
            func encode(_ lines: [String], _ pipeline: TextPipeline, _ vocabulary: Vocabulary) -> [[Int32]] {
                lines.map { vocabulary.ids(for: pipeline.encode($0)).map(Int32.init) }
            }
            let sources = encode(pairs.source, loaded.source, loaded.sourceVocabulary)
            let targets = encode(pairs.target, loaded.target, loaded.targetVocabulary)
            let shortlist = Shortlist.learn(sources: sources, targets: targets, sourceVocabularySize: loaded.sourceVocabulary.count,
                                            targetVocabularySize: loaded.targetVocabulary.count, frequent: frequent, perSource: perSource)
            let path = loaded.directory.shortlist
            try AtomicFile.write(shortlist.fileText(frequentCount: frequent, perSourceCount: perSource,
                                                    source: loaded.sourceVocabulary, target: loaded.targetVocabulary), to: path)
            let typical = shortlist.candidates(for: Array(sources.prefix(32))).count
            Console.log(String(format: "wrote %@ from %d pairs in %.1f s: the first batch of 32 sentences scores %d of %d target tokens",
                               path, pairs.source.count, Date().timeIntervalSince(started), typical, loaded.targetVocabulary.count))
        }
    }
}

extension LoadedModel {
    /// The model directory's shortlist (`nmt shortlist`), checked against its vocabularies.
    func shortlist() throws -> Shortlist {
        let path = directory.shortlist
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw CLIError.message("\(path) does not exist; make it with `nmt shortlist --model \(directory.path)`")
        }
        return try Shortlist.parse(String(decoding: bytes, as: UTF8.self), path: path, source: sourceVocabulary,
                                   target: targetVocabulary)
    }
}
