/// Learns BPE merges from token counts (Sennrich et al. 2016), over the cores of tokenizer tokens.
///
/// Each distinct core is a word of symbols (`BPESymbols.initial`). Each step merges the most frequent
/// adjacent pair, counted over the corpus. Ties go to the pair whose symbols were created first:
/// initial symbols are numbered in UTF-8 byte order, merged symbols in merge order, and the pair with
/// the smaller (left, right) numbers wins. Learning stops after `merges` steps or when the best pair
/// occurs fewer than `minFrequency` times.
///
/// Speed: pair counts are updated incrementally. An index maps each pair to the words holding it, and
/// a max-heap with lazy deletion finds the best pair, so a step costs only the words it changes.
public struct BPELearner: Sendable {
    /// Corpus frequency of each token core (joiners removed; whitespace tokens left out).
    public private(set) var wordCounts: [String: Int] = [:]

    public init() {}

    /// Counts the tokens of one tokenized line.
    public mutating func add<Tokens: Sequence>(tokens: Tokens) where Tokens.Element == String {
        for token in tokens {
            let core = TokenMarkers.parts(of: token).core
            if core.isEmpty || TokenMarkers.isWhitespaceToken(core) { continue }
            wordCounts[String(core), default: 0] += 1
        }
    }

    /// Adds `count` occurrences of a token core.
    public mutating func add(core: String, count: Int = 1) {
        wordCounts[core, default: 0] += count
    }

    /// Adds every count of `other` (joint learning over source and target).
    public mutating func add(_ other: BPELearner) {
        wordCounts.merge(other.wordCounts, uniquingKeysWith: +)
    }

    /// Learns up to `merges` merges. `progress` is called with the number of merges done so far.
    public func learn(merges: Int, minFrequency: Int = 2, progress: ((Int) -> Void)? = nil) -> BPEMerges {
        var state = BPELearningState(wordCounts: wordCounts)
        var result: [BPEMerges.Pair] = []
        result.reserveCapacity(merges)
        while result.count < merges, let (key, count) = state.bestPair(), count >= max(1, minFrequency) {
            result.append(state.merge(key))
            if let progress, result.count % 1000 == 0 { progress(result.count) }
        }
        return BPEMerges(pairs: result)
    }
}

/// The working state of `BPELearner.learn`: words as symbol ids, pair counts, the pair → words index
/// and the heap of candidate pairs.
struct BPELearningState {
    private var symbols: [String] = []
    private var symbolIDs: [String: Int32] = [:]
    private var words: [[Int32]] = []
    private var frequencies: [Int] = []
    private var pairCounts: [UInt64: Int] = [:]
    private var pairWords: [UInt64: [Int32]] = [:]
    private var heap = PairHeap()
    private var visitStamp: [Int] = []
    private var step = 0

    init(wordCounts: [String: Int]) {
        // Deterministic numbering: words and initial symbols in UTF-8 byte order.
        let sortedWords = wordCounts.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        let split = sortedWords.map { BPESymbols.initial(Substring($0.key)) }
        let initialSymbols = Set(split.joined()).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for symbol in initialSymbols { _ = id(of: symbol) }
        for (index, units) in split.enumerated() {
            var ids: [Int32] = []
            for unit in units { ids.append(id(of: unit)) }  // every unit is numbered above
            words.append(ids)
            frequencies.append(sortedWords[index].value)
        }
        visitStamp = Array(repeating: -1, count: words.count)
        var ignored: [UInt64] = []
        for w in words.indices {
            countPairs(ofWord: w, sign: 1, changed: &ignored)
            ignored.removeAll(keepingCapacity: true)
        }
        for (key, count) in pairCounts where count > 0 { heap.push(count: count, key: key) }
    }

    private mutating func id(of symbol: String) -> Int32 {
        if let id = symbolIDs[symbol] { return id }
        let id = Int32(symbols.count)
        symbols.append(symbol)
        symbolIDs[symbol] = id
        return id
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))
    }

    /// The most frequent pair and its count, or nil when no pair is left.
    mutating func bestPair() -> (UInt64, Int)? {
        while let top = heap.pop() {
            if let current = pairCounts[top.key], current == top.count, current > 0 { return (top.key, current) }
        }
        return nil
    }

    /// Adds (`sign` 1) or removes (`sign` -1) the pair counts of word `w`, noting changed pairs.
    private mutating func countPairs(ofWord w: Int, sign: Int, changed: inout [UInt64]) {
        let word = words[w]
        guard word.count > 1 else { return }
        let frequency = frequencies[w] * sign
        for i in 0..<(word.count - 1) {
            let key = Self.key(word[i], word[i + 1])
            pairCounts[key, default: 0] += frequency
            if sign > 0 {
                if pairWords[key]?.last != Int32(w) { pairWords[key, default: []].append(Int32(w)) }
            }
            changed.append(key)
        }
    }

    /// Applies the merge of pair `key` to every word holding it and updates counts, index and heap.
    mutating func merge(_ key: UInt64) -> BPEMerges.Pair {
        step += 1
        let left = Int32(truncatingIfNeeded: key >> 32)
        let right = Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)
        let pair = BPEMerges.Pair(symbols[Int(left)], symbols[Int(right)])
        let merged = id(of: pair.merged)
        var changed: [UInt64] = []
        for w32 in pairWords[key] ?? [] {
            let w = Int(w32)
            if visitStamp[w] == step { continue }
            visitStamp[w] = step
            guard Self.holds(words[w], left, right) else { continue }
            countPairs(ofWord: w, sign: -1, changed: &changed)
            words[w] = Self.replace(words[w], left, right, with: merged)
            countPairs(ofWord: w, sign: 1, changed: &changed)
        }
        pairWords[key] = nil
        pairCounts[key] = nil
        for changedKey in Set(changed) {
            if let count = pairCounts[changedKey], count > 0 { heap.push(count: count, key: changedKey) }
        }
        return pair
    }

    private static func holds(_ word: [Int32], _ left: Int32, _ right: Int32) -> Bool {
        guard word.count > 1 else { return false }
        for i in 0..<(word.count - 1) where word[i] == left && word[i + 1] == right { return true }
        return false
    }

    /// `word` with each non-overlapping occurrence of (left, right), from the left, replaced by `merged`.
    static func replace(_ word: [Int32], _ left: Int32, _ right: Int32, with merged: Int32) -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(word.count)
        var i = 0
        while i < word.count {
            if i + 1 < word.count && word[i] == left && word[i + 1] == right {
                result.append(merged)
                i += 2
            } else {
                result.append(word[i])
                i += 1
            }
        }
        return result
    }
}

/// A binary max-heap of (count, pair key): higher count first, then the smaller key. Entries go stale
/// when a count changes; `BPELearningState.bestPair` skips them (lazy deletion).
struct PairHeap {
    struct Entry {
        var count: Int
        var key: UInt64
    }

    private var entries: [Entry] = []

    @inline(__always)
    private static func before(_ a: Entry, _ b: Entry) -> Bool {
        a.count != b.count ? a.count > b.count : a.key < b.key
    }

    mutating func push(count: Int, key: UInt64) {
        entries.append(Entry(count: count, key: key))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(entries[child], entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let top = entries.first else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let leftChild = 2 * parent + 1
                if leftChild >= entries.count { break }
                var best = leftChild
                if leftChild + 1 < entries.count && Self.before(entries[leftChild + 1], entries[leftChild]) { best = leftChild + 1 }
                guard Self.before(entries[best], entries[parent]) else { break }
                entries.swapAt(best, parent)
                parent = best
            }
        }
        return top
    }
}
