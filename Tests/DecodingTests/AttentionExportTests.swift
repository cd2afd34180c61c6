import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Decoding

final class AttentionExportTests: XCTestCase {
    private let alignment = AttentionAlignment(
        sentence: 2, source: ["a", "<unk>", "dog & \"cat\""], target: ["ein", "Hund", "</s>"],
        attention: [[0.8, 0.1, 0.1], [0, 0.25, 0.75], [0.5, 0.5, 0]])

    func testJSONLineRoundTripsAndIsOneLine() throws {
        let line = try AttentionExport.jsonLine(alignment)
        XCTAssertFalse(line.contains("\n"))
        XCTAssertTrue(line.hasPrefix(#"{"attention":[[0.8,0.1,0.1],[0,0.25,0.75],[0.5,0.5,0]],"sentence":2,"#), line)
        let decoded = try JSONDecoder().decode(AttentionAlignment.self, from: Data(line.utf8))
        XCTAssertEqual(decoded, alignment)
    }

    func testSVGIsWellFormedWithOneSquarePerWeightAndEscapedLabels() throws {
        let svg = AttentionExport.svg(alignment)
        let parser = XMLParser(data: Data(svg.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        XCTAssertTrue(parser.parse(), "\(String(describing: parser.parserError))")
        XCTAssertEqual(counter.counts["rect"], 1 + 9)  // background + 3 × 3 cells
        XCTAssertEqual(counter.counts["text"], 3 + 3)  // labels
        XCTAssertTrue(svg.contains("&lt;unk&gt;"))
        XCTAssertTrue(svg.contains("dog &amp; &quot;cat&quot;"))
        XCTAssertTrue(svg.contains(#"fill="rgb(51,51,51)""#))     // 0.8 → 255 · 0.2
        XCTAssertTrue(svg.contains(#"fill="rgb(255,255,255)""#))  // 0 → white
    }

    /// Labels are the tokens' text: no joiner `￭` (a missing glyph in common fonts) and no escape is drawn.
    func testSVGLabelsTokensAsTextWithoutTheTokenizersMarks() throws {
        let marked = AttentionAlignment(sentence: 0, source: ["Hun\u{FFED}", "d", "\u{FFED}.", "\u{FFEE}0020"],
                                        target: ["Dog", "\u{FFED}!", "</s>"], attention: Array(repeating: [0.25, 0.25, 0.25, 0.25], count: 3))
        let svg = AttentionExport.svg(marked)
        XCTAssertFalse(svg.contains("\u{FFED}") || svg.contains("\u{FFEE}"), svg)
        XCTAssertEqual(["Hun\u{FFED}", "d", "\u{FFED}.", "\u{FFEE}0020", "\u{FFED}!", "</s>"].map(AttentionExport.label),
                       ["Hun", "d", ".", "␣", "!", "</s>"])
        XCTAssertTrue(svg.contains(">Hun</text>") && svg.contains(">.</text>") && svg.contains("! ← Hun: 0.250"), svg)
    }

    func testAlignmentFromAHypothesisAddsTheEndRowAndCutsExtraColumns() throws {
        let hypothesis = Hypothesis(tokens: [4], logProbability: -1, score: -1, attention: [[0.5, 0.5, 9], [1, 0, 9]])
        let made = try XCTUnwrap(AttentionAlignment(sentence: 0, source: ["x", "y"], target: ["z"], hypothesis: hypothesis))
        XCTAssertEqual(made.target, ["z", "</s>"])
        XCTAssertEqual(made.attention, [[0.5, 0.5], [1, 0]])
        XCTAssertNil(AttentionAlignment(sentence: 0, source: ["x"], target: ["z"],
                                        hypothesis: Hypothesis(tokens: [4], logProbability: -1, score: -1)))
    }

    func testSVGFileNamesSortInInputOrder() {
        XCTAssertEqual(AttentionExport.svgFileName(sentence: 42), "sentence-000042.svg")
        XCTAssertEqual(AttentionExport.svgFileName(sentence: 1_234_567), "sentence-1234567.svg")
    }
}

/// Counts the elements an XML parser meets, by name.
private final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        counts[elementName, default: 0] += 1
    }
}
