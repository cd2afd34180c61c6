import XCTest
import Tokenization

/// BPE on a corpus small enough to learn by hand.
final class BPETests: XCTestCase {
    let j = TokenMarkers.joinerString

    /// Sennrich's example words with counts: low ×5, lower ×2, newest ×6, widest ×3. Symbols that do not
    /// end their word carry the joiner ￭ (written `·` below). Initial symbols are numbered in UTF-8 byte
    /// order (d· < e· < i· < l· < n· < o· < s· < w·), merged symbols after them in merge order; a tie goes
    /// to the pair with the smaller (left, right) numbers.
    ///
    ///     low    l· o· w              lower  l· o· w· e· r
    ///     newest n· e· w· e· s· t     widest w· i· d· e· s· t
    ///
    /// Pair counts: e·s· 6+3=9, s·t 9, w·e· 2+6=8, l·o· 5+2=7, n·e· 6, e·w· 6, o·w 5, w·i· 3, i·d· 3, d·e· 3, o·w· 2, e·r 2.
    ///  1. e· s·  (9; ties with s· t, and e· < s·)      newest n· e· w· es· t     widest w· i· d· es· t
    ///  2. es· t  (9)                                  newest n· e· w· est       widest w· i· d· est
    ///  3. l· o·  (7)                                  low lo· w                 lower lo· w· e· r
    ///  4. e· w·  (6; ties with n· e· and w· est; e· is the smallest left)   newest n· ew· est
    ///  5. n· ew· (6; ties with ew· est; n· is older than ew·)               newest new· est
    ///  6. new· est (6)                                newest newest
    ///  7. lo· w  (5)                                  low low
    ///  8. d· est (3; ties with w· i· and i· d·; d· is the smallest left)   widest w· i· dest
    ///  9. i· dest (3; ties with w· i·; i· < w·)       widest w· idest
    /// 10. w· idest (3)                                widest widest
    /// What is left counts 2 (lo· w·, w· e·, e· r), below the minimum frequency 3, so learning stops.
    func handLearner() -> BPELearner {
        var learner = BPELearner()
        for (word, count) in [("low", 5), ("lower", 2), ("newest", 6), ("widest", 3)] { learner.add(core: word, count: count) }
        return learner
    }

    func testLearnedMergesMatchTheHandComputation() {
        let merges = handLearner().learn(merges: 100, minFrequency: 3)
        let expected = [("e", "s"), ("es", "t"), ("l", "o"), ("e", "w"), ("n", "ew"), ("new", "est"), ("lo", "w"),
                        ("d", "est"), ("i", "dest"), ("w", "idest")]
        XCTAssertEqual(merges.pairs.map { "\($0.left) \($0.right)" }, [
            "e\(j) s\(j)", "es\(j) t", "l\(j) o\(j)", "e\(j) w\(j)", "n\(j) ew\(j)", "new\(j) est", "lo\(j) w",
            "d\(j) est", "i\(j) dest", "w\(j) idest",
        ])
        XCTAssertEqual(merges.pairs.count, expected.count)
    }

    func testMergeCountAndMinimumFrequencyBothStopLearning() {
        XCTAssertEqual(handLearner().learn(merges: 4, minFrequency: 1).pairs.count, 4)
        // With minimum frequency 2 the three pairs of count 2 also merge (lower then: lo· w· e· r → …).
        XCTAssertGreaterThan(handLearner().learn(merges: 100, minFrequency: 2).pairs.count, 10)
        XCTAssertEqual(handLearner().learn(merges: 100, minFrequency: 10).pairs.count, 0)
    }

    func testApplyingMergesSegmentsByRank() {
        let encoder = BytePairEncoder(merges: handLearner().learn(merges: 100, minFrequency: 3))
        // Training words come out as the learner left them.
        XCTAssertEqual(encoder.segment("newest"), ["newest"])
        XCTAssertEqual(encoder.segment("lower"), ["lo\(j)", "w\(j)", "e\(j)", "r"])
        // lowest: l· o· w· e· s· t → (rank 1) l· o· w· es· t → (2) l· o· w· est → (3) lo· w· est; lo· w· is no merge.
        XCTAssertEqual(encoder.segment("lowest"), ["lo\(j)", "w\(j)", "est"])
        // newer: n· e· w· e· r → (4) n· ew· e· r → (5) new· e· r.
        XCTAssertEqual(encoder.segment("newer"), ["new\(j)", "e\(j)", "r"])
        XCTAssertEqual(encoder.segment("x"), ["x"])
    }

    func testTokenJoinersMoveToTheFirstAndLastPiece() {
        let encoder = BytePairEncoder(merges: handLearner().learn(merges: 100, minFrequency: 3))
        let tokens = ["(\(j)", "lowest", "\(j))", "\(j)lowest\(j)", "\u{FFEE}0020\u{FFEE}0020", "low"]
        let pieces = encoder.apply(tokens)
        XCTAssertEqual(pieces, ["(\(j)", "lo\(j)", "w\(j)", "est", "\(j))", "\(j)lo\(j)", "w\(j)", "est\(j)",
                                "\u{FFEE}0020\u{FFEE}0020", "low"])
        XCTAssertEqual(Tokenizer.detokenize(pieces), Tokenizer.detokenize(tokens))
        XCTAssertEqual(Tokenizer.detokenize(pieces), "(lowest)lowest  low")
    }

    func testMergesFileRoundTripsThroughDisk() throws {
        let merges = handLearner().learn(merges: 100, minFrequency: 3)
        let path = try TemporaryFolder.make().appendingPathComponent("x.merges").path
        try merges.write(to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("#swiftnmt-bpe v1\ne\(j) s\(j)\n"))
        XCTAssertEqual(try BPEMerges.load(path: path), merges)
    }

    func testJointLearningAddsBothSides() {
        var source = BPELearner()
        source.add(tokens: ["ab", "ab", "\(j)ab\(j)", "\u{FFEE}0020"])
        var target = BPELearner()
        target.add(tokens: ["ab"])
        source.add(target)
        XCTAssertEqual(source.wordCounts, ["ab": 4])
        XCTAssertEqual(source.learn(merges: 10).pairs, [BPEMerges.Pair("a\(j)", "b")])
    }
}

/// A fresh temporary folder per call.
enum TemporaryFolder {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokenization-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
