/// A hypothesis still being extended: its last node in the `SearchHistory`, its total log-probability,
/// and its length in output tokens (without `<s>`).
struct LiveHypothesis: Sendable, Equatable {
    var node: Int
    var logProbability: Float
    var length: Int
}

/// A hypothesis that ended with `</s>`: `node` is its `</s>` node; `score` is `FinalScore`.
struct FinishedHypothesis: Sendable, Equatable {
    var node: Int
    var logProbability: Float
    var score: Float
}

/// The search state of one source sentence inside a batched beam search.
struct SentenceBeam {
    let sentence: Int
    let sourceLength: Int
    let limits: LengthLimits
    /// [≤ K] live hypotheses, best log-probability first; they are the sentence's rows of the scorer state.
    var live = [LiveHypothesis(node: SearchHistory.root, logProbability: 0, length: 0)]
    /// [≤ nBest] finished hypotheses, best score first; on equal scores the one finished earlier first.
    var finished: [FinishedHypothesis] = []
    var isDone = false

    init(sentence: Int, sourceLength: Int, limits: LengthLimits) {
        self.sentence = sentence
        self.sourceLength = sourceLength
        self.limits = limits
    }

    /// Inserts a finished hypothesis by score and keeps the best `count`.
    mutating func addFinished(_ hypothesis: FinishedHypothesis, keeping count: Int) {
        let position = finished.firstIndex { $0.score < hypothesis.score } ?? finished.count
        guard position < count else { return }
        finished.insert(hypothesis, at: position)
        if finished.count > count { finished.removeLast() }
    }

    /// Stage 3, the early-stopping rule: whether searching further cannot change this sentence's n-best list.
    ///
    /// True when no live hypothesis is left, or when nBest hypotheses have finished and even the best
    /// live one cannot beat the worst of them. The bound: a live hypothesis of log-probability s and
    /// length L can only finish with some s' ≤ s (log-probabilities are ≤ 0) at a length L' from L + 1 to
    /// maxLength + 1 (`</s>` counted); its coverage penalty is ≤ 0. With s' ≤ 0 and lp(L') > 0,
    ///
    ///     s' / lp(L') + cp  ≤  s / lp(L')  ≤  s / max{lp(L'') : L + 1 ≤ L'' ≤ maxLength + 1}
    ///
    /// (dividing a negative number by a larger lp gives a larger result). So the future score is bounded
    /// by the best live s divided by the *largest* penalty reachable, not the current one: with `avg` or
    /// `wu`, a long future can lift a poor prefix, and stopping on the current length would be wrong.
    /// Float rounding is monotonic, so the bound also holds for the computed scores. Equality stops too:
    /// a later hypothesis with an equal score would rank after the finished ones anyway.
    func isDecided(nBest: Int, lengthPenalty: LengthPenalty) -> Bool {
        guard let best = live.first else { return true }
        guard finished.count >= nBest else { return false }
        let divisor = lengthPenalty.largestDivisor(lengths: (best.length + 1)...(limits.maximum + 1))
        let bound = Float(Double(best.logProbability) / divisor)
        return bound <= finished[nBest - 1].score
    }
}
