/// One way to extend a live hypothesis: its state row, the next token, and the total log-probability after it.
struct Candidate: Sendable, Equatable {
    /// Index of the parent hypothesis among the sentence's live hypotheses (its state row, minus the sentence's first row).
    var parent: Int
    var token: Int32
    var logProbability: Float
}

/// Keeps the K best of a stream of candidates, best first.
///
/// Ties keep the candidate offered first, so visiting parents then tokens in increasing order makes
/// selection deterministic and, for K = 1, identical to greedy's "first maximum". NaN counts as -∞.
/// Cost: one comparison per candidate that does not beat the K-th best, O(K) per one that does, which is
/// cheap because after the first rows few of the K·V candidates beat the threshold.
struct TopKSelection {
    let capacity: Int                        // K
    private(set) var best: [Candidate] = []  // [≤ K], by logProbability descending, earlier offers first on ties
    private var isFull = false               // best.count == K
    private var threshold = -Float.infinity  // the K-th best log-probability once full

    init(capacity: Int) {
        precondition(capacity >= 1, "top-K needs K ≥ 1, got \(capacity)")
        self.capacity = capacity
        best.reserveCapacity(capacity)
    }

    /// Whether a candidate of this log-probability would enter the selection.
    @inline(__always)
    func admits(_ logProbability: Float) -> Bool {
        !isFull || logProbability > threshold
    }

    /// Offers a candidate; it enters when fewer than K are held or it beats the K-th strictly.
    mutating func offer(_ candidate: Candidate) {
        var candidate = candidate
        if candidate.logProbability.isNaN { candidate.logProbability = -.infinity }
        guard admits(candidate.logProbability) else { return }
        // Insert after every held candidate that is at least as good (binary search on the descending order).
        var low = 0
        var high = best.count
        while low < high {
            let middle = (low + high) / 2
            if best[middle].logProbability >= candidate.logProbability { low = middle + 1 } else { high = middle }
        }
        best.insert(candidate, at: low)
        if best.count > capacity { best.removeLast() }
        isFull = best.count == capacity
        if isFull { threshold = best[capacity - 1].logProbability }
    }

    /// Offers `base + row[token]` for every token in `tokens`, in increasing order, as children of `parent`.
    ///
    /// Once K candidates are held, 16 tokens are compared at a time against the K-th best: the SIMD add
    /// rounds exactly like the scalar one, so the candidates that pass are the ones `admits` would take,
    /// and only those go through `offer`. NaN never passes once full, as in `offer`.
    /// - Parameter row: [V] log-probabilities of the parent's next token.
    mutating func offer(row: UnsafeBufferPointer<Float>, tokens: Range<Int>, parent: Int, base: Float) {
        typealias Lanes = SIMD16<Float>
        var token = tokens.lowerBound
        while token < tokens.upperBound && !isFull {
            offer(Candidate(parent: parent, token: Int32(token), logProbability: base + row[token]))
            token += 1
        }
        guard let start = row.baseAddress, tokens.upperBound <= row.count else { return }
        let bases = Lanes(repeating: base)
        while token + Lanes.scalarCount <= tokens.upperBound {
            let totals = bases + UnsafeRawPointer(start + token).loadUnaligned(as: Lanes.self)
            let passing = totals .> Lanes(repeating: threshold)
            if any(passing) {
                // The threshold rises as candidates enter, so each lane is checked again.
                for lane in 0..<Lanes.scalarCount where passing[lane] && admits(totals[lane]) {
                    offer(Candidate(parent: parent, token: Int32(token + lane), logProbability: totals[lane]))
                }
            }
            token += Lanes.scalarCount
        }
        while token < tokens.upperBound {
            let total = base + row[token]
            if admits(total) { offer(Candidate(parent: parent, token: Int32(token), logProbability: total)) }
            token += 1
        }
    }
}
