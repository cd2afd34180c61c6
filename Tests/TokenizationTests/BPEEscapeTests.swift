import XCTest
import Tokenization

/// Found by the merges fuzzer: an escape `￮XXXX` whose last hex digit a combining mark follows (the text
/// `￭` + U+0301) was cut inside the escape, because the digit and the mark form one grapheme cluster;
/// BPE then split the token there and detokenization no longer gave the text back.
final class BPEEscapeTests: XCTestCase {
    func testAnEscapeFollowedByACombiningMarkStaysWhole() throws {
        let tokenizer = try Tokenizer()
        let noMerges = BytePairEncoder(merges: BPEMerges(pairs: []))
        for line in ["a\u{FFED}\u{0301}b", "\u{FFEE}\u{20DD} x", "\u{FFED}\u{FE2D}", "q\u{0600}\u{FFED}r"] {
            let tokens = tokenizer.tokenize(line)
            let pieces = noMerges.apply(tokens)
            XCTAssertEqual(Tokenizer.detokenize(pieces), tokenizer.normalize(line), "\(Array(line.unicodeScalars)) → \(pieces)")
        }
    }

    /// The fuzzer's own input: merges learned over symbols that contain escapes.
    func testTheFuzzersMergesKeepTheText() throws {
        let text = "#swiftnmt-bpe v1\nth\u{FFED} e\u{FFED}\nt\u{FFED} h\u{FFED}\n"
        let merges = try BPEMerges.parse(text, path: "fuzz.merges")
        let pipeline = try TextPipeline(merges: merges)
        let line = "th\u{FFED}\u{FE2D} the \u{FFEE}\u{0301}"
        XCTAssertEqual(pipeline.decode(pipeline.encode(line)), pipeline.tokenizer.normalize(line))
    }
}
