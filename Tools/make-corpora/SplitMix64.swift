/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seeded generator, so the corpora are the same on every
/// machine and every Swift release (the system generator cannot be seeded).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range`, by rejection so there is no modulo bias. `Int.random(in:using:)`
    /// is not used because its algorithm may change between Swift releases.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        let limit = UInt64.max - UInt64.max % span
        while true {
            let value = next()
            if value < limit { return range.lowerBound + Int(value % span) }
        }
    }

    /// A uniform element of `items`.
    mutating func pick<T>(_ items: [T]) -> T {
        items[int(in: 0...(items.count - 1))]
    }

    /// True with probability `p` (in 1/1000 steps).
    mutating func chance(_ p: Double) -> Bool {
        int(in: 0...999) < Int(p * 1000)
    }
}
