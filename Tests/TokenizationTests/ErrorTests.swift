import XCTest
import Tokenization

/// Every input error names the file, where it can the line and offset, and says what to do.
final class ErrorTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = try TemporaryFolder.make()
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func message(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            XCTFail("expected an error")
            return ""
        } catch let error as TokenizationError {
            return error.description
        } catch {
            XCTFail("unexpected error type: \(error)")
            return ""
        }
    }

    func testInvalidUTF8NamesFileLineAndByteOffset() throws {
        let path = try file("latin1.txt", Array("ok\n".utf8) + [0x61, 0x62, 0xFF, 0x63, 0x0A])
        let text = message { try CorpusReader.readLines(path: path) }
        XCTAssertTrue(text.contains("\(path):2: invalid UTF-8 at byte 2 of the line (byte offset 5 in the file)"), text)
        XCTAssertTrue(text.contains("iconv"), text)
        // Overlong encodings and surrogates are not UTF-8 either.
        let overlong = try file("overlong.txt", [0xC0, 0xAF])
        XCTAssertTrue(message { try CorpusReader.readLines(path: overlong) }.contains(":1: invalid UTF-8 at byte 0"))
        let surrogate = try file("surrogate.txt", Array("ab ".utf8) + [0xED, 0xA0, 0x80])
        XCTAssertTrue(message { try CorpusReader.readLines(path: surrogate) }.contains(":1: invalid UTF-8 at byte 3"))
    }

    func testStreamingReaderReportsInvalidUTF8Too() throws {
        let path = try file("stream.txt", Array("one\ntwo\nthr".utf8) + [0xE2, 0x28, 0xA1])
        let reader = try LineReader(path: path)
        XCTAssertEqual(try reader.nextLine(), "one")
        XCTAssertEqual(try reader.nextLine(), "two")
        let text = message { try reader.nextLine() as Any }
        XCTAssertTrue(text.contains("\(path):3: invalid UTF-8 at byte 3 of the line (byte offset 11 in the file)"), text)
    }

    func testNULByteNamesFileLineAndOffset() throws {
        let path = try file("nul.txt", Array("a\nb".utf8) + [0] + Array("c\n".utf8))
        let text = message { try CorpusReader.readLines(path: path) }
        XCTAssertTrue(text.contains("\(path):2: NUL byte at byte 1 of the line (byte offset 3 in the file)"), text)
        XCTAssertTrue(text.contains("UTF-16"), text)
    }

    func testEmptyFileIsAnErrorButAnEmptyLineIsASentence() throws {
        let empty = try file("empty.txt", [])
        XCTAssertEqual(message { try CorpusReader.readLines(path: empty) },
                       "\(empty) is empty; a corpus needs at least one line (an empty line is a sentence, an empty file is not a corpus)")
        XCTAssertEqual(try CorpusReader.readLines(path: try file("one-empty-line.txt", [0x0A])), [""])
        XCTAssertEqual(try CorpusReader.readLines(path: try file("lines.txt", Array("a\n\nb".utf8))), ["a", "", "b"])
    }

    func testUnreadableFileSaysWhy() throws {
        let missing = folder.appendingPathComponent("missing.txt").path
        let text = message { try CorpusReader.readLines(path: missing) }
        XCTAssertTrue(text.hasPrefix("cannot read \(missing): No such file or directory"), text)
        let directory = message { try CorpusReader.readLines(path: self.folder.path) }
        XCTAssertTrue(directory.contains("Is a directory"), directory)
        XCTAssertTrue(message { try Vocabulary.load(path: missing) }.contains("cannot read \(missing)"))
        XCTAssertTrue(message { try BPEMerges.load(path: missing) }.contains("cannot read \(missing)"))
    }

    func testLineCountMismatchNamesBothFilesAndCounts() throws {
        let source = try file("train.en", Array("a\nb\nc\n".utf8))
        let target = try file("train.de", Array("a\nb\n".utf8))
        let text = message { try CorpusReader.readParallel(source: source, target: target) }
        XCTAssertTrue(text.contains("\(source) has 3 lines, \(target) has 2"), text)
        let aligned = try file("train.fr", Array("x\ny\nz\n".utf8))
        let pair = try CorpusReader.readParallel(source: source, target: aligned)
        XCTAssertEqual(pair.source, ["a", "b", "c"])
        XCTAssertEqual(pair.target, ["x", "y", "z"])
    }

    func testMalformedVocabularyNamesTheLine() throws {
        let specials = "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\n"
        let cases: [(String, String)] = [
            (specials + "Hund\t3\nKatze 2\n", ":6: malformed vocabulary: expected `token<TAB>count`, found `Katze 2`"),
            (specials + "Hund\tdrei\n", ":5: malformed vocabulary: the count `drei` is not a non-negative integer"),
            (specials + "Hund\t3\nHund\t2\n", ":6: malformed vocabulary: the token `Hund` is listed twice (first on line 5)"),
            ("<pad>\t0\n<unk>\t0\n", ":3: malformed vocabulary: the special token <s> is missing"),
            ("<pad>\t0\nHund\t3\n<unk>\t0\n<s>\t0\n</s>\t0\n", ":2: malformed vocabulary: line 2 must be the special token <unk>, found `Hund`"),
            (specials + "a b\t1\n", ":5: malformed vocabulary: the token `a b` contains whitespace"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let path = try file("bad\(index).vocab", Array(text.utf8))
            let got = message { try Vocabulary.load(path: path) }
            XCTAssertTrue(got.hasPrefix(path + expected), "case \(index): \(got)")
            XCTAssertTrue(got.contains("nmt build-vocab"), got)
        }
    }

    func testMalformedMergesNamesTheLine() throws {
        let j = TokenMarkers.joinerString
        let cases: [(String, String)] = [
            ("a\(j) b\n", ":1: malformed BPE merges file: the first line must be `#swiftnmt-bpe v1`, found `a\(j) b`"),
            ("#swiftnmt-bpe v1\na\(j) b\nab\n", ":3: malformed BPE merges file: expected two symbols separated by one space, found `ab`"),
            ("#swiftnmt-bpe v1\na b\n", ":2: malformed BPE merges file: the left symbol `a` must end with the joiner"),
            ("#swiftnmt-bpe v1\na\(j) b\na\(j) b\n", ":3: malformed BPE merges file: the pair `a\(j) b` is listed twice"),
            ("#swiftnmt-bpe v2\n", ":1: malformed BPE merges file: the first line must be `#swiftnmt-bpe v1`"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let path = try file("bad\(index).merges", Array(text.utf8))
            let got = message { try BPEMerges.load(path: path) }
            XCTAssertTrue(got.hasPrefix(path + expected), "case \(index): \(got)")
            XCTAssertTrue(got.contains("regenerate it with `nmt build-vocab`"), got)
        }
    }
}
