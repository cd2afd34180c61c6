import Tokenization

/// A vocabulary shortlist, as Marian's lexical shortlist and CTranslate2's vocabulary map: the target
/// tokens worth scoring for a batch are the N most frequent target tokens, plus, for each source token
/// of the batch, the K target tokens that co-occur with it most (by the Dice coefficient over the
/// training pairs), plus `<unk>` and `</s>`. The output layer then multiplies only those rows.
///
/// File (`shortlist.tsv` in a model directory, written by `nmt shortlist`): a header line
/// `#swiftnmt-shortlist-1<TAB>frequent=N<TAB>per_source=K`, a line `<frequent><TAB>t₁ t₂ …`, then one line
/// per source token `SOURCE<TAB>t₁ t₂ …`, best first. Tokens are vocabulary tokens (never containing a
/// tab, a space or a newline).
public struct Shortlist: Sendable, Equatable {
    public static let formatLine = "#swiftnmt-shortlist-1"
    public static let frequentKey = "<frequent>"

    /// Target ids always scored.
    public let frequent: [Int32]
    /// perSource[s]: the target ids scored when source id s is in the batch (best first).
    public let perSource: [[Int32]]
    public let targetVocabularySize: Int

    public init(frequent: [Int32], perSource: [[Int32]], targetVocabularySize: Int) {
        self.frequent = frequent
        self.perSource = perSource
        self.targetVocabularySize = targetVocabularySize
    }

    /// The whole target vocabulary: scoring with it equals scoring without a shortlist.
    public static func everything(sourceVocabularySize: Int, targetVocabularySize: Int) -> Shortlist {
        Shortlist(frequent: (0..<Int32(targetVocabularySize)).map { $0 }, perSource: Array(repeating: [], count: sourceVocabularySize),
                  targetVocabularySize: targetVocabularySize)
    }

    /// The target ids to score for a batch of sources, ascending (so search's ties still go to the lowest
    /// id); always holds `<unk>`, `</s>` and the `forced` ids (the batch's target prefixes).
    public func candidates(for sources: [[Int32]], forced: [Int32] = []) -> [Int32] {
        var chosen = [Bool](repeating: false, count: targetVocabularySize)
        chosen[Int(SpecialToken.unknown)] = true
        chosen[Int(SpecialToken.end)] = true
        for t in frequent + forced { chosen[Int(t)] = true }
        for source in sources {
            for s in source where Int(s) < perSource.count { for t in perSource[Int(s)] { chosen[Int(t)] = true } }
        }
        chosen[Int(SpecialToken.padding)] = false
        chosen[Int(SpecialToken.beginning)] = false
        return chosen.indices.filter { chosen[$0] }.map(Int32.init)
    }

    /// Learns a shortlist from parallel id sequences (the training data, encoded with the model's pipelines).
    /// - Parameters: frequent: N most frequent target tokens; perSource: K best target tokens per source token
    public static func learn(sources: [[Int32]], targets: [[Int32]], sourceVocabularySize: Int, targetVocabularySize: Int,
                             frequent N: Int, perSource K: Int) -> Shortlist {
        precondition(sources.count == targets.count, "learn: \(sources.count) sources, \(targets.count) targets")
        var targetCount = [Int](repeating: 0, count: targetVocabularySize)   // sentences holding t
        var sourceCount = [Int](repeating: 0, count: sourceVocabularySize)   // sentences holding s
        var tokenCount = [Int](repeating: 0, count: targetVocabularySize)    // occurrences of t
        var pairs: [Int: Int] = [:]                                          // s·V + t → sentences holding both
        for (source, target) in zip(sources, targets) {
            for t in target { tokenCount[Int(t)] += 1 }
            let ss = Set(source), ts = Set(target)
            for t in ts { targetCount[Int(t)] += 1 }
            for s in ss {
                sourceCount[Int(s)] += 1
                for t in ts { pairs[Int(s) * targetVocabularySize + Int(t), default: 0] += 1 }
            }
        }
        let specials = Set([SpecialToken.padding, SpecialToken.unknown, SpecialToken.beginning, SpecialToken.end].map(Int.init))
        let frequent = (0..<targetVocabularySize).filter { !specials.contains($0) && tokenCount[$0] > 0 }
            .sorted { (tokenCount[$0], -$0) > (tokenCount[$1], -$1) }.prefix(N).map(Int32.init)
        var bySource = [[(t: Int, dice: Double)]](repeating: [], count: sourceVocabularySize)
        for (key, both) in pairs where both >= 2 {
            let s = key / targetVocabularySize, t = key % targetVocabularySize
            guard !specials.contains(t) else { continue }
            bySource[s].append((t, 2 * Double(both) / Double(sourceCount[s] + targetCount[t])))
        }
        let perSource = bySource.map { entries in
            entries.sorted { ($0.dice, -$0.t) > ($1.dice, -$1.t) }.prefix(K).map { Int32($0.t) }
        }
        return Shortlist(frequent: frequent, perSource: perSource, targetVocabularySize: targetVocabularySize)
    }

    /// The file text (see the type's comment), tokens spelled by the model's vocabularies.
    public func fileText(frequentCount: Int, perSourceCount: Int, source: Vocabulary, target: Vocabulary) -> String {
        let sourceTokens = source.tokens, targetTokens = target.tokens
        var lines = ["\(Self.formatLine)\tfrequent=\(frequentCount)\tper_source=\(perSourceCount)",
                     Self.frequentKey + "\t" + frequent.map { targetTokens[Int($0)] }.joined(separator: " ")]
        for (s, targets) in perSource.enumerated() where !targets.isEmpty {
            lines.append(sourceTokens[s] + "\t" + targets.map { targetTokens[Int($0)] }.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses a shortlist file against the model's vocabularies; an unknown token or a malformed line is
    /// an error naming the file and line.
    public static func parse(_ text: String, path: String, source: Vocabulary, target: Vocabulary) throws -> Shortlist {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        func fail(_ line: Int, _ why: String) -> ShortlistError { ShortlistError(path: path, line: line, reason: why) }
        guard let header = lines.first, header.split(separator: "\t").first == Substring(formatLine) else {
            throw fail(1, "the first line must start with \(formatLine); write the file with `nmt shortlist --model DIR`")
        }
        var frequent: [Int32] = []
        var perSource = [[Int32]](repeating: [], count: source.count)
        for (index, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else { throw fail(index + 1, "expected `TOKEN<TAB>TARGET TARGET …`, found \(fields.count) tab-separated fields") }
            var ids: [Int32] = []
            for token in fields[1].split(separator: " ") {
                guard target.contains(String(token)) else {
                    throw fail(index + 1, "the target token `\(token)` is not in the model's target vocabulary; the shortlist belongs to another model")
                }
                ids.append(Int32(target.id(for: String(token))))
            }
            if fields[0] == Substring(frequentKey) {
                frequent = ids
            } else if source.contains(String(fields[0])) {
                perSource[source.id(for: String(fields[0]))] = ids
            } else {
                throw fail(index + 1, "the source token `\(fields[0])` is not in the model's source vocabulary; the shortlist belongs to another model")
            }
        }
        return Shortlist(frequent: frequent, perSource: perSource, targetVocabularySize: target.count)
    }
}

/// A shortlist file that cannot be used, with its place.
public struct ShortlistError: Error, CustomStringConvertible, Equatable {
    public let path: String, line: Int, reason: String
    public var description: String { "\(path):\(line): \(reason)" }
}
