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

    /// One value of a line.
    enum Value {
        case text(String), whole(Int), number(Double), flag(Bool)
    }

    /// The fields that are present, in the order of `CodingKeys`: the one list both encodings follow.
    var fields: [(key: CodingKeys, value: Value)] {
        var out: [(key: CodingKeys, value: Value)] = [(.event, .text(event.rawValue)), (.step, .whole(step))]
        func whole(_ key: CodingKeys, _ value: Int?) { if let value { out.append((key, .whole(value))) } }
        func number(_ key: CodingKeys, _ value: Double?) { if let value { out.append((key, .number(value))) } }
        whole(.epoch, epoch); number(.loss, loss); number(.ppl, ppl); number(.lr, lr); number(.gradNorm, gradNorm)
        number(.firstStepGradNorm, firstStepGradNorm); number(.tokensPerSecond, tokensPerSecond); number(.elapsed, elapsed)
        whole(.targetTokens, targetTokens); whole(.sourceTokens, sourceTokens); whole(.sentences, sentences)
        number(.seconds, seconds); number(.accuracy, accuracy); number(.bleu, bleu)
        if let best { out.append((.best, .flag(best))) }
        whole(.skippedUpdates, skippedUpdates)
        return out
    }

    /// A NaN or infinite number is written as null (JSON has no such numbers).
    public func encode(to encoder: any Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for (key, value) in fields {
            switch value {
            case let .text(text): try c.encode(text, forKey: key)
            case let .whole(n): try c.encode(n, forKey: key)
            case let .number(x): if x.isFinite { try c.encode(x, forKey: key) } else { try c.encodeNil(forKey: key) }
            case let .flag(b): try c.encode(b, forKey: key)
            }
        }
    }

    /// The event as one line of JSON (no newline), keys always in the order of `CodingKeys` (JSONEncoder's
    /// order is not fixed), so that lines of one kind read alike.
    public var jsonLine: String {
        let body = fields.map { key, value -> String in
            let rendered: String
            switch value {
            case let .text(text): rendered = "\"" + text + "\""  // an event kind: no character to escape
            case let .whole(n): rendered = String(n)
            case let .number(x): rendered = x.isFinite ? String(x) : "null"
            case let .flag(b): rendered = b ? "true" : "false"
            }
            return "\"\(key.rawValue)\":\(rendered)"
        }
        return "{" + body.joined(separator: ",") + "}"
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
