import XCTest
@testable import Decoding

/// The top-K kernel against the obvious oracle: sort every candidate, best first, earlier first on ties.
final class TopKSelectionTests: XCTestCase {
    func testRowScanEqualsSortingEveryCandidate() {
        for seed in UInt64(1)...200 {
            var generator = SplitMix(seed: seed)
            let vocabularySize = Int.random(in: 4...90, using: &generator)
            let capacity = Int.random(in: 1...8, using: &generator)
            let parents = Int.random(in: 1...3, using: &generator)
            // Values on a coarse grid so that ties happen; a few -∞ and NaN.
            let rows: [[Float]] = (0..<parents).map { _ in
                (0..<vocabularySize).map { _ in
                    switch Int.random(in: 0..<20, using: &generator) {
                    case 0: return -.infinity
                    case 1: return .nan
                    default: return -Float(Int.random(in: 0..<12, using: &generator)) / 4
                    }
                }
            }
            let bases = (0..<parents).map { _ in -Float(Int.random(in: 0..<4, using: &generator)) / 4 }
            let firstToken = Int.random(in: 0...3, using: &generator)

            var selection = TopKSelection(capacity: capacity)
            var all: [Candidate] = []
            for parent in 0..<parents {
                rows[parent].withUnsafeBufferPointer {
                    selection.offer(row: $0, tokens: firstToken..<vocabularySize, parent: parent, base: bases[parent])
                }
                for token in firstToken..<vocabularySize {
                    let total = bases[parent] + rows[parent][token]
                    all.append(Candidate(parent: parent, token: Int32(token), logProbability: total.isNaN ? -.infinity : total))
                }
            }
            // A stable sort keeps offering order among equal log-probabilities.
            let expected = Array(all.enumerated().sorted {
                $0.element.logProbability != $1.element.logProbability
                    ? $0.element.logProbability > $1.element.logProbability : $0.offset < $1.offset
            }.map(\.element).prefix(capacity))
            XCTAssertEqual(selection.best, expected, "seed \(seed)")
        }
    }
}
