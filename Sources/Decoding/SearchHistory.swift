/// The tree of every hypothesis beam search ever kept, stored as back-pointers.
///
/// A beam entry is one node: its token, its parent node, and (when attention is kept) the attention row
/// of the step that produced it. Entries that share a prefix share its nodes, so a step costs O(K) no
/// matter how long the hypotheses are; a finished hypothesis is read back once, by walking to the root.
struct SearchHistory {
    /// The parent of a first token: the implicit `<s>` root.
    static let root = -1

    private var parents: [Int] = []          // [nodes]
    private var tokens: [Int32] = []         // [nodes]
    private var attentionRows: [[Float]] = []  // [nodes][S] when attention is kept, else empty

    /// Adds a node and returns its index.
    mutating func append(parent: Int, token: Int32, attention: [Float]?) -> Int {
        parents.append(parent)
        tokens.append(token)
        if let attention { attentionRows.append(attention) }
        return parents.count - 1
    }

    /// The token of `node`, or `<s>` for the root.
    func token(_ node: Int) -> Int32 {
        node == Self.root ? SpecialToken.beginning : tokens[node]
    }

    /// The nodes from the first token to `node`, in order.
    func path(to node: Int) -> [Int] {
        var path: [Int] = []
        var current = node
        while current != Self.root {
            path.append(current)
            current = parents[current]
        }
        return path.reversed()
    }

    /// The tokens from the first to `node` included.
    func tokens(to node: Int) -> [Int32] {
        path(to: node).map { tokens[$0] }
    }

    /// [steps][S]: the attention rows from the first token to `node` included (only when attention is kept).
    func attention(to node: Int) -> [[Float]] {
        path(to: node).map { attentionRows[$0] }
    }
}
