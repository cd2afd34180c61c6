import Foundation
import XCTest
import TestSupport

/// `nmt translate`'s ensembles, prefixes, hard alignments and windows, through the binary on the shared
/// reverse-task model (its output is the source reversed, with `a`, `s` and `f` as `<unk>`).
final class TranslateFeatureTests: XCTestCase {
    let validSource = RepositoryPaths.root.appendingPathComponent("corpora/reverse/valid.src").path

    private func translate(_ arguments: [String], stdin: String? = nil) throws -> CLIRunner.Output {
        try CLIRunner.run(["translate"] + arguments, stdin: stdin)
    }

    /// A user error: non-zero exit, one message that names the problem, no crash report.
    private func assertUserError(_ run: CLIRunner.Output, mentions parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(run.status, 0, file: file, line: line)
        for part in parts { XCTAssertTrue(run.stderr.contains(part), "\(part) not in: \(run.stderr)", file: file, line: line) }
        for crash in ["Fatal error", "Stack dump", "backtrace", "Crash"] {
            XCTAssertFalse(run.stderr.contains(crash), run.stderr, file: file, line: line)
        }
    }

    func testAnEnsembleOfTheModelWithItselfGivesItsTranslationsAndScores() throws {
        let shared = try SharedModel.get()
        for flags in [["--beam", "1"], ["--beam", "3", "--n-best", "2"]] {
            let single = try translate(["--model", shared.model, "--input", validSource] + flags)
            XCTAssertEqual(single.status, 0, single.stderr)
            let ensemble = try translate(["--model", shared.model, "--model", shared.model, "--input", validSource] + flags)
            XCTAssertEqual(ensemble.status, 0, ensemble.stderr)
            XCTAssertEqual(ensemble.stdout, single.stdout, "\(flags): translations and n-best scores are the model's")
            let weighted = try translate(["--model", shared.model, "--model", shared.model, "--weights", "3,3",
                                          "--input", validSource] + flags)
            XCTAssertEqual(weighted.stdout, single.stdout, "\(flags): weights are normalized")
        }
    }

    func testMismatchedVocabulariesAndBadWeightsAreClearErrors() throws {
        let shared = try SharedModel.get()
        let work = try temporaryFolder("ensemble-errors")
        defer { try? FileManager.default.removeItem(at: work) }
        // The same weights with two target tokens swapped: a vocabulary of the same size that means other tokens.
        let other = try shared.copy(to: work)
        var lines = try String(contentsOfFile: other + "/target.vocab", encoding: .utf8).components(separatedBy: "\n")
        lines.swapAt(5, 6)
        try lines.joined(separator: "\n").write(toFile: other + "/target.vocab", atomically: true, encoding: .utf8)
        let mismatch = try translate(["--model", shared.model, "--model", other], stdin: "b c\n")
        assertUserError(mismatch, mentions: ["target vocabularies differ", shared.model, other, "line 6"])
        XCTAssertEqual(mismatch.stdout, "")

        for (weights, message) in [("1", "has 1 weight for 2 --model"), ("1,1,1", "has 3 weights"),
                                   ("1,0", "`0` is not a positive number"), ("1,x", "`x` is not a positive number"),
                                   ("0.5,-0.5", "`-0.5` is not a positive number")] {
            let run = try translate(["--model", shared.model, "--model", shared.model, "--weights", weights], stdin: "b c\n")
            assertUserError(run, mentions: ["--weights", message])
        }
        assertUserError(try translate(["--model", shared.model, "--checkpoint", "x", "--checkpoint", "y"], stdin: "b\n"),
                        mentions: ["--checkpoint was given 2 times for 1 --model"])
    }

    /// Each output starts with its prefix, as written, also where the model would write something else and where
    /// the prefix holds letters outside the vocabulary (`a`, `f`: forced as `<unk>`, written back as given).
    func testThePrefixIsReproducedAtTheStartOfEveryOutput() throws {
        let shared = try SharedModel.get()
        let work = try temporaryFolder("prefix")
        defer { try? FileManager.default.removeItem(at: work) }
        let input = "b c d e\ng h k\nl m n o p\n\nq r\nt\n"
        let prefixes = ["e d", "", "a b c d e f g h i j k l m n o p q r", "k", "r", "t  "]
        let prefixFile = work.appendingPathComponent("prefixes").path
        try (prefixes.joined(separator: "\n") + "\n").write(toFile: prefixFile, atomically: true, encoding: .utf8)
        let plain = try translate(["--model", shared.model], stdin: input)
        for beam in ["1", "4"] {
            let run = try translate(["--model", shared.model, "--prefix", prefixFile, "--beam", beam], stdin: input)
            XCTAssertEqual(run.status, 0, run.stderr)
            let lines = outputLines(run.stdout)
            XCTAssertEqual(lines.count, 6)
            for (line, prefix) in zip(lines, prefixes) {
                XCTAssertTrue(line.hasPrefix(prefix), "beam \(beam): `\(line)` does not start with `\(prefix)`")
            }
            XCTAssertEqual(lines[0], "e d c b", "beam \(beam): a prefix the model agrees with changes nothing")
            XCTAssertEqual(lines[1], outputLines(plain.stdout)[1], "beam \(beam): an empty prefix changes nothing")
            XCTAssertEqual(lines[3], "k", "beam \(beam): an empty line gives its prefix alone")
        }
        // A file of empty prefixes changes nothing at all.
        let empty = work.appendingPathComponent("empty").path
        try String(repeating: "\n", count: 200).write(toFile: empty, atomically: true, encoding: .utf8)
        for beam in ["1", "3"] {
            let without = try translate(["--model", shared.model, "--input", validSource, "--beam", beam])
            let with = try translate(["--model", shared.model, "--input", validSource, "--beam", beam, "--prefix", empty])
            XCTAssertEqual(with.status, 0, with.stderr)
            XCTAssertEqual(with.stdout, without.stdout, "beam \(beam)")
        }
        // One prefix line per input line.
        assertUserError(try translate(["--model", shared.model, "--prefix", prefixFile], stdin: "b\n"),
                        mentions: ["prefix file", prefixFile, "has 6 lines", "has 1"])
        assertUserError(try translate(["--model", shared.model, "--prefix", prefixFile], stdin: input + "b\nc\n"),
                        mentions: ["prefix file", prefixFile, "has 6 lines", "has more"])
    }

    /// `TEXT ||| s-t …`: well-formed pairs within the word counts of the input and output lines; on the reverse
    /// task most target words align to the mirrored source word. An empty line has an empty alignment.
    func testHardAlignmentsArePharaohPairsWithinTheWordCounts() throws {
        let shared = try SharedModel.get()
        let sources = try readLines(validSource) + [""]
        let run = try translate(["--model", shared.model, "--alignment", "hard"],
                                stdin: sources.joined(separator: "\n") + "\n")
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = outputLines(run.stdout)
        XCTAssertEqual(lines.count, sources.count)
        var pairs = 0, mirrored = 0
        for (line, source) in zip(lines, sources) {
            let fields = line.components(separatedBy: " ||| ")
            XCTAssertEqual(fields.count, 2, line)
            guard fields.count == 2 else { continue }
            let sourceWords = source.split(separator: " ").count, targetWords = fields[0].split(separator: " ").count
            let alignment = fields[1].split(separator: " ", omittingEmptySubsequences: false)
            if source.isEmpty { XCTAssertEqual(line, " ||| "); continue }
            for pair in alignment {
                let parts = pair.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
                guard parts.count == 2, let s = parts[0], let t = parts[1] else { XCTFail("`\(pair)` in `\(line)`"); continue }
                XCTAssertTrue((0..<sourceWords).contains(s) && (0..<targetWords).contains(t), "\(pair) in `\(line)`")
                pairs += 1
                if s == sourceWords - 1 - t { mirrored += 1 }
            }
            // Every target word is aligned once (one subword per word here).
            XCTAssertEqual(alignment.count, targetWords, line)
        }
        XCTAssertGreaterThan(Double(mirrored), 0.9 * Double(pairs), "the reverse task aligns mirrored positions")
        assertUserError(try translate(["--model", shared.model, "--alignment", "soft"], stdin: "b\n"), mentions: ["--alignment"])
    }

    /// Windows smaller and larger than the input (and of one line) give the unwindowed bytes: translations,
    /// n-best indices and attention files alike. With one sentence per batch every window makes the same
    /// batches; with larger batches, a window as long as the input or longer does. (Other windows put other
    /// sentences together in a batch, and batched products may round differently in the last bit.)
    func testWindowedOutputEqualsUnwindowedOutputByteForByte() throws {
        let shared = try SharedModel.get()
        let work = try temporaryFolder("windows")
        defer { try? FileManager.default.removeItem(at: work) }
        for (batch, windows) in [("1", ["1", "7", "64", "199", "200"]), ("5", ["200", "1000"])] {
            for flags in [["--beam", "2"], ["--beam", "3", "--n-best", "2"]] {
                let common = ["--model", shared.model, "--input", validSource, "--batch-size", batch] + flags
                let wholeAttention = work.appendingPathComponent("whole.jsonl").path
                let whole = try translate(common + ["--window", "100000", "--attention", wholeAttention])
                XCTAssertEqual(whole.status, 0, whole.stderr)
                let wholeJSON = try String(contentsOfFile: wholeAttention, encoding: .utf8)
                for window in windows {
                    let attention = work.appendingPathComponent("w\(window).jsonl").path
                    let run = try translate(common + ["--window", window, "--attention", attention])
                    XCTAssertEqual(run.status, 0, run.stderr)
                    XCTAssertEqual(run.stdout, whole.stdout, "batch \(batch), \(flags), window \(window)")
                    XCTAssertEqual(try String(contentsOfFile: attention, encoding: .utf8), wholeJSON,
                                   "batch \(batch), \(flags), window \(window)")
                }
            }
        }
        assertUserError(try translate(["--model", shared.model, "--window", "0"], stdin: "b\n"), mentions: ["--window"])
    }
}
