extension Array {
    /// The values of slots that the code before has filled, one per index (a hypothesis per sentence, a
    /// translation per line, the hypotheses of a batch): an empty slot is a programmer's mistake, which
    /// stops with `what`.
    func filledSlots<Value>(_ what: @autoclosure () -> String) -> [Value] where Element == Value? {
        let values = compactMap { $0 }
        precondition(values.count == count, "\(what()): \(count - values.count) of \(count) slots never filled")
        return values
    }
}
