import XCTest
@testable import Decoding

final class UnknownReplacementTests: XCTestCase {
    func testUnknownTakesTheSourceTokenOfHighestAttention() {
        let attention: [[Float]] = [
            [0.7, 0.1, 0.1, 0.1],
            [0.1, 0.6, 0.2, 0.1],  // <unk> → Schnauzer
            [0.1, 0.1, 0.7, 0.1],
            [0.2, 0.1, 0.1, 0.6],  // <unk> → Berlin
            [0.25, 0.25, 0.25, 0.25],  // the </s> row, ignored
        ]
        let replaced = UnknownReplacement.apply(
            target: ["ein", "<unk>", "Hund", "<unk>"], source: ["a", "Schnauzer", "dog", "Berlin"], attention: attention)
        XCTAssertEqual(replaced, ["ein", "Schnauzer", "Hund", "Berlin"])
    }

    func testTiesPickTheFirstAndColumnsBeyondTheSourceAreIgnored() {
        // Column 2 is beyond the 2-token source (padding or an appended </s>): it must not win.
        let replaced = UnknownReplacement.apply(target: ["<unk>", "<unk>"], source: ["x", "y"],
                                                attention: [[0.4, 0.4, 0.2], [0.1, 0.2, 0.7]])
        XCTAssertEqual(replaced, ["x", "y"])
    }

    func testUnknownStaysWithoutSourceOrAttention() {
        XCTAssertEqual(UnknownReplacement.apply(target: ["<unk>"], source: [], attention: [[]]), ["<unk>"])
        XCTAssertEqual(UnknownReplacement.apply(target: ["a", "<unk>"], source: ["b"], attention: [[1]]), ["a", "<unk>"])
        XCTAssertEqual(UnknownReplacement.apply(target: ["UNK"], source: ["b"], attention: [[1]], unknown: "UNK"), ["b"])
    }

    /// End to end: search keeps attention rows, and they align each `<unk>` with the attended source token.
    func testSearchAttentionDrivesReplacement() throws {
        // Always emits <unk> twice then </s>; attends to source position t at step t.
        let script: ScriptedScorer.Script = { _, prefix in
            prefix.count < 2 ? logSoftmax([0, 5, 0, 0, 0]) : logSoftmax([0, 0, 0, 5, 0])
        }
        let attention: ScriptedScorer.AttentionScript = { source, prefix in
            source.indices.map { $0 == prefix.count ? 0.9 : 0.1 / Float(source.count - 1) }
        }
        let scorer = ScriptedScorer(vocabularySize: 5, script: script, attentionScript: attention)
        let best = try BeamSearch(options: SearchOptions(beamSize: 2, keepAttention: true))
            .search(scorer, sources: [[4, 4, 4]])[0][0]
        XCTAssertEqual(best.tokens, [SpecialToken.unknown, SpecialToken.unknown])
        let replaced = UnknownReplacement.apply(target: ["<unk>", "<unk>"], source: ["Anna", "Berlin", "."],
                                                attention: try XCTUnwrap(best.attention))
        XCTAssertEqual(replaced, ["Anna", "Berlin"])
    }
}
