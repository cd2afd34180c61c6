import Foundation
import XCTest
import TestSupport

/// `nmt translate`'s flags through the binary, on the shared reverse-task model whose expected output is
/// known for every line: the source reversed, with `a`, `s` and `f` as `<unk>` unless replaced.
final class TranslateFlagTests: XCTestCase {
    let validSource = RepositoryPaths.root.appendingPathComponent("corpora/reverse/valid.src").path
    let validTarget = RepositoryPaths.root.appendingPathComponent("corpora/reverse/valid.tgt").path

    /// How many of `lines` equal `expected` line by line (the model is good, not perfect: a few may differ).
    private func matches(_ lines: [String], _ expected: [String]) -> Int {
        zip(lines, expected).filter { $0 == $1 }.count
    }

    func testReplaceUnkWritesTheAttendedSourceTokens() throws {
        let shared = try SharedModel.get()
        let sources = try readLines(validSource)
        let plain = try CLIRunner.run(["translate", "--model", shared.model, "--input", validSource])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let plainLines = outputLines(plain.stdout)
        XCTAssertEqual(plainLines.count, sources.count)
        XCTAssertGreaterThanOrEqual(matches(plainLines, sources.map { SharedModel.reversed($0, replacingUnknown: false) }), 196)
        XCTAssertGreaterThan(plainLines.filter { $0.contains("<unk>") }.count, 50, "the fixture must produce <unk>s to replace")

        let replaced = try CLIRunner.run(["translate", "--model", shared.model, "--input", validSource, "--replace-unk"])
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        let replacedLines = outputLines(replaced.stdout)
        XCTAssertEqual(replacedLines.count, sources.count)
        XCTAssertEqual(replacedLines.filter { $0.contains("<unk>") }, [], "every <unk> is replaced")
        XCTAssertGreaterThanOrEqual(matches(replacedLines, sources.map { SharedModel.reversed($0, replacingUnknown: true) }), 196)
    }

    /// `decode.replace_unk: true` in the recipe acts as `--replace-unk` does, in `translate` and in the BLEU
    /// that validation reports during training: that BLEU equals what `translate` and `bleu` give on the
    /// validation split with the same weights.
    func testRecipeReplaceUnkActsInTranslateAndInValidationBLEU() throws {
        let shared = try SharedModel.get()
        let work = try temporaryFolder("recipe-replace-unk")
        defer { try? FileManager.default.removeItem(at: work) }
        let model = try shared.copy(to: work)
        // decode.* may change on resume; 30 more steps end with a validation at step 930.
        let resumed = try CLIRunner.run(["train", "recipes/tiny.yaml", "--resume", "--output", model] + shared.overrides
            + ["--set", "decode.replace_unk=true", "--set", "train.max_steps=930", "--set", "train.validate_every=30"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)

        let translated = try CLIRunner.run(["translate", "--model", model, "--input", validSource,
                                            "--checkpoint", model + "/model.safetensors"])
        XCTAssertEqual(translated.status, 0, translated.stderr)
        let lines = outputLines(translated.stdout)
        XCTAssertEqual(lines.filter { $0.contains("<unk>") }, [], "decode.replace_unk replaces every <unk>")
        let sources = try readLines(validSource)
        XCTAssertGreaterThanOrEqual(matches(lines, sources.map { SharedModel.reversed($0, replacingUnknown: true) }), 196)

        let hypotheses = work.appendingPathComponent("valid.hyp").path
        try translated.stdout.write(toFile: hypotheses, atomically: true, encoding: .utf8)
        let scored = try CLIRunner.run(["bleu", validTarget, "--input", hypotheses, "--score-only", "--width", "6"])
        XCTAssertEqual(scored.status, 0, scored.stderr)
        let bleu = try XCTUnwrap(Double(scored.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), scored.stdout)
        let validations = try metricEvents(model + "/metrics.jsonl", event: "valid")
        let last = try XCTUnwrap(validations.last)
        XCTAssertEqual(last["step"] as? Int, 930)
        XCTAssertEqual(try XCTUnwrap(last["bleu"] as? Double), bleu, accuracy: 1e-4, "validation BLEU is translate + bleu")
        XCTAssertGreaterThan(bleu, 95)
    }

    /// Each sentence's attention: one row per target token (and `</s>`) over the source tokens, rows summing
    /// to 1; the reverse task's model looks at the mirrored position, so row i peaks at source token S−1−i.
    func testAttentionJSONLinesAndSVGs() throws {
        let shared = try SharedModel.get()
        let work = try temporaryFolder("attention")
        defer { try? FileManager.default.removeItem(at: work) }
        let jsonl = work.appendingPathComponent("align.jsonl").path, pictures = work.appendingPathComponent("svg").path
        let input = "b c d e\n\ng h\nk l m n o p q r\n"
        let run = try CLIRunner.run(["translate", "--model", shared.model, "--attention", jsonl, "--attention-svg", pictures],
                                    stdin: input)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(outputLines(run.stdout), ["e d c b", "", "h g", "r q p o n m l k"])
        let objects = try readLines(jsonl).map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], $0)
        }
        // An empty line has no attention to write, but it keeps its place in the numbering.
        let sources = outputLines(input).filter { !$0.isEmpty }
        XCTAssertEqual(objects.map { $0["sentence"] as? Int }, [0, 2, 3])
        var peaks = 0, rows = 0
        for (object, line) in zip(objects, sources) {
            let source = try XCTUnwrap(object["source"] as? [String]), target = try XCTUnwrap(object["target"] as? [String])
            let matrix = try XCTUnwrap(object["attention"] as? [[Double]])
            XCTAssertEqual(source, line.split(separator: " ").map(String.init))
            XCTAssertEqual(target, SharedModel.reversed(line, replacingUnknown: true).split(separator: " ").map(String.init) + ["</s>"])
            XCTAssertEqual(matrix.count, target.count, line)
            for (i, row) in matrix.enumerated() {
                XCTAssertEqual(row.count, source.count, line)
                XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-4, "row \(i) of \(line)")
                guard i < source.count else { continue }  // the </s> row has no mirrored token
                rows += 1
                if row.firstIndex(of: row.max()!) == source.count - 1 - i { peaks += 1 }
            }
        }
        XCTAssertEqual(rows, 14)
        XCTAssertGreaterThanOrEqual(peaks, 13, "attention follows the mirrored source position")

        let svgs = try FileManager.default.contentsOfDirectory(atPath: pictures).sorted()
        XCTAssertEqual(svgs, [0, 2, 3].map { String(format: "sentence-%06d.svg", $0) })
        let third = try String(contentsOfFile: pictures + "/sentence-000002.svg", encoding: .utf8)
        XCTAssertTrue(third.hasPrefix("<svg"), third)
        for token in ["g", "h", "&lt;/s&gt;"] { XCTAssertTrue(third.contains(">\(token)</text>"), "\(token) in \(third)") }
    }

    /// `--n-best K`: K lines per sentence, `INDEX ||| TRANSLATION ||| logprob=… ||| SCORE`, distinct, best first,
    /// the first being the 1-best translation.
    func testNBestListsKDistinctHypothesesBestFirst() throws {
        let shared = try SharedModel.get()
        let input = "b c d\nk l m n\n"
        let best = try CLIRunner.run(["translate", "--model", shared.model, "--beam", "4"], stdin: input)
        let run = try CLIRunner.run(["translate", "--model", shared.model, "--beam", "4", "--n-best", "3"], stdin: input)
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = outputLines(run.stdout)
        XCTAssertEqual(lines.count, 6, run.stdout)
        for sentence in 0..<2 {
            let entries = lines[(3 * sentence)..<(3 * sentence + 3)].map { $0.components(separatedBy: " ||| ") }
            XCTAssertEqual(entries.map(\.count), [4, 4, 4])
            XCTAssertEqual(entries.map { $0[0] }, Array(repeating: "\(sentence)", count: 3))
            XCTAssertEqual(entries[0][1], outputLines(best.stdout)[sentence], "the first entry is the 1-best translation")
            XCTAssertEqual(Set(entries.map { $0[1] }).count, 3, "distinct hypotheses: \(entries)")
            let scores = entries.map { Double($0[3]) ?? .nan }
            XCTAssertEqual(scores, scores.sorted(by: >), "best first: \(scores)")
            for entry in entries {
                XCTAssertTrue(entry[2].hasPrefix("logprob="), "\(entry)")
                XCTAssertLessThan(Double(entry[2].dropFirst("logprob=".count)) ?? .nan, 0)
            }
        }
    }

    /// The length limit is ⌊ratio · S⌋ + offset output tokens: with ratio 0.5 and offset 0 no output is longer
    /// than half its source (the reverse task's outputs are as long as their sources, so most are cut), and the
    /// default offset of 5 lets a 4-token source give its whole reversal.
    func testMaxLengthOffsetAndRatioBoundTheOutput() throws {
        let shared = try SharedModel.get()
        let input = "b c d e\nk l m n o p\n"
        let cut = try CLIRunner.run(["translate", "--model", shared.model, "--max-length-ratio", "0.5", "--max-length-offset", "0"],
                                    stdin: input)
        XCTAssertEqual(cut.status, 0, cut.stderr)
        let sources = outputLines(input)
        let cutLines = outputLines(cut.stdout)
        XCTAssertEqual(cutLines.count, 2)
        for (source, line) in zip(sources, cutLines) {
            let limit = source.split(separator: " ").count / 2
            XCTAssertLessThanOrEqual(line.split(separator: " ").count, limit, "\(line) for \(source)")
        }
        let open = try CLIRunner.run(["translate", "--model", shared.model, "--max-length-ratio", "0"], stdin: "b c d e\n")
        XCTAssertEqual(open.status, 0, open.stderr)
        XCTAssertEqual(outputLines(open.stdout), ["e d c b"], "offset 5 alone is room for 4 tokens")
        let bad = try CLIRunner.run(["translate", "--model", shared.model, "--max-length-offset", "-2"], stdin: "b\n")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("max length offset") || bad.stderr.contains("max-length-offset"), bad.stderr)
    }

    /// GNMT's coverage penalty β · Σ_j log(min(c_j, 1)) is ≤ 0: with it, every n-best score is at most the
    /// score without it, at least one is strictly lower (some source token gets less than a whole unit of
    /// attention), and the log-probabilities of the 1-best hypotheses stay the model's.
    func testCoveragePenaltyLowersScoresAndKeepsLogProbabilities() throws {
        let shared = try SharedModel.get()
        let input = "b c d\nk l m n\ng h i j k l\n"
        func entries(_ extra: [String]) throws -> [[String]] {
            let run = try CLIRunner.run(["translate", "--model", shared.model, "--beam", "3", "--n-best", "1"] + extra, stdin: input)
            XCTAssertEqual(run.status, 0, run.stderr)
            return outputLines(run.stdout).map { $0.components(separatedBy: " ||| ") }
        }
        let plain = try entries([]), covered = try entries(["--coverage-penalty", "1"])
        XCTAssertEqual(plain.count, 3)
        XCTAssertEqual(covered.count, 3)
        var lower = 0
        for (p, c) in zip(plain, covered) where p[1] == c[1] {
            let (ps, cs) = (try XCTUnwrap(Double(p[3])), try XCTUnwrap(Double(c[3])))
            XCTAssertLessThanOrEqual(cs, ps + 1e-6, "\(c) vs \(p)")
            XCTAssertEqual(p[2], c[2], "the same hypothesis keeps its log-probability")
            if cs < ps - 1e-6 { lower += 1 }
        }
        XCTAssertGreaterThan(lower, 0, "the penalty changed some score: \(plain) vs \(covered)")
        let bad = try CLIRunner.run(["translate", "--model", shared.model, "--coverage-penalty", "-1"], stdin: "b\n")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("coverage"), bad.stderr)
    }

    /// `--line-by-line` answers each line before the next one is written: the test writes one line, reads
    /// its translation, and only then writes the next. A build that waited for the end of stdin would give
    /// no answer within the deadline.
    func testLineByLineAnswersEachLineBeforeTheNextArrives() throws {
        let shared = try SharedModel.get()
        let child = try RunningNMT(["translate", "--model", shared.model, "--line-by-line"])
        for (line, expected) in [("b c d", "d c b"), ("", ""), ("g h k l", "l k h g"), ("m n", "n m")] {
            try child.write(line + "\n")
            let answer = child.readLine(timeout: 20)
            XCTAssertEqual(answer, expected, "the answer to \(line.debugDescription) while stdin stays open")
            if answer == nil { break }  // no answer at all: waiting for more lines would only repeat the failure
        }
        try child.closeInput()
        let end = try child.finish(timeout: 30)
        XCTAssertEqual(end.status, 0, end.stderr)
        XCTAssertEqual(end.stdout, "", "nothing more after the last answer")
    }
}

/// The events of one kind in a metrics.jsonl, in order.
func metricEvents(_ path: String, event: String) throws -> [[String: Any]] {
    try readLines(path).compactMap { line in
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return object?["event"] as? String == event ? object : nil
    }
}
