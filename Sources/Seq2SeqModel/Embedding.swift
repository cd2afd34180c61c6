import TensorKernels

/// A lookup table `[V, E]`: row i is the vector of token i.
public struct Embedding: Sendable {
    public let table: ParameterView  // [V, E]

    /// out[n] = table[ids[n]]
    /// - Parameters: ids: `[N]`; out: `[N, E]`
    public func forward(_ store: ParameterStore, ids: [Int32], out: UnsafeMutablePointer<Float>) {
        let E = table.columns, base = store.value(table)
        for (n, id) in ids.enumerated() {
            precondition(id >= 0 && Int(id) < table.rows, "token id \(id) outside vocabulary [0, \(table.rows))")
            (out + n * E).update(from: base + Int(id) * E, count: E)
        }
    }

    /// d table[ids[n]] += dOut[n]
    public func backward(_ store: ParameterStore, ids: [Int32], dOut: UnsafePointer<Float>) {
        let E = table.columns, base = store.gradient(table)
        for (n, id) in ids.enumerated() { Rows.add(dOut + n * E, into: base + Int(id) * E, count: E) }
    }
}
