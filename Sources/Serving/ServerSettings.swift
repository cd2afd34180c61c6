/// The limits and knobs of `nmt serve` (its flags; defaults here, in one place).
public struct ServerSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 5000
    /// Largest request body in bytes (413 above).
    public var maxBodyBytes = 1 << 20
    /// Most sentences in one request (413 above).
    public var maxSentences = 512
    /// Most sentences waiting in one model's queue (503 with Retry-After when a request does not fit).
    public var queueLimit = 2048
    /// How long a request may take, queue included (504 after).
    public var timeout: Duration = .seconds(30)
    /// How long a round waits for more sentences before it starts, unless it is full already.
    public var batchWait: Duration = .milliseconds(10)
    /// The largest beam a request may ask for.
    public var maxBeam = 64

    public init() {}
}
