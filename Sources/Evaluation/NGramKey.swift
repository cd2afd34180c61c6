/// An n-gram of up to four token ids, or up to six characters, packed into two words so that counting
/// n-grams hashes two integers instead of an array. Each element is stored plus one, so zero means
/// "no element" and n-grams of different orders never collide.
struct NGramKey: Hashable, Sendable {
    var head: UInt64
    var tail: UInt64

    /// `ids[start..<start+order]`, order 1...4, ids below 2^32 - 1.
    @inlinable
    init(ids: UnsafeBufferPointer<UInt32>, start: Int, order: Int) {
        var packed: (UInt64, UInt64) = (0, 0)
        for k in 0..<order {
            let value = UInt64(ids[start + k]) + 1
            if k < 2 { packed.0 |= value << (32 * UInt64(1 - k)) } else { packed.1 |= value << (32 * UInt64(3 - k)) }
        }
        head = packed.0
        tail = packed.1
    }

    /// `scalars[start..<start+order]`, order 1...6: three 21-bit code points per word.
    @inlinable
    init(scalars: UnsafeBufferPointer<UInt32>, start: Int, order: Int) {
        var packed: (UInt64, UInt64) = (0, 0)
        for k in 0..<order {
            let value = UInt64(scalars[start + k]) + 1
            if k < 3 { packed.0 |= value << (21 * UInt64(2 - k)) } else { packed.1 |= value << (21 * UInt64(5 - k)) }
        }
        head = packed.0
        tail = packed.1
    }
}

/// Counts of n-grams, one table per order (index 0 holds unigrams).
struct NGramCounts {
    var tables: [[NGramKey: Int]]
    /// The number of n-grams of each order (the sum of its table's counts).
    var totals: [Int]

    init(orders: Int) {
        tables = Array(repeating: [:], count: orders)
        totals = Array(repeating: 0, count: orders)
    }

    /// Word n-grams of orders 1...maxOrder over token ids (sacreBLEU's `extract_all_word_ngrams`).
    init(tokenIDs ids: [UInt32], maxOrder: Int) {
        precondition(maxOrder >= 1 && maxOrder <= 4, "word n-gram order \(maxOrder) is outside 1...4")
        self.init(units: ids, maxOrder: maxOrder) { NGramKey(ids: $0, start: $1, order: $2) }
    }

    /// Character n-grams of orders 1...maxOrder over code points (sacreBLEU's `extract_all_char_ngrams`).
    init(scalars: [UInt32], maxOrder: Int) {
        precondition(maxOrder >= 1 && maxOrder <= 6, "character n-gram order \(maxOrder) is outside 1...6")
        self.init(units: scalars, maxOrder: maxOrder) { NGramKey(scalars: $0, start: $1, order: $2) }
    }

    /// Every n-gram of orders 1...maxOrder over `units`, counted; `key` makes the key of the n-gram of
    /// order n starting at a position.
    private init(units: [UInt32], maxOrder: Int, key: (UnsafeBufferPointer<UInt32>, Int, Int) -> NGramKey) {
        self.init(orders: maxOrder)
        units.withUnsafeBufferPointer { buffer in
            for n in 1...maxOrder where units.count >= n {
                var table: [NGramKey: Int] = [:]
                table.reserveCapacity(units.count - n + 1)
                for start in 0...(units.count - n) { table[key(buffer, start, n), default: 0] += 1 }
                tables[n - 1] = table
                totals[n - 1] = units.count - n + 1
            }
        }
    }

    /// For each order, how many of these n-grams `reference` also holds, each n-gram counted at most as
    /// often as the reference holds it (clipped counts).
    func clippedMatches(against reference: NGramCounts) -> [Int] {
        var matches = Array(repeating: 0, count: tables.count)
        for n in tables.indices where n < reference.tables.count {
            let other = reference.tables[n]
            var sum = 0
            for (key, count) in tables[n] {
                if let available = other[key] { sum += min(count, available) }
            }
            matches[n] = sum
        }
        return matches
    }

    /// Keeps, for every n-gram, the larger of the two counts (merging several references for BLEU).
    mutating func formMaximum(with other: NGramCounts) {
        for n in tables.indices where n < other.tables.count {
            for (key, count) in other.tables[n] {
                tables[n][key] = max(tables[n][key] ?? 0, count)
            }
        }
    }
}

/// Gives each distinct token (compared code point by code point, as Python compares strings) a small id.
struct TokenInterner {
    private var ids: [ArraySlice<Unicode.Scalar>: UInt32] = [:]

    mutating func ids(of tokens: [ArraySlice<Unicode.Scalar>]) -> [UInt32] {
        tokens.map { token in
            if let id = ids[token] { return id }
            let id = UInt32(ids.count)
            ids[Array(token)[...]] = id
            return id
        }
    }
}
