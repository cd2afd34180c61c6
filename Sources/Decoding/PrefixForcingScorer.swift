/// Makes every output start with a given target prefix (`nmt translate --prefix FILE`), then lets the
/// wrapped scorer go on: search stays ignorant of it.
///
/// While row r of sentence b has produced fewer than P_b tokens, every entry of its log-probability row
/// but the forced token `prefixes[b][position]` becomes −∞, and the forced token keeps the wrapped
/// scorer's log-probability, so the hypothesis's score is the model's score of the whole output, prefix
/// included. The position of each row is kept in the state and follows `reorder`.
///
/// How search treats the −∞ entries: greedy search takes the forced token (the only finite one). Beam
/// search ranks the forced extension first; while its beam is not full, top-K also admits −∞ extensions,
/// which stay −∞ forever (−∞ plus anything is −∞) and fall out of the beam as soon as K finite extensions
/// exist, right after the prefix. `Translator` drops such impossible hypotheses from n-best lists.
/// `</s>` is forced away too, so a prefix is never cut short: search must be told each sentence's prefix
/// length (`prefixLengths` of `BeamSearch.search` and `GreedySearch.search`) so that the maximum length
/// counts only the tokens after the prefix. A forced `<unk>` needs `SearchOptions.allowUnknown` (search
/// never visits `<unk>` otherwise); set it, and let `allowUnknownAfterPrefix` forbid `<unk>` after the
/// prefix when the user's options did.
public struct PrefixForcingScorer<Base: Scorer>: Scorer {
    public let base: Base
    /// [B][P_b]: the forced first tokens of each sentence of the batch; an empty prefix forces nothing.
    public let prefixes: [[Int32]]
    /// Whether `<unk>` may follow the prefix.
    public let allowUnknownAfterPrefix: Bool

    public struct State {
        var base: Base.State
        var positions: [Int]  // [R] output tokens each row has produced so far
    }

    public init(base: Base, prefixes: [[Int32]], allowUnknownAfterPrefix: Bool = true) {
        self.base = base
        self.prefixes = prefixes
        self.allowUnknownAfterPrefix = allowUnknownAfterPrefix
    }

    public var vocabularySize: Int { base.vocabularySize }

    public func start(sources: [[Int32]]) throws -> State {
        guard prefixes.count == sources.count else {
            throw DecodingError.invalidOption(name: "prefixes", value: "\(prefixes.count) prefixes",
                                              expected: "one per source sentence (\(sources.count))")
        }
        let size = vocabularySize
        if let bad = prefixes.joined().first(where: { !(0..<Int32(size)).contains($0) }) {
            throw DecodingError.invalidOption(name: "prefix token", value: "\(bad)", expected: "an id below V = \(size)")
        }
        return State(base: try base.start(sources: sources), positions: [Int](repeating: 0, count: sources.count))
    }

    public func step(_ state: State, previous: [Int32], sentences: [Int]) throws -> (output: ScorerOutput, next: State) {
        var (output, next) = try base.step(state.base, previous: previous, sentences: sentences)
        let size = vocabularySize
        guard output.logProbabilities.count == previous.count * size, state.positions.count == previous.count else {
            return (output, State(base: next, positions: state.positions.map { $0 + 1 }))  // search reports the contract breach
        }
        for (r, sentence) in sentences.enumerated() {
            let position = state.positions[r]
            let prefix = prefixes[sentence]
            if position < prefix.count {
                let forced = r * size + Int(prefix[position])
                let kept = output.logProbabilities[forced]
                for i in (r * size)..<((r + 1) * size) { output.logProbabilities[i] = -.infinity }
                output.logProbabilities[forced] = kept
            } else if !allowUnknownAfterPrefix {
                output.logProbabilities[r * size + Int(SpecialToken.unknown)] = -.infinity
            }
        }
        return (output, State(base: next, positions: state.positions.map { $0 + 1 }))
    }

    public func reorder(_ state: State, rows: [Int]) -> State {
        State(base: base.reorder(state.base, rows: rows), positions: rows.map { state.positions[$0] })
    }
}
