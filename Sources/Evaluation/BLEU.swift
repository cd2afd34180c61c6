import Foundation

/// BLEU (Papineni et al., 2002) exactly as sacreBLEU 2.x computes it.
///
/// A hypothesis and its references are lowercased (optionally), stripped of trailing whitespace and
/// tokenized; n-grams of orders 1...4 are counted, each hypothesis n-gram matching at most as often as
/// the reference that holds it most often. The corpus score is computed from the summed statistics:
/// `BP · exp(mean over orders of log precision)`, with `BP = exp(1 − ref_len / hyp_len)` when the
/// hypotheses are shorter than the references and 1 otherwise.
///
/// An empty reference line is a reference of length 0 that matches nothing, as in sacreBLEU: its
/// hypothesis still counts towards the totals and the hypothesis length.
public enum BLEU {
    /// Corpus BLEU. `references` are streams, as in sacreBLEU: `references[k][i]` is the k-th reference
    /// of `hypotheses[i]`; every stream has one line per hypothesis.
    public static func corpusScore(hypotheses: [String], references: [[String]],
                                   options: BLEUOptions = .corpus) -> BLEUScore {
        let segments = segmentStatistics(hypotheses: hypotheses, references: references, options: options)
        let total = segments.reduce(BLEUStatistics.zero, +)
        return score(total, options: options, referenceCount: references.count)
    }

    /// Sentence BLEU of one hypothesis against its references. sacreBLEU's command line uses effective
    /// order for this (`BLEUOptions.sentence`).
    public static func sentenceScore(hypothesis: String, references: [String],
                                     options: BLEUOptions = .sentence) -> BLEUScore {
        let statistics = segmentStatistics(hypotheses: [hypothesis], references: references.map { [$0] },
                                           options: options)[0]
        return score(statistics, options: options, referenceCount: references.count)
    }

    /// The statistics of each hypothesis against its references (`references[k][i]`, as above).
    public static func segmentStatistics(hypotheses: [String], references: [[String]],
                                         options: BLEUOptions = .corpus) -> [BLEUStatistics] {
        precondition(!references.isEmpty, "BLEU needs at least one reference stream")
        for (k, stream) in references.enumerated() {
            precondition(stream.count == hypotheses.count,
                         "reference stream \(k) has \(stream.count) lines for \(hypotheses.count) hypotheses")
        }
        var interner = TokenInterner()
        return hypotheses.indices.map { i in
            var referenceNGrams: NGramCounts?
            var referenceLengths: [Int] = []
            for stream in references {
                let ids = interner.ids(of: tokens(stream[i], options: options))
                let counts = NGramCounts(tokenIDs: ids, maxOrder: BLEUStatistics.order)
                referenceLengths.append(ids.count)
                if referenceNGrams == nil { referenceNGrams = counts } else { referenceNGrams?.formMaximum(with: counts) }
            }
            let ids = interner.ids(of: tokens(hypotheses[i], options: options))
            let counts = NGramCounts(tokenIDs: ids, maxOrder: BLEUStatistics.order)
            return BLEUStatistics(
                hypothesisLength: ids.count,
                referenceLength: closestReferenceLength(to: ids.count, among: referenceLengths),
                matches: counts.clippedMatches(against: referenceNGrams ?? NGramCounts(tokenIDs: [], maxOrder: BLEUStatistics.order)),
                totals: counts.totals)
        }
    }

    /// The score of (summed) statistics, as sacreBLEU's `compute_bleu`.
    public static func score(_ statistics: BLEUStatistics, options: BLEUOptions = .corpus,
                             referenceCount: Int = 1) -> BLEUScore {
        let hypLength = statistics.hypothesisLength
        let refLength = statistics.referenceLength
        var brevityPenalty = 1.0
        if hypLength < refLength {
            brevityPenalty = hypLength > 0 ? exp(1 - Double(refLength) / Double(hypLength)) : 0
        }
        let signature = BLEUSignature(options: options, referenceCount: referenceCount)
        var precisions = Array(repeating: 0.0, count: BLEUStatistics.order)
        // No match at any order: 0, whatever the smoothing (sacreBLEU's early exit).
        guard statistics.matches.contains(where: { $0 != 0 }) else {
            return BLEUScore(score: 0, precisions: precisions, brevityPenalty: brevityPenalty,
                             statistics: statistics, signature: signature)
        }
        var exponentialSmoothing = 1.0
        var usedOrders = BLEUStatistics.order
        for n in 0..<BLEUStatistics.order {
            var matches = Double(statistics.matches[n])
            var total = Double(statistics.totals[n])
            if case .addK(let k) = options.smoothing, n > 0 {
                matches += k
                total += k
            }
            if total == 0 { break }
            if options.effectiveOrder { usedOrders = n + 1 }
            if matches == 0 {
                switch options.smoothing {
                case .exponential:
                    exponentialSmoothing *= 2
                    precisions[n] = 100 / (exponentialSmoothing * total)
                case .floor(let value):
                    precisions[n] = 100 * value / total
                case .addK, .none:
                    break
                }
            } else {
                precisions[n] = 100 * matches / total
            }
        }
        // sacreBLEU floors log(0) at -9999999999, which makes the score 0 without a NaN.
        var logSum = 0.0
        for p in precisions[..<usedOrders] { logSum += p == 0 ? -9_999_999_999 : log(p) }
        let value = brevityPenalty * exp(logSum / Double(usedOrders))
        return BLEUScore(score: value, precisions: precisions, brevityPenalty: brevityPenalty,
                         statistics: statistics, signature: signature)
    }

    /// The tokens BLEU counts in a line: lowercased if asked, trailing whitespace removed, tokenized.
    static func tokens(_ line: String, options: BLEUOptions) -> [ArraySlice<Unicode.Scalar>] {
        var scalars = Array(line.unicodeScalars)
        if options.lowercase { scalars = PythonText.lowercased(scalars) }
        return options.tokenizer.tokenize(PythonText.trimTrailingWhitespace(scalars))
    }

    /// The reference length closest to the hypothesis length; the shorter one on a tie.
    static func closestReferenceLength(to hypothesisLength: Int, among lengths: [Int]) -> Int {
        var best = lengths[0]
        for length in lengths.dropFirst() {
            let distance = abs(hypothesisLength - length), bestDistance = abs(hypothesisLength - best)
            if distance < bestDistance || (distance == bestDistance && length < best) { best = length }
        }
        return best
    }
}
