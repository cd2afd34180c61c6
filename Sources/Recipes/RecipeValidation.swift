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
        let d = recipe.decode
        try require(d.beam >= 1, "decode.beam", "must be at least 1")
        try require(d.maxLengthRatio > 0, "decode.max_length_ratio", "must be above 0")
        try require(d.batchSize >= 1, "decode.batch_size", "must be at least 1")
        try require(!d.replaceUnk || m.attention != .none, "decode.replace_unk",
                    "copies the most attended source word, so it needs attention, but model.attention is none; "
                    + "set replace_unk: false or choose an attention")
    }
}
