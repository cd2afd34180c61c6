import Foundation

/// One line of `metrics.jsonl`: what the trainer logs at a progress window, a validation or a skipped
/// update, and what `nmt plot` and `nmt-bench` read back. The one place its keys are spelled.
public struct MetricsEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case train, valid, skipped }

    public var event: Kind
    public var step: Int
    public var epoch: Int?
    /// Train: mean label-smoothed loss per target token over the window; skipped: the update's loss.
    public var loss: Double?
    /// Train: exp(mean NLL) over the window; valid: validation perplexity.
    public var ppl: Double?
    public var lr: Double?
    /// Train: mean gradient norm before clipping over the window; skipped: the update's norm.
    public var gradNorm: Double?
    /// Train: mean gradient norm reaching source step 0 through the forward encoder.
    public var firstStepGradNorm: Double?
    public var tokensPerSecond: Double?
    /// Seconds of training so far (validations included), across resumes.
    public var elapsed: Double?
    /// Train: the window's target tokens, source tokens, sentences and seconds of training (validation excluded).
    public var targetTokens: Int?
    public var sourceTokens: Int?
    public var sentences: Int?
    public var seconds: Double?
    /// Valid: token accuracy, BLEU (when computed) and whether this validation is the best so far.
    public var accuracy: Double?
    public var bleu: Double?
    public var best: Bool?
    /// Skipped: updates skipped in all.
    public var skippedUpdates: Int?

    public init(event: Kind, step: Int, epoch: Int? = nil) {
        self.event = event
        self.step = step
        self.epoch = epoch
    }

    /// The keys of metrics.jsonl.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case event, step, epoch, loss, ppl, lr, gradNorm = "grad_norm", firstStepGradNorm = "first_step_grad_norm"
        case tokensPerSecond = "tokens_per_second", elapsed, targetTokens = "target_tokens", sourceTokens = "source_tokens"
        case sentences, seconds, accuracy, bleu, best, skippedUpdates = "skipped_updates"
    }

    /// Keys in declaration order; a NaN or infinite number is written as null (JSON has no such numbers).
    public func encode(to encoder: any Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        func number(_ value: Double?, _ key: CodingKeys) throws {
            guard let value else { return }
            if value.isFinite { try c.encode(value, forKey: key) } else { try c.encodeNil(forKey: key) }
        }
        try c.encode(event, forKey: .event)
        try c.encode(step, forKey: .step)
        try c.encodeIfPresent(epoch, forKey: .epoch)
        try number(loss, .loss); try number(ppl, .ppl); try number(lr, .lr); try number(gradNorm, .gradNorm)
        try number(firstStepGradNorm, .firstStepGradNorm); try number(tokensPerSecond, .tokensPerSecond)
        try number(elapsed, .elapsed)
        try c.encodeIfPresent(targetTokens, forKey: .targetTokens)
        try c.encodeIfPresent(sourceTokens, forKey: .sourceTokens)
        try c.encodeIfPresent(sentences, forKey: .sentences)
        try number(seconds, .seconds); try number(accuracy, .accuracy); try number(bleu, .bleu)
        try c.encodeIfPresent(best, forKey: .best)
        try c.encodeIfPresent(skippedUpdates, forKey: .skippedUpdates)
    }

    /// The event as one line of JSON (no newline).
    public var jsonLine: String {
        // Encoding a struct of numbers, strings and flags, with non-finite numbers as null, cannot fail.
        (try? String(decoding: JSONEncoder().encode(self), as: UTF8.self)) ?? #"{"event":"\#(event.rawValue)","step":\#(step)}"#
    }

    /// The event in one line of `metrics.jsonl`, or nil when the line is not one (damaged, or another tool's).
    public init?(jsonLine line: Substring) {
        guard let event = try? JSONDecoder().decode(MetricsEvent.self, from: Foundation.Data(line.utf8)) else { return nil }
        self = event
    }

    /// The events of a whole `metrics.jsonl`, skipping lines that are not events.
    public static func events(inJSONL text: String) -> [MetricsEvent] {
        text.split(separator: "\n").compactMap { MetricsEvent(jsonLine: $0) }
    }
}

extension MetricsEvent {
    /// A number that `nmt plot` draws: its key, the events that carry it, and where it is in an event.
    public struct Curve {
        public let key: CodingKeys
        public let kind: Kind
        public let value: KeyPath<MetricsEvent, Double?>
    }

    public static var curves: [Curve] {
        [Curve(key: .loss, kind: .train, value: \.loss), Curve(key: .gradNorm, kind: .train, value: \.gradNorm),
         Curve(key: .firstStepGradNorm, kind: .train, value: \.firstStepGradNorm),
         Curve(key: .bleu, kind: .valid, value: \.bleu), Curve(key: .ppl, kind: .valid, value: \.ppl)]
    }
}
