import Foundation
import XCTest
import TestSupport

/// `tokenize`, `detokenize`, `build-vocab --input` and `plot --by-step` through the binary, each against
/// output derived by hand (the tokenizer's from the examples of docs/tokenization.md).
final class TextCommandTests: XCTestCase {
    var work: URL!
    override func setUpWithError() throws { work = try temporaryFolder("text-cli") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    private func nmt(_ arguments: [String], stdin: String? = nil) throws -> String {
        let run = try CLIRunner.run(arguments, stdin: stdin)
        XCTAssertEqual(run.status, 0, "\(arguments): \(run.stderr)")
        return run.stdout
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let url = work.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testTokenizeMarksJoinsAndDetokenizeRestoresTheText() throws {
        let lines = ["Hello, world!", "(yes)", "Der Hund, der bellt.", "你好世界。", "", "two  spaces"]
        let expected = ["Hello ￭, world ￭!", "(￭ yes ￭)", "Der Hund ￭, der bellt ￭.", "你好 ￭世界 ￭。", "", "two ￮0020￮0020 spaces"]
        let input = lines.joined(separator: "\n") + "\n"
        let tokens = try nmt(["tokenize"], stdin: input)
        XCTAssertEqual(outputLines(tokens), expected)
        XCTAssertEqual(try nmt(["detokenize"], stdin: tokens), input, "tokenize | detokenize is the identity")
        // Files instead of the standard streams, and the lossy lowercase.
        let source = try write("in.txt", input), tokenized = work.appendingPathComponent("out.tok").path
        _ = try nmt(["tokenize", "--input", source, "--output", tokenized, "--lowercase"])
        XCTAssertEqual(try readLines(tokenized)[2], "der hund ￭, der bellt ￭.")
    }

    /// The ad-hoc form counts all inputs together: specials first, then by count, then by bytes; BPE merges
    /// are learned first and written beside the vocabulary.
    func testBuildVocabFromInputFiles() throws {
        let first = try write("a.txt", "the cat\nthe dog\n"), second = try write("b.txt", "the cat sat\n")
        let all = work.appendingPathComponent("all.vocab").path
        _ = try nmt(["build-vocab", "--input", first, second, "--output", all])
        let specials = ["<pad>\t0", "<unk>\t0", "<s>\t0", "</s>\t0"]
        XCTAssertEqual(try readLines(all), specials + ["the\t3", "cat\t2", "dog\t1", "sat\t1"])
        let frequent = work.appendingPathComponent("frequent.vocab").path
        _ = try nmt(["build-vocab", "--input", first, second, "--output", frequent, "--min-frequency", "2"])
        XCTAssertEqual(try readLines(frequent), specials + ["the\t3", "cat\t2"])
        let small = work.appendingPathComponent("small.vocab").path
        _ = try nmt(["build-vocab", "--input", first, second, "--output", small, "--max-size", "5"])
        XCTAssertEqual(try readLines(small), specials + ["the\t3"])

        // "ab" four times and "c" once: the pair (a￭, b) occurs 4 times, nothing else twice, so one merge.
        let corpus = try write("ab.txt", "ab ab ab\nab c\n")
        let bpe = work.appendingPathComponent("bpe.vocab").path
        _ = try nmt(["build-vocab", "--input", corpus, "--output", bpe, "--bpe-merges", "5"])
        let merges = work.appendingPathComponent("bpe.merges").path
        XCTAssertEqual(try readLines(merges), ["#swiftnmt-bpe v1", "a￭ b"])
        XCTAssertEqual(try readLines(bpe), specials + ["ab\t4", "c\t1"])
        // The merge joins a￭ with a word-final b only: "abc" keeps its pieces, "cab" ends in "ab".
        XCTAssertEqual(try nmt(["tokenize", "--bpe", merges], stdin: "ab abc cab\n"), "ab a￭ b￭ c c￭ ab\n")
        XCTAssertEqual(try nmt(["detokenize"], stdin: "ab a￭ b￭ c c￭ ab\n"), "ab abc cab\n")
    }

    /// `plot --by-step` puts the training step on the x axis: its ticks reach the last step (900), where
    /// wall-clock minutes of this short run stay below a few minutes.
    func testPlotByStepUsesStepsOnTheXAxis() throws {
        let shared = try SharedModel.get()
        func largestXTick(_ arguments: [String], _ file: String) throws -> (Double, String) {
            let svgPath = work.appendingPathComponent(file).path
            _ = try nmt(["plot", shared.model, "--output", svgPath] + arguments)
            let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
            let ticks = try NSRegularExpression(pattern: #"text-anchor="middle">([0-9.]+)</text>"#)
                .matches(in: svg, range: NSRange(svg.startIndex..., in: svg))
                .compactMap { Range($0.range(at: 1), in: svg).flatMap { Double(svg[$0]) } }
            return (ticks.max() ?? .nan, svg)
        }
        let (steps, stepSVG) = try largestXTick(["--by-step"], "steps.svg")
        XCTAssertGreaterThanOrEqual(steps, 900, stepSVG)
        XCTAssertLessThan(steps, 2000, stepSVG)
        XCTAssertTrue(stepSVG.contains(">step</text>"), stepSVG)
        XCTAssertTrue(stepSVG.contains("<title>\(shared.model)</title>tiny</text>"), "the run is named by its recipe: \(stepSVG)")
        let (minutes, minuteSVG) = try largestXTick([], "minutes.svg")
        XCTAssertLessThan(minutes, 10, minuteSVG)
        XCTAssertTrue(minuteSVG.contains(">minutes of training</text>"), minuteSVG)
    }
}
