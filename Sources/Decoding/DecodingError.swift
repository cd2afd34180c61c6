/// Everything that can go wrong while searching, with what to do about it.
public enum DecodingError: Error, CustomStringConvertible, Equatable {
    /// A search option outside its range, e.g. `--beam 0`. `expected` says what is allowed.
    case invalidOption(name: String, value: String, expected: String)
    /// `--length-penalty` named something other than the known kinds.
    case unknownLengthPenalty(name: String, choices: [String])
    /// The scorer broke its side of the `Scorer` protocol (wrong row count, wrong width, …).
    case scorerContract(what: String)
    /// Attention was asked for (attention export, `--replace-unk`, coverage penalty) but the scorer returns none.
    case attentionUnavailable(neededFor: String)

    public var description: String {
        switch self {
        case let .invalidOption(name, value, expected):
            return "invalid value `\(value)` for \(name): expected \(expected)"
        case let .unknownLengthPenalty(name, choices):
            return "unknown length penalty `\(name)`; choose one of \(choices.joined(separator: ", "))"
        case let .scorerContract(what):
            return "the scorer broke the Scorer protocol (Sources/Decoding/Scorer.swift): \(what); "
                + "this is a bug in the model's Scorer implementation, please report it"
        case let .attentionUnavailable(neededFor):
            return "\(neededFor) needs attention weights, but this model's scorer returns none; "
                + "drop that option or use a model with attention"
        }
    }
}
