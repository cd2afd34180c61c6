import Foundation
import XCTest
@testable import Evaluation
import TextFormats

/// Reading hypothesis and reference files as sacreBLEU's command line does, with clean errors.
final class TextLinesTests: XCTestCase {
    func testLinesSplitAtNewlinesAndLoseTrailingWhitespace() throws {
        let data = Data("one  \ntwo\r\n\nthree\u{A0}\u{3000}\nlast".utf8)
        XCTAssertEqual(try TextLines.lines(of: data, path: "x"), ["one", "two", "", "three", "last"])
        XCTAssertEqual(try TextLines.lines(of: Data("a\n".utf8), path: "x"), ["a"])
        XCTAssertEqual(try TextLines.lines(of: Data("\n".utf8), path: "x"), [""])
        XCTAssertEqual(try TextLines.lines(of: Data(), path: "x"), [])
    }

    func testInvalidUTF8NamesTheFileAndLine() {
        let data = Data([0x61, 0x0A, 0x62, 0x0A, 0x63, 0xFF, 0x0A, 0x64])
        XCTAssertThrowsError(try TextLines.lines(of: data, path: "hyp.txt")) { error in
            XCTAssertEqual(error as? EvaluationError, .invalidUTF8(path: "hyp.txt", line: 3))
            XCTAssertTrue("\(error)".contains("hyp.txt, line 3"), "\(error)")
        }
    }

    func testMissingFileAndDirectoryAreUnreadable() {
        XCTAssertThrowsError(try TextLines.read(path: "/nonexistent/ref.de")) { error in
            XCTAssertEqual(error as? EvaluationError, .unreadableFile(path: "/nonexistent/ref.de", reason: "no such file"))
        }
        let directory = FileManager.default.temporaryDirectory.path
        XCTAssertThrowsError(try TextLines.read(path: directory)) { error in
            XCTAssertEqual(error as? EvaluationError, .unreadableFile(path: directory, reason: "it is a directory"))
        }
    }

    /// The message a user reads when the files disagree, from real files of 9 and 10 lines.
    func testLineCountMismatchNamesBothFilesAndCounts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let hypotheses = folder.appendingPathComponent("hyp.de"), references = folder.appendingPathComponent("ref.de")
        try Data(String(repeating: "ein Hund\n", count: 9).utf8).write(to: hypotheses)
        try Data(String(repeating: "a dog\n", count: 10).utf8).write(to: references)
        XCTAssertThrowsError(try ScoringInput.load(hypothesisPath: hypotheses.path, referencePaths: [references.path])) { error in
            XCTAssertEqual("\(error)", "\(hypotheses.path) has 9 lines but \(references.path) has 10; hypotheses and references "
                + "must be line-aligned (one output line per reference line)")
        }
    }
}

/// Loading hypotheses and references for `nmt bleu`, and the JSON it prints.
final class ScoringInputTests: XCTestCase {
    private func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testLoadsAlignedFilesAndKeepsEmptyLines() throws {
        let hypotheses = try temporaryFile("the cat\n\nend  \n")
        let first = try temporaryFile("the cat sat\nsomething\nend\n")
        let second = try temporaryFile("a cat\n\nthe end")
        let input = try ScoringInput.load(hypothesisPath: hypotheses, referencePaths: [first, second])
        XCTAssertEqual(input.hypotheses, ["the cat", "", "end"])
        XCTAssertEqual(input.references, [["the cat sat", "something", "end"], ["a cat", "", "the end"]])
    }

    func testMismatchedLineCountsNameBothFilesAndCounts() throws {
        let hypotheses = try temporaryFile("a\nb\n")
        let reference = try temporaryFile("a\nb\nc\n")
        XCTAssertThrowsError(try ScoringInput.load(hypothesisPath: hypotheses, referencePaths: [reference])) { error in
            XCTAssertEqual(error as? EvaluationError, .lineCountMismatch(hypothesisPath: hypotheses, hypothesisLines: 2,
                                                                         referencePath: reference, referenceLines: 3))
        }
    }

    func testNoHypothesisLineIsAnError() throws {
        let empty = try temporaryFile("")
        XCTAssertThrowsError(try ScoringInput.load(hypothesisPath: empty, referencePaths: [empty])) { error in
            XCTAssertEqual(error as? EvaluationError, .noSentences(path: empty))
        }
    }

    func testJSONCarriesSacreBLEUsKeysAndTheExactNumbers() throws {
        let score = BLEU.corpusScore(hypotheses: ["a b c d"], references: [["a b c d e f g h"]])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(score.json(width: 2).utf8)) as? [String: Any])
        XCTAssertEqual(object["name"] as? String, "BLEU")
        XCTAssertEqual(object["score"] as? Double, 36.79)
        XCTAssertEqual(object["tok"] as? String, "13a")
        XCTAssertEqual(object["hyp_len"] as? Int, 4)
        XCTAssertEqual(try XCTUnwrap(object["exact_score"] as? Double), score.score, accuracy: 1e-12)
        let chrf = CHRF.corpusScore(hypotheses: ["\"quoted\"\t"], references: [["quoted"]])
        let chrfObject = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(chrf.json().utf8)) as? [String: Any])
        XCTAssertEqual(chrfObject["nc"] as? String, "6")
        XCTAssertEqual(JSONText.string("a\"b\\c\u{1}"), "\"a\\\"b\\\\c\\u0001\"")
    }

    /// The one JSON string writer: what JSONSerialization reads back is the text, also with the extra escapes
    /// YAML needs, and XML text escapes its five characters.
    func testJSONStringsReadBackAndXMLTextEscapes() throws {
        let text = "tab\there \u{85}NEL \u{2028}LS é \u{1F600} \u{1F}"
        for written in [JSONText.string(text), JSONText.string(text) { $0.value == 0x85 || $0.value == 0x2028 }] {
            let read = try JSONSerialization.jsonObject(with: Data(written.utf8), options: [.fragmentsAllowed]) as? String
            XCTAssertEqual(read, text, written)
        }
        XCTAssertTrue(JSONText.string(text) { $0.value == 0x2028 }.contains("\\u2028"))
        XCTAssertFalse(JSONText.string(text).contains("\\u2028"))
        XCTAssertEqual(XMLText.escaped("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
    }
}
