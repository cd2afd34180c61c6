/// chrF (Popović, 2015) and chrF++ (Popović, 2017) exactly as sacreBLEU 2.x computes them.
///
/// Character n-grams of orders 1...6 are counted with whitespace removed (code points, not grapheme
/// clusters); chrF++ adds word unigrams and bigrams, after splitting one ASCII punctuation mark off the
/// end (or else the start) of each word. With several references, each sentence uses the reference that
/// gives it the best chrF. The corpus score is the F-beta of precision and recall averaged over the
/// orders that occur in the summed statistics.
///
/// An empty reference line has no n-grams, so its sentence adds nothing at all to chrF's statistics
/// (sacreBLEU also zeroes the hypothesis counts of an order the reference lacks).
public enum CHRF {
    /// Corpus chrF. `references[k][i]` is the k-th reference of `hypotheses[i]`.
    public static func corpusScore(hypotheses: [String], references: [[String]],
                                   options: CHRFOptions = .chrF) -> CHRFScore {
        let segments = segmentStatistics(hypotheses: hypotheses, references: references, options: options)
        let total = segments.reduce(CHRFStatistics.zero(orders: options.charOrder + options.wordOrder), +)
        return score(total, options: options, referenceCount: references.count)
    }

    /// chrF of one sentence against its references.
    public static func sentenceScore(hypothesis: String, references: [String],
                                     options: CHRFOptions = .chrF) -> CHRFScore {
        let statistics = segmentStatistics(hypotheses: [hypothesis], references: references.map { [$0] },
                                           options: options)[0]
        return score(statistics, options: options, referenceCount: references.count)
    }

    /// The statistics of each hypothesis against its best reference.
    public static func segmentStatistics(hypotheses: [String], references: [[String]],
                                         options: CHRFOptions = .chrF) -> [CHRFStatistics] {
        precondition(!references.isEmpty, "chrF needs at least one reference stream")
        for (k, stream) in references.enumerated() {
            precondition(stream.count == hypotheses.count,
                         "reference stream \(k) has \(stream.count) lines for \(hypotheses.count) hypotheses")
        }
        var interner = TokenInterner()
        return hypotheses.indices.map { i in
            let hypothesis = nGrams(hypotheses[i], options: options, interner: &interner)
            var best = CHRFStatistics.zero(orders: hypothesis.count)
            var bestF = -1.0
            for stream in references {
                let reference = nGrams(stream[i], options: options, interner: &interner)
                let statistics = matchStatistics(hypothesis, reference)
                let f = fScore(statistics, options: options)
                if f > bestF {
                    bestF = f
                    best = statistics
                }
            }
            return best
        }
    }

    /// The score of (summed) statistics, as sacreBLEU's `_compute_f_score`.
    public static func score(_ statistics: CHRFStatistics, options: CHRFOptions = .chrF,
                             referenceCount: Int = 1) -> CHRFScore {
        CHRFScore(score: fScore(statistics, options: options), statistics: statistics,
                  signature: CHRFSignature(referenceCount: referenceCount, options: options))
    }

    static func fScore(_ statistics: CHRFStatistics, options: CHRFOptions) -> Double {
        let epsilon = 1e-16
        let factor = Double(options.beta * options.beta)
        var epsilonSmoothed = 0.0
        var averagePrecision = 0.0, averageRecall = 0.0
        var effectiveOrder = 0
        for i in statistics.matches.indices {
            let hyp = statistics.hypothesisCounts[i], ref = statistics.referenceCounts[i]
            let match = Double(statistics.matches[i])
            let precision = hyp > 0 ? match / Double(hyp) : epsilon
            let recall = ref > 0 ? match / Double(ref) : epsilon
            let denominator = factor * precision + recall
            epsilonSmoothed += denominator > 0 ? (1 + factor) * precision * recall / denominator : epsilon
            if hyp > 0 && ref > 0 {
                averagePrecision += precision
                averageRecall += recall
                effectiveOrder += 1
            }
        }
        if options.epsilonSmoothing { return 100 * epsilonSmoothed / Double(statistics.matches.count) }
        if effectiveOrder == 0 {
            averagePrecision = 0
            averageRecall = 0
        } else {
            averagePrecision /= Double(effectiveOrder)
            averageRecall /= Double(effectiveOrder)
        }
        guard averagePrecision + averageRecall != 0 else { return 0 }
        var f = (1 + factor) * averagePrecision * averageRecall
        f /= factor * averagePrecision + averageRecall
        return 100 * f
    }

    /// Per order `[hyp, ref, match]`; an order the reference lacks counts no hypothesis n-gram either.
    static func matchStatistics(_ hypothesis: [NGramCounts], _ reference: [NGramCounts]) -> CHRFStatistics {
        var statistics = CHRFStatistics.zero(orders: 0)
        for (h, r) in zip(hypothesis, reference) {
            let matches = h.clippedMatches(against: r)
            for n in matches.indices {
                statistics.hypothesisCounts.append(r.totals[n] > 0 ? h.totals[n] : 0)
                statistics.referenceCounts.append(r.totals[n])
                statistics.matches.append(matches[n])
            }
        }
        return statistics
    }

    /// Character n-gram counts, then word n-gram counts when `wordOrder > 0`: one `NGramCounts` for the
    /// characters and one for the words, each holding one table per order.
    static func nGrams(_ line: String, options: CHRFOptions, interner: inout TokenInterner) -> [NGramCounts] {
        var scalars = Array(line.unicodeScalars)
        if options.lowercase { scalars = PythonText.lowercased(scalars) }
        let characters = options.whitespace ? scalars : scalars.filter { !PythonText.isWhitespace($0) }
        var result = [NGramCounts(scalars: characters.map(\.value), maxOrder: options.charOrder)]
        if options.wordOrder > 0 {
            let ids = interner.ids(of: wordsWithPunctuationSplit(scalars))
            result.append(NGramCounts(tokenIDs: ids, maxOrder: options.wordOrder))
        }
        return result
    }

    /// chrF++'s words: whitespace-separated, and a word longer than one character loses one ASCII
    /// punctuation mark at its end into a separate word, or else one at its start.
    static func wordsWithPunctuationSplit(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        for word in PythonText.split(scalars) {
            if word.count == 1 {
                words.append(word)
            } else if let last = word.last, isASCIIPunctuation(last) {
                words.append(word.dropLast())
                words.append(word.suffix(1))
            } else if let first = word.first, isASCIIPunctuation(first) {
                words.append(word.prefix(1))
                words.append(word.dropFirst())
            } else {
                words.append(word)
            }
        }
        return words
    }

    /// Python's `string.punctuation`: ``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``.
    static func isASCIIPunctuation(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }
}
