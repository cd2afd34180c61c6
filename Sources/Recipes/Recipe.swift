import Foundation

/// A training and translation recipe: YAML decoded into typed sections (ARCHITECTURE.md, "A recipe").
/// Every default lives here, as the initial value of a stored property; `recipes/reference.yaml`
/// comments every key. Paths are relative to the recipe file (`directory`).
public struct Recipe: Sendable, Equatable {
    public var name: String = "unnamed"
    public var data = CorpusSection()
    public var tokenizer = TokenizerSection()
    public var vocab = VocabSection()
    public var model = ModelSection()
    public var train = TrainSection()
    public var decode = DecodeSection()

    /// The folder holding the recipe file; relative paths resolve against it.
    public var directory: String = "."

    public init() {}

    /// `path` resolved against the recipe's folder (absolute paths stay as they are).
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
    }

    /// `PREFIX.LANG` for a split prefix such as `data.train`.
    public func corpusFile(prefix: String, language: String) -> String {
        resolve(prefix) + "." + language
    }

    public var vocabularyDirectory: String { resolve(vocab.directory ?? "../vocab/\(name)") }
    public var sourceVocabularyPath: String { vocabularyDirectory + "/source.vocab" }
    public var targetVocabularyPath: String { vocabularyDirectory + "/target.vocab" }
    /// BPE merges per side: one shared file when `joint_bpe`, else one per side; nil without BPE.
    public func mergesPath(source: Bool) -> String? {
        guard tokenizer.bpeMerges > 0 else { return nil }
        if tokenizer.jointBPE { return vocabularyDirectory + "/joint.merges" }
        return vocabularyDirectory + (source ? "/source.merges" : "/target.merges")
    }
    public var modelDirectory: String { resolve(train.output ?? "../models/\(name)") }
}

public struct CorpusSection: RecipeSection {
    public var source: String = ""
    public var target: String = ""
    public var train: String = ""
    public var valid: String? = nil
    public var test: String? = nil
    /// Pairs with more subword tokens than this on either side are left out of training (and counted).
    public var maxLength: Int = 100
    public init() {}
    public mutating func visit<V: RecipeVisitor>(_ v: inout V) throws {
        try v.field("source", &source)
        try v.field("target", &target)
        try v.field("train", &train)
        try v.optionalField("valid", &valid)
        try v.optionalField("test", &test)
        try v.field("max_length", &maxLength)
    }
}

public enum Normalization: String, RecipeChoice { case nfc, nfkc, none }

public struct TokenizerSection: RecipeSection {
    public var normalization: Normalization = .nfc
    public var lowercase: Bool = false
    /// 0 means word-level: no BPE.
    public var bpeMerges: Int = 0
    public var jointBPE: Bool = true
    public var bpeMinFrequency: Int = 2
    public init() {}
    public mutating func visit<V: RecipeVisitor>(_ v: inout V) throws {
        try v.field("normalization", &normalization)
        try v.field("lowercase", &lowercase)
        try v.field("bpe_merges", &bpeMerges)
        try v.field("joint_bpe", &jointBPE)
        try v.field("bpe_min_frequency", &bpeMinFrequency)
    }
}

public struct VocabSection: RecipeSection {
    public var minFrequency: Int = 1
    public var maxSize: Int = 50_000
    /// Where build-vocab writes; default `../vocab/NAME` (recipes live in `recipes/`).
    public var directory: String? = nil
    public init() {}
    public mutating func visit<V: RecipeVisitor>(_ v: inout V) throws {
        try v.field("min_frequency", &minFrequency)
        try v.field("max_size", &maxSize)
        try v.optionalField("directory", &directory)
    }
}

public enum CellKind: String, RecipeChoice { case lstm, gru, rnn }
public enum AttentionKind: String, RecipeChoice { case bahdanau, luong_general, luong_dot, none }

public struct ModelSection: RecipeSection {
    public var cell: CellKind = .lstm
    public var embedding: Int = 256
    /// Hidden size per direction; the encoder outputs 2× this.
    public var encoderHidden: Int = 256
    public var encoderLayers: Int = 1
    public var decoderHidden: Int = 512
    public var attention: AttentionKind = .bahdanau
    public var attentionSize: Int = 512
    public var inputFeeding: Bool = true
    /// Shares the target embedding with the output layer (needs embedding == decoder_hidden).
    public var tieEmbeddings: Bool = false
    public var dropout: Double = 0.3
    /// Uniform initialisation range: weights start in [-init, init].
    public var initScale: Double = 0.1
    /// LSTM only: the start value of the forget gates' biases (1 is the usual advice; 0 as PyTorch and OpenNMT-py).
    public var forgetBias: Double = 0
    public init() {}
    public mutating func visit<V: RecipeVisitor>(_ v: inout V) throws {
        try v.field("cell", &cell)
        try v.field("embedding", &embedding)
        try v.field("encoder_hidden", &encoderHidden)
        try v.field("encoder_layers", &encoderLayers)
        try v.field("decoder_hidden", &decoderHidden)
        try v.field("attention", &attention)
        try v.field("attention_size", &attentionSize)
        try v.field("input_feeding", &inputFeeding)
        try v.field("tie_embeddings", &tieEmbeddings)
        try v.field("dropout", &dropout)
        try v.field("init_scale", &initScale)
        try v.field("forget_bias", &forgetBias)
    }
}

public enum OptimizerKind: String, RecipeChoice { case adam }
public enum LearningRateSchedule: String, RecipeChoice { case constant, plateau, warmup_decay }
public enum ValidationMetric: String, RecipeChoice { case bleu, perplexity }

public struct EarlyStoppingSection: RecipeSection {
    public var metric: ValidationMetric = .bleu
    /// Validations without improvement before training stops; 0 turns early stopping off.
    public var patience: Int = 8
    public init() {}
    public mutating func visit<V: RecipeVisitor>(_ v: inout V) throws {
        try v.field("metric", &metric)
        try v.field("patience", &patience)
    }
}

public struct TrainSection: RecipeSection {
    /// Target tokens per batch (padding excluded); used when `batch_sentences` is 0.
    public var batchTokens: Int = 3000
    /// Sentences per batch; overrides `batch_tokens` when above 0.
    public var batchSentences: Int = 0
    public var optimizer: OptimizerKind = .adam
    public var learningRate: Double = 0.001
    public var adamBeta1: Double = 0.9
    public var adamBeta2: Double = 0.999
    public var adamEpsilon: Double = 1e-8
    /// Global gradient-norm clipping; 0 turns it off.
    public var clipNorm: Double = 5
    /// 1.0 is pure teacher forcing; below, each step feeds the model's own prediction with probability 1 − ratio.
    public var teacherForcing: Double = 1.0
    public var labelSmoothing: Double = 0.1
    public var lrSchedule: LearningRateSchedule = .constant
    public var lrDecay: Double = 0.5
    public var lrPatience: Int = 2
    public var warmupSteps: Int = 0
    public var minLearningRate: Double = 1e-5
    public var maxEpochs: Int = 30
    /// 0 means no limit.
    public var maxSteps: Int = 0
    /// Wall-clock budget in minutes; 0 means no limit.
    public var maxMinutes: Double = 0
    public var validateEvery: Int = 500
    public var logEvery: Int = 50
    public var keepCheckpoints: Int = 3
    public var earlyStopping = EarlyStoppingSection()
    public var seed: Int = 1
    /// Batches whose gradients are summed (token-weighted) before one clipped Adam step; with `mpirun -np N`
    /// an update covers N × accumulate batches.
    public var accumulate: Int = 1
    /// At the end of training, `averaged.safetensors` is the mean of the last N numbered checkpoints; 0 is off.
    public var averageLast: Int = 0
    /// Exponential moving average of the weights after every update, ema = decay·ema + (1 − decay)·w; 0 is off.
    /// When on, validation, `best` and model.safetensors use the averaged weights.
    public var emaDecay: Double = 0
    /// The model directory; default `../models/NAME`.
    public var output: String? = nil
    public init() {}
    public mutating func visit<V: RecipeVisitor>(_ v: inout V) throws {
        try v.field("batch_tokens", &batchTokens)
        try v.field("batch_sentences", &batchSentences)
        try v.field("optimizer", &optimizer)
        try v.field("learning_rate", &learningRate)
        try v.field("adam_beta1", &adamBeta1)
        try v.field("adam_beta2", &adamBeta2)
        try v.field("adam_epsilon", &adamEpsilon)
        try v.field("clip_norm", &clipNorm)
        try v.field("teacher_forcing", &teacherForcing)
        try v.field("label_smoothing", &labelSmoothing)
        try v.field("lr_schedule", &lrSchedule)
        try v.field("lr_decay", &lrDecay)
        try v.field("lr_patience", &lrPatience)
        try v.field("warmup_steps", &warmupSteps)
        try v.field("min_learning_rate", &minLearningRate)
        try v.field("max_epochs", &maxEpochs)
        try v.field("max_steps", &maxSteps)
        try v.field("max_minutes", &maxMinutes)
        try v.field("validate_every", &validateEvery)
        try v.field("log_every", &logEvery)
        try v.field("keep_checkpoints", &keepCheckpoints)
        try v.section("early_stopping", &earlyStopping)
        try v.field("seed", &seed)
        try v.field("accumulate", &accumulate)
        try v.field("average_last", &averageLast)
        try v.field("ema_decay", &emaDecay)
        try v.optionalField("output", &output)
    }
}

public enum LengthPenaltyKind: String, RecipeChoice { case none, avg, wu }

public struct DecodeSection: RecipeSection {
    public var beam: Int = 5
    public var lengthPenalty: LengthPenaltyKind = .avg
    public var alpha: Double = 1.0
    public var maxLengthRatio: Double = 2.0
    /// The constant of the longest output: ⌊max_length_ratio · source length⌋ + max_length_offset tokens.
    public var maxLengthOffset: Int = 5
    public var minLength: Int = 0
    /// β of GNMT's coverage penalty (0: off); a finished hypothesis gains β · Σ_j log(min(coverage_j, 1)).
    public var coveragePenalty: Double = 0
    public var batchSize: Int = 32
    public var replaceUnk: Bool = false
    public init() {}
    public mutating func visit<V: RecipeVisitor>(_ v: inout V) throws {
        try v.field("beam", &beam)
        try v.field("length_penalty", &lengthPenalty)
        try v.field("alpha", &alpha)
        try v.field("max_length_ratio", &maxLengthRatio)
        try v.field("max_length_offset", &maxLengthOffset)
        try v.field("min_length", &minLength)
        try v.field("coverage_penalty", &coveragePenalty)
        try v.field("batch_size", &batchSize)
        try v.field("replace_unk", &replaceUnk)
    }
}

/// The top level of a recipe is a section too: `name` plus the six sections.
struct RecipeTop: RecipeSection {
    var recipe = Recipe()
    mutating func visit<V: RecipeVisitor>(_ v: inout V) throws {
        try v.field("name", &recipe.name)
        try v.section("data", &recipe.data)
        try v.section("tokenizer", &recipe.tokenizer)
        try v.section("vocab", &recipe.vocab)
        try v.section("model", &recipe.model)
        try v.section("train", &recipe.train)
        try v.section("decode", &recipe.decode)
    }
}
