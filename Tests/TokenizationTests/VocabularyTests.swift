import XCTest
import Tokenization

final class VocabularyTests: XCTestCase {
    let counts = ["b": 3, "a": 3, "c": 5, "d": 1, "é": 3, "Z": 3, "<unk>": 9]

    func testOrderIsCountDescendingThenUTF8Bytes() {
        let vocabulary = Vocabulary.build(counts: counts)
        // "Z" (0x5A) < "a" < "b" < "é" (0xC3 0xA9); a corpus "<unk>" never takes a second id.
        XCTAssertEqual(vocabulary.tokens, ["<pad>", "<unk>", "<s>", "</s>", "c", "Z", "a", "b", "é", "d"])
        XCTAssertEqual(vocabulary.counts, [0, 0, 0, 0, 5, 3, 3, 3, 3, 1])
        XCTAssertEqual([Vocabulary.pad, Vocabulary.unk, Vocabulary.bos, Vocabulary.eos], [0, 1, 2, 3])
    }

    func testMinimumFrequencyAndMaximumSize() {
        XCTAssertEqual(Vocabulary.build(counts: counts, minFrequency: 2).tokens.dropFirst(4), ["c", "Z", "a", "b", "é"])
        XCTAssertEqual(Vocabulary.build(counts: counts, minFrequency: 4).tokens.dropFirst(4), ["c"])
        let small = Vocabulary.build(counts: counts, maxSize: 6)
        XCTAssertEqual(small.count, 6)
        XCTAssertEqual(small.tokens.dropFirst(4), ["c", "Z"])
    }

    func testLookupMapsUnknownTokensToUnk() {
        let vocabulary = Vocabulary.build(counts: counts)
        XCTAssertEqual(vocabulary.id(for: "c"), 4)
        XCTAssertEqual(vocabulary.id(for: "never seen"), Vocabulary.unk)
        XCTAssertEqual(vocabulary.token(for: 5), "Z")
        XCTAssertEqual(vocabulary.token(for: 999), "<unk>")
        XCTAssertEqual(vocabulary.ids(for: ["a", "zzz"]), [6, 1])
        XCTAssertEqual(vocabulary.tokens(for: [2, 4, 3]), ["<s>", "c", "</s>"])
    }

    func testBuilderCountsTokensAndFileRoundTrips() throws {
        var builder = VocabularyBuilder()
        builder.add(["der", "Hund", "\u{FFED}."])
        builder.add(["der", "Ball"])
        XCTAssertEqual(builder.total, 5)
        let vocabulary = builder.build()
        XCTAssertEqual(vocabulary.tokens, ["<pad>", "<unk>", "<s>", "</s>", "der", "Ball", "Hund", "\u{FFED}."])
        let path = try TemporaryFolder.make().appendingPathComponent("de.vocab").path
        try vocabulary.write(to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8),
                       "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\nder\t2\nBall\t1\nHund\t1\n\u{FFED}.\t1\n")
        XCTAssertEqual(try Vocabulary.load(path: path), vocabulary)
    }
}
