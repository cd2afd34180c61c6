import XCTest
@testable import Decoding

/// `--alignment hard`: subword attention argmaxes mapped to whitespace-separated words.
final class HardAlignmentTests: XCTestCase {
    /// Source "Hello, world" as the tokenizer and BPE write it: `Hello ￭, wor￭ ld` (words 0 0 1 1); target
    /// "Hallo Welt!" as `Hal￭ lo Welt ￭!` (words 0 0 1 1).
    func testSubwordsAndJoinedPunctuationMapToTheirWords() {
        let source = ["Hello", "￭,", "wor￭", "ld"]
        let target = ["Hal￭", "lo", "Welt", "￭!"]
        let attention: [[Float]] = [
            [0.7, 0.1, 0.1, 0.1],  // Hal  → Hello
            [0.1, 0.6, 0.2, 0.1],  // lo   → ,  (word 0)
            [0.1, 0.1, 0.2, 0.6],  // Welt → ld (word 1)
            [0.1, 0.5, 0.2, 0.2],  // !    → ,  (word 0)
            [0.9, 0.1, 0, 0],      // </s>: not used
        ]
        XCTAssertEqual(HardAlignment.pharaoh(source: source, target: target, attention: attention), "0-0 0-1 1-1")
    }

    /// A whitespace token (`￮0009`, a tab) is no word: it gets no index and is never aligned to.
    func testWhitespaceTokensAreNotWords() {
        let source = ["a", "￮0009", "b"]
        let target = ["x", "y"]
        let attention: [[Float]] = [[0.2, 0.7, 0.1], [0.1, 0.2, 0.7]]
        XCTAssertEqual(HardAlignment.pharaoh(source: source, target: target, attention: attention), "0-0 1-1")
        XCTAssertEqual(HardAlignment.pharaoh(source: [], target: [], attention: []), "")
    }
}
