import XCTest
import TestSupport
import Tokenization

/// `detokenize(tokenize(L)) == normalize(L)` byte for byte, on every shipped corpus, on Multi30k when it
/// is beside the checkout, and on a multi-script fixture.
final class RoundTripTests: XCTestCase {
    /// Asserts the round trip for every line, and that no token holds whitespace. Returns the tokens.
    @discardableResult
    func assertRoundTrip(_ lines: [String], _ tokenizer: Tokenizer, name: String,
                         file: StaticString = #filePath, line: UInt = #line) -> [[String]] {
        var failures = 0
        var all: [[String]] = []
        for (index, text) in lines.enumerated() {
            let tokens = tokenizer.tokenize(text)
            all.append(tokens)
            let back = Tokenizer.detokenize(tokens)
            let expected = tokenizer.normalize(text)
            if !back.utf8.elementsEqual(expected.utf8) || tokens.contains(where: Self.holdsWhitespace) {
                failures += 1
                if failures <= 3 {
                    XCTFail("\(name):\(index + 1): \(expected.debugDescription) → \(tokens) → \(back.debugDescription)", file: file, line: line)
                }
            }
        }
        XCTAssertEqual(failures, 0, "\(name): \(failures) lines do not round-trip", file: file, line: line)
        return all
    }

    static func holdsWhitespace(_ token: String) -> Bool {
        token.isEmpty || token.unicodeScalars.contains { scalar in
            scalar.isASCII ? scalar == " " || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
        }
    }

    func testEveryShippedCorpusRoundTrips() throws {
        let corpora = RepositoryPaths.root.appendingPathComponent("corpora")
        let tokenizer = try Tokenizer()
        var files = 0
        for folder in ["reverse", "toy-en-de"] {
            let url = corpora.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where !name.hasSuffix(".md") {
                let path = url.appendingPathComponent(name).path
                let lines = try CorpusReader.readLines(path: path)
                XCTAssertGreaterThanOrEqual(lines.count, 200, path)
                assertRoundTrip(lines, tokenizer, name: path)
                // Shipped corpora are NFC already, so the round trip gives the line itself.
                XCTAssertEqual(lines.map { tokenizer.normalize($0) }, lines, path)
                files += 1
            }
        }
        XCTAssertEqual(files, 12)
    }

    func testMulti30kRoundTripsInAllFourLanguages() throws {
        guard let folder = RepositoryPaths.multi30k else {
            throw XCTSkip("Multi30k is not at \(RepositoryPaths.root.deletingLastPathComponent().path)/shared/corpora/multi30k "
                + "(corpora/multi30k/fetch.sh downloads it)")
        }
        let tokenizer = try Tokenizer()
        var languages = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            let path = folder.appendingPathComponent(name).path
            let lines = try CorpusReader.readLines(path: path)
            assertRoundTrip(lines, tokenizer, name: path)
            languages.insert(String(name.split(separator: ".").last!))
        }
        XCTAssertEqual(languages, ["en", "de", "fr", "cs"])
    }

    func fixtureLines() throws -> [String] {
        try CorpusReader.readLines(path: RepositoryPaths.fixtures.appendingPathComponent("tokenization/multiscript.txt").path)
    }

    func testMultiScriptFixtureRoundTripsUnderEveryOption() throws {
        let lines = try fixtureLines()
        XCTAssertEqual(lines.count, 21)
        for normalization in TextNormalization.allCases {
            for lowercase in [false, true] {
                let tokenizer = try Tokenizer(options: .init(normalization: normalization, lowercase: lowercase))
                assertRoundTrip(lines, tokenizer, name: "multiscript \(normalization) lowercase=\(lowercase)")
            }
        }
        // Without normalization the round trip is the raw line, decomposed accents included.
        let raw = try Tokenizer(options: .init(normalization: .none))
        for text in lines { XCTAssertEqual(Array(Tokenizer.detokenize(raw.tokenize(text)).utf8), Array(text.utf8)) }
    }

    func testDictionaryScriptsSplitIntoSeveralWords() throws {
        let tokenizer = try Tokenizer()
        let lines = try fixtureLines()
        for code in ["zh", "ja", "th", "lo", "km"] {
            let text = try XCTUnwrap(lines.first { $0.hasPrefix(code + " ") }).dropFirst(code.count + 1)
            let words = tokenizer.tokenize(String(text)).filter { token in
                TokenMarkers.parts(of: token).core.contains { $0.isLetter }
            }
            XCTAssertGreaterThan(words.count, 1, "\(code): \(words)")
            // No space anywhere in these sentences (beyond one in lo/km), so the words came from ICU's dictionaries.
            XCTAssertGreaterThan(words.count, text.filter { $0 == " " }.count + 1, "\(code): \(words)")
        }
    }

    func testEmojiSequencesStayWhole() throws {
        let tokens = try Tokenizer().tokenize("👨\u{200D}👩\u{200D}👧\u{200D}👦 🇯🇵🇫🇷 👍🏿")
        XCTAssertEqual(tokens, ["👨\u{200D}👩\u{200D}👧\u{200D}👦", "🇯🇵", TokenMarkers.joinerString + "🇫🇷", "👍🏿"])
    }

    func testBPEPipelineRoundTripsTheToyCorpus() throws {
        let corpus = RepositoryPaths.root.appendingPathComponent("corpora/toy-en-de")
        let train = try CorpusReader.readLines(path: corpus.appendingPathComponent("train.de").path)
        let valid = try CorpusReader.readLines(path: corpus.appendingPathComponent("valid.de").path)
        let tokenizer = try Tokenizer()
        var learner = BPELearner()
        for line in train.prefix(5000) { learner.add(tokens: tokenizer.tokenize(line)) }
        let merges = learner.learn(merges: 300)
        XCTAssertEqual(merges.pairs.count, 300)
        let pipeline = try TextPipeline(merges: merges)
        var subwordsSeen = 0
        for line in valid + (try fixtureLines()) {
            let tokens = pipeline.encode(line)
            subwordsSeen += tokens.filter { $0.hasSuffix(TokenMarkers.joinerString) }.count
            XCTAssertEqual(pipeline.decode(tokens), pipeline.tokenizer.normalize(line))
        }
        XCTAssertGreaterThan(subwordsSeen, 0)
    }
}
