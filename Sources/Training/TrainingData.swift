import Foundation
import Recipes
import Tokenization

/// A recipe's training and validation pairs, read, tokenized and mapped to ids once: the trainer reads
/// the ids, and validation BLEU decodes the same validation ids (and tokens, for unknown-word replacement)
/// instead of encoding the sources again.
public struct TrainingData {
    public let train: [ParallelExample]
    public let validation: [ParallelExample]
    /// The validation sources as tokens (what `validation`'s source ids were made from), and the raw
    /// reference lines that BLEU scores against.
    public let validationSourceTokens: [[String]]
    public let validationReferences: [String]

    /// One side of the corpus: how its text becomes tokens, and its tokens ids.
    public struct Side {
        public let pipeline: TextPipeline
        public let vocabulary: Vocabulary
        public init(pipeline: TextPipeline, vocabulary: Vocabulary) {
            self.pipeline = pipeline
            self.vocabulary = vocabulary
        }
        func ids(_ tokens: [String]) -> [Int32] { vocabulary.ids(for: tokens).map(Int32.init) }
    }

    /// How far reading a corpus has come: every 5000 lines of `file` (its source side), then done.
    public enum ReadProgress {
        case reading(file: String, lines: Int)
        case read(file: String, pairs: Int, seconds: Double)
    }

    /// Reads `data.train` (and `data.valid` when the recipe has one), reporting to `progress`.
    public init(recipe: Recipe, source: Side, target: Side, progress: (ReadProgress) -> Void = { _ in }) throws {
        func files(_ prefix: String) -> (String, String) {
            (recipe.corpusFile(prefix: prefix, language: recipe.data.source), recipe.corpusFile(prefix: prefix, language: recipe.data.target))
        }
        train = try Self.encode(files(recipe.data.train), source: source, target: target, keepTokens: false,
                                progress: progress).examples
        let encoded = try recipe.data.valid.map {
            try Self.encode(files($0), source: source, target: target, keepTokens: true, progress: progress)
        }
        validation = encoded?.examples ?? []
        validationSourceTokens = encoded?.sourceTokens ?? []
        validationReferences = encoded?.references ?? []
    }

    /// Reads, tokenizes and maps a parallel pair of files to ids, with a progress line.
    private static func encode(_ files: (String, String), source: Side, target: Side, keepTokens: Bool,
                               progress: (ReadProgress) -> Void)
        throws -> (examples: [ParallelExample], sourceTokens: [[String]], references: [String])
    {
        let lines = try CorpusReader.readParallel(source: files.0, target: files.1)
        var examples: [ParallelExample] = [], sourceTokens: [[String]] = []
        examples.reserveCapacity(lines.source.count)
        let started = Date()
        for i in lines.source.indices {
            let tokens = source.pipeline.encode(lines.source[i])
            if keepTokens { sourceTokens.append(tokens) }
            examples.append(ParallelExample(source: source.ids(tokens), target: target.ids(target.pipeline.encode(lines.target[i]))))
            if i % 5000 == 4999 { progress(.reading(file: files.0, lines: i + 1)) }
        }
        progress(.read(file: files.0, pairs: lines.source.count, seconds: Date().timeIntervalSince(started)))
        return (examples, sourceTokens, keepTokens ? lines.target : [])
    }
}
