import Decoding

/// A model that `nmt serve` answers for: its name in requests, its OpenNMT-py id, and the translator
/// (model, pipelines, vocabularies) whose search options are the defaults of the model's recipe.
/// The worker that serves it becomes the translator's only user.
public struct ServedModel {
    /// The name requests use (`"model"` in `/v1/translate`, `"id"` in `/translator/translate`).
    public var name: String
    /// The numeric id of OpenNMT-py's `conf.json` (`"id"` in `/translator/translate`).
    public var id: Int
    /// Where the model was read from, for `/translator/models`.
    public var directory: String
    /// The translator with the recipe's decode settings.
    public var translator: Translator
    /// Sentences per search batch (the recipe's `decode.batch_size`).
    public var batchSize: Int

    public init(name: String, id: Int, directory: String, translator: Translator, batchSize: Int) {
        self.name = name
        self.id = id
        self.directory = directory
        self.translator = translator
        self.batchSize = batchSize
    }

    /// Whether the model has attention weights to report (`model.attention` other than `none`).
    var hasAttention: Bool { translator.model.configuration.attention != .none }
}
