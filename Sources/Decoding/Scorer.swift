// The boundary between search and whatever model scores its hypotheses (STYLE.md habit 10).
//
// Search never knows it drives an LSTM: it sees rows of hypotheses, one log-probability row per
// hypothesis and step, and an opaque state that it can ask to keep, drop or duplicate rows.

import TokenIDs

/// The ids search treats specially (`<pad>` and `<s>` are never produced, `<unk>` only when allowed, `</s>`
/// ends a hypothesis and is not part of its tokens): TokenIDs' one definition.
public typealias SpecialToken = TokenIDs.SpecialToken

/// What one decoder step returns for R live rows.
public struct ScorerOutput: Sendable {
    /// log P(next token | source, prefix): [R, V] row-major. Every entry must be ≤ 0 (a log-softmax):
    /// the early-stopping rule of `BeamSearch` relies on scores never growing.
    public var logProbabilities: [Float]
    /// The attention weights this step used: [R, W] row-major, or nil when the scorer has none.
    /// Column j < `sources[b].count` is source token j of the row's sentence b; columns at or beyond
    /// that length (padding, or positions the scorer adds itself) are ignored by search.
    public var attention: [Float]?
    /// W, the row length of `attention` (at least the longest source of the batch); 0 without attention.
    public var attentionWidth: Int

    public init(logProbabilities: [Float], attention: [Float]? = nil, attentionWidth: Int = 0) {
        self.logProbabilities = logProbabilities
        self.attention = attention
        self.attentionWidth = attentionWidth
    }
}

/// A model seen from search: batched, row-oriented, with a reorderable state.
///
/// The life of a batch of B sentences:
/// 1. `start(sources:)` encodes all B sources once and returns a state with B rows, row b = sentence b.
/// 2. Each step calls `step(_:previous:sentences:)` with the R live rows: all hypotheses of all unfinished
///    sentences of the batch in one matrix. Rows of one sentence are contiguous, and sentences appear in
///    increasing order.
/// 3. After choosing survivors, search calls `reorder(_:rows:)` on the state `step` returned: new row i
///    continues old row `rows[i]`. Rows may be dropped (finished hypotheses, finished sentences) or
///    duplicated (two beam entries that share a parent). When `rows` is `0..<R`, search may skip the call.
///
/// A state must keep what it needs per row (e.g. recurrent state, last attention context) and may share
/// what is per sentence (e.g. encoder outputs) using the `sentences` argument of `step`.
public protocol Scorer {
    associatedtype State

    /// V: the number of target ids; at least `SpecialToken.count`.
    var vocabularySize: Int { get }

    /// Encodes a batch of B source sentences once and returns the state of B rows, row b = sentence b.
    /// - Parameter sources: [B][S_b] token ids without `<s>`, `</s>` or padding; a source may be empty.
    func start(sources: [[Int32]]) throws -> State

    /// One decoder step for the R rows of `state`.
    /// - Parameters:
    ///   - previous: [R], the last token of each row's hypothesis (`<s>` on the first step).
    ///   - sentences: [R], the batch index b of the sentence each row belongs to (non-decreasing).
    /// - Returns: log-probabilities [R, V] (and optional attention [R, W]) and the state after consuming
    ///   `previous`, still with R rows.
    func step(_ state: State, previous: [Int32], sentences: [Int]) throws -> (output: ScorerOutput, next: State)

    /// Keeps, drops and duplicates rows: new row i is old row `rows[i]`.
    /// - Parameter rows: [R'], each in `0..<R`; may repeat indices and may be empty.
    func reorder(_ state: State, rows: [Int]) -> State
}
