/// Checks that values make sense together, after every key has been read.
enum RecipeValidation {
    static func validate(_ recipe: Recipe, path: String) throws {
        func require(_ condition: Bool, _ key: String, _ message: String) throws {
            if !condition { throw RecipeError.invalidValue(path: path, line: nil, key: key, message: message) }
        }
        if recipe.data.source.isEmpty { throw RecipeError.missingKey(path: path, key: "data.source") }
        if recipe.data.target.isEmpty { throw RecipeError.missingKey(path: path, key: "data.target") }
        if recipe.data.train.isEmpty { throw RecipeError.missingKey(path: path, key: "data.train") }
        try require(recipe.data.maxLength >= 1, "data.max_length", "must be at least 1")
        try require(recipe.tokenizer.bpeMerges >= 0, "tokenizer.bpe_merges", "must be 0 (no BPE) or more")
        try require(recipe.vocab.minFrequency >= 1, "vocab.min_frequency", "must be at least 1")
        try require(recipe.vocab.maxSize >= 5, "vocab.max_size", "must be at least 5 (4 special tokens and one word)")
        let m = recipe.model
        for (key, value) in [("model.embedding", m.embedding), ("model.encoder_hidden", m.encoderHidden),
                             ("model.decoder_hidden", m.decoderHidden), ("model.attention_size", m.attentionSize),
                             ("model.encoder_layers", m.encoderLayers)] {
            try require(value >= 1, key, "must be at least 1, not \(value)")
        }
        try require((0..<1).contains(m.dropout), "model.dropout", "must be in [0, 1), not \(m.dropout)")
        try require(m.initScale.isFinite && m.initScale >= 0, "model.init_scale",
                    "must be 0 or more (weights start uniform in [-init_scale, init_scale]), not \(m.initScale)")
        try require(m.forgetBias.isFinite, "model.forget_bias", "must be a finite number, not \(m.forgetBias)")
        try require(m.attention != .luong_dot || m.decoderHidden == 2 * m.encoderHidden, "model.attention",
                    "luong_dot scores h·M directly, so it needs model.decoder_hidden (\(m.decoderHidden)) equal to "
                    + "2 × model.encoder_hidden (\(2 * m.encoderHidden)); use luong_general for other sizes")
        try require(!m.tieEmbeddings || m.embedding == m.decoderHidden, "model.tie_embeddings",
                    "needs model.embedding (\(m.embedding)) equal to model.decoder_hidden (\(m.decoderHidden))")
        let t = recipe.train
        try require(t.batchTokens >= 1 || t.batchSentences >= 1, "train.batch_tokens", "must be at least 1")
        try require(t.learningRate > 0, "train.learning_rate", "must be above 0")
        try require((0...1).contains(t.teacherForcing), "train.teacher_forcing", "must be in [0, 1]")
        try require((0..<1).contains(t.labelSmoothing), "train.label_smoothing", "must be in [0, 1)")
        try require(t.validateEvery >= 1, "train.validate_every", "must be at least 1")
        try require(t.logEvery >= 1, "train.log_every", "must be at least 1")
        try require(t.keepCheckpoints >= 1, "train.keep_checkpoints", "must be at least 1")
        try trainRanges(t, require)
        let d = recipe.decode
        try require(d.beam >= 1, "decode.beam", "must be at least 1")
        try require(d.maxLengthRatio > 0, "decode.max_length_ratio", "must be above 0")
        try require(d.batchSize >= 1, "decode.batch_size", "must be at least 1")
        try require(d.minLength >= 0, "decode.min_length", "must be 0 or more, not \(d.minLength)")
        try require(d.maxLengthOffset >= 0, "decode.max_length_offset", "must be 0 or more, not \(d.maxLengthOffset)")
        try require(d.coveragePenalty.isFinite && d.coveragePenalty >= 0, "decode.coverage_penalty",
                    "must be 0 (off) or more, not \(d.coveragePenalty) (0.2 to 0.4 is usual)")
        try require(d.coveragePenalty == 0 || m.attention != .none, "decode.coverage_penalty",
                    "sums the attention each source word received, so it needs attention, but model.attention is none; "
                    + "set coverage_penalty: 0 or choose an attention")
        try require(d.alpha.isFinite && d.alpha >= 0, "decode.alpha", "must be a number of 0 or more, not \(d.alpha)")
        try require(!d.replaceUnk || m.attention != .none, "decode.replace_unk",
                    "copies the most attended source word, so it needs attention, but model.attention is none; "
                    + "set replace_unk: false or choose an attention")
    }

    /// The optimizer's and the schedule's numbers: each in the range where Adam and the limits mean something.
    private static func trainRanges(_ t: TrainSection, _ require: (Bool, String, String) throws -> Void) throws {
        try require(t.learningRate.isFinite, "train.learning_rate", "must be a finite number, not \(t.learningRate)")
        try require((0..<1).contains(t.adamBeta1), "train.adam_beta1", "must be in [0, 1), not \(t.adamBeta1) (0.9 is usual)")
        try require((0..<1).contains(t.adamBeta2), "train.adam_beta2", "must be in [0, 1), not \(t.adamBeta2) (0.999 is usual)")
        try require(t.adamEpsilon.isFinite && t.adamEpsilon > 0, "train.adam_epsilon",
                    "must be above 0, not \(t.adamEpsilon) (1e-8 is usual)")
        try require(t.clipNorm.isFinite && t.clipNorm >= 0, "train.clip_norm", "must be 0 (off) or more, not \(t.clipNorm)")
        try require(t.batchTokens >= 0 && t.batchSentences >= 0, "train.batch_tokens",
                    "train.batch_tokens and train.batch_sentences must be 0 or more")
        try require(t.lrDecay > 0 && t.lrDecay <= 1, "train.lr_decay", "must be in (0, 1], not \(t.lrDecay)")
        try require(t.lrPatience >= 0, "train.lr_patience", "must be 0 or more, not \(t.lrPatience)")
        try require(t.warmupSteps >= 0, "train.warmup_steps", "must be 0 or more, not \(t.warmupSteps)")
        try require(t.minLearningRate.isFinite && t.minLearningRate >= 0, "train.min_learning_rate",
                    "must be 0 or more, not \(t.minLearningRate)")
        try require(t.maxEpochs >= 1, "train.max_epochs", "must be at least 1, not \(t.maxEpochs)")
        try require(t.maxSteps >= 0, "train.max_steps", "must be 0 (no limit) or more, not \(t.maxSteps)")
        try require(t.maxMinutes.isFinite && t.maxMinutes >= 0, "train.max_minutes",
                    "must be 0 (no limit) or more, not \(t.maxMinutes)")
        try require(t.earlyStopping.patience >= 0, "train.early_stopping.patience", "must be 0 (off) or more")
        try require(t.seed >= 0, "train.seed", "must be 0 or more, not \(t.seed)")
        try require((1...1024).contains(t.accumulate), "train.accumulate", "must be from 1 to 1024, not \(t.accumulate)")
        try require(t.averageLast >= 0 && t.averageLast <= t.keepCheckpoints, "train.average_last",
                    "must be from 0 (off) to train.keep_checkpoints (\(t.keepCheckpoints)), not \(t.averageLast): only that many "
                    + "numbered checkpoints are kept")
        try require(t.emaDecay.isFinite && (0..<1).contains(t.emaDecay), "train.ema_decay",
                    "must be in [0, 1), not \(t.emaDecay) (0 is off; 0.9999 is usual)")
    }
}
