/// Several scorers seen as one (`nmt translate --model A --model B [--weights …]`): search stays ignorant of it.
///
/// **Log-probabilities.** Each entry is the weighted mean of the members' entries,
///
///     log p(y) = Σ_m w_m · log p_m(y),   w_m > 0,  Σ_m w_m = 1,
///
/// which is what OpenNMT-py's ensemble decoder does (the mean of the members' log-softmaxes) and Marian's
/// (a weighted sum of log-probabilities; with weights summing to 1 it is this mean). The rows are *not*
/// renormalised: their exponentials sum to at most 1 (the weighted geometric mean of distributions is at
/// most their arithmetic mean, which sums to 1), so every entry stays ≤ 0 as `ScorerOutput` requires and the
/// ensemble's hypothesis scores are on the same scale as one model's (an ensemble of a model with itself
/// gives that model's scores exactly for two members, whose weights ½ scale without rounding).
///
/// **Attention.** The weighted mean of the members' attention rows when every member has attention of one
/// width; otherwise the first member's (which may be nil).
///
/// The members must share the target vocabulary and read the same source ids; `Translator` and the CLI check
/// that before building an ensemble.
public struct EnsembleScorer<Member: Scorer>: Scorer {
    public let members: [Member]
    /// [M] positive weights summing to 1.
    public let weights: [Float]

    /// The members' states, [M], each with the same R rows.
    public struct State {
        var members: [Member.State]
    }

    /// Throws `DecodingError.invalidOption` unless there is at least one member, one finite positive weight per
    /// member, and every member has the same vocabulary size. Weights are divided by their sum.
    public init(members: [Member], weights: [Float]? = nil) throws {
        guard let first = members.first else {
            throw DecodingError.invalidOption(name: "ensemble", value: "no members", expected: "at least one scorer")
        }
        let raw = weights ?? [Float](repeating: 1, count: members.count)
        guard raw.count == members.count else {
            throw DecodingError.invalidOption(name: "ensemble weights", value: "\(raw.count) weights",
                                              expected: "one weight per member (\(members.count))")
        }
        if let bad = raw.first(where: { !($0.isFinite && $0 > 0) }) {
            throw DecodingError.invalidOption(name: "ensemble weight", value: "\(bad)", expected: "a finite number > 0")
        }
        if let other = members.first(where: { $0.vocabularySize != first.vocabularySize }) {
            throw DecodingError.scorerContract(what: "ensemble members have vocabularies of \(first.vocabularySize) "
                + "and \(other.vocabularySize) ids; they must share one target vocabulary")
        }
        let total = raw.reduce(0, +)
        self.members = members
        self.weights = raw.map { $0 / total }
    }

    public var vocabularySize: Int { members[0].vocabularySize }

    public func start(sources: [[Int32]]) throws -> State {
        State(members: try members.map { try $0.start(sources: sources) })
    }

    public func step(_ state: State, previous: [Int32], sentences: [Int]) throws -> (output: ScorerOutput, next: State) {
        var outputs: [ScorerOutput] = []
        var next: [Member.State] = []
        for (member, memberState) in zip(members, state.members) {
            let (output, after) = try member.step(memberState, previous: previous, sentences: sentences)
            outputs.append(output)
            next.append(after)
        }
        let count = outputs[0].logProbabilities.count
        guard outputs.allSatisfy({ $0.logProbabilities.count == count }) else {
            throw DecodingError.scorerContract(what: "ensemble members returned \(outputs.map(\.logProbabilities.count)) "
                + "log-probabilities for the same \(previous.count) rows")
        }
        return (ScorerOutput(logProbabilities: Self.weightedMean(outputs.map(\.logProbabilities), weights: weights),
                             attention: attention(outputs), attentionWidth: outputs[0].attentionWidth),
                State(members: next))
    }

    public func reorder(_ state: State, rows: [Int]) -> State {
        State(members: zip(members, state.members).map { $0.reorder($1, rows: rows) })
    }

    /// Σ_m w_m · rows[m], entry by entry; every array has the same count.
    static func weightedMean(_ rows: [[Float]], weights: [Float]) -> [Float] {
        var total = [Float](repeating: 0, count: rows[0].count)
        for (row, weight) in zip(rows, weights) {
            for i in total.indices { total[i] += weight * row[i] }
        }
        return total
    }

    /// The weighted mean of the members' attention when all have it at the first member's width, else the first's.
    private func attention(_ outputs: [ScorerOutput]) -> [Float]? {
        let rows = outputs.compactMap(\.attention)
        let shared = rows.count == outputs.count && outputs.allSatisfy { $0.attentionWidth == outputs[0].attentionWidth }
            && rows.allSatisfy { $0.count == rows[0].count }
        guard outputs.count > 1, shared else { return outputs[0].attention }
        return Self.weightedMean(rows, weights: weights)
    }
}
