import Foundation
import XCTest
import TestSupport

/// The four verbs end to end on recipes/tiny.yaml (the reverse task): build-vocab, train, translate with
/// beam search on held-out lines, and BLEU, which must prove that the model learned.
final class EndToEndTests: XCTestCase {
    func testTinyRecipeLearnsTheReverseTask() throws {
        let work = try temporaryFolder("e2e")
        defer { try? FileManager.default.removeItem(at: work) }
        let vocab = work.appendingPathComponent("vocab").path, model = work.appendingPathComponent("model").path
        let built = try CLIRunner.run(["build-vocab", "recipes/tiny.yaml", "--set", "vocab.directory=\(vocab)"])
        XCTAssertEqual(built.status, 0, built.stderr)
        let vocabulary = try String(contentsOfFile: vocab + "/source.vocab", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(vocabulary.prefix(4).map { $0.split(separator: "\t")[0] }, ["<pad>", "<unk>", "<s>", "</s>"])

        let trained = try CLIRunner.run(["train", "recipes/tiny.yaml", "--output", model, "--set", "vocab.directory=\(vocab)"])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        XCTAssertTrue(trained.stderr.contains("validation at step 900"), trained.stderr)
        XCTAssertTrue(trained.stderr.contains("nmt translate --model"), trained.stderr)
        for file in ["recipe.yaml", "source.vocab", "target.vocab", "model.safetensors", "best.safetensors",
                     "training-state.safetensors", "metrics.jsonl"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: model + "/" + file), file)
        }

        let test = RepositoryPaths.root.appendingPathComponent("corpora/reverse/test.src").path
        let hypotheses = work.appendingPathComponent("test.hyp").path
        let translated = try CLIRunner.run(["translate", "--model", model, "--input", test, "--output", hypotheses, "--beam", "4"])
        XCTAssertEqual(translated.status, 0, translated.stderr)
        let lines = try String(contentsOfFile: hypotheses, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count - 1, 200, "one output line per input line")

        let reference = RepositoryPaths.root.appendingPathComponent("corpora/reverse/test.tgt").path
        let scored = try CLIRunner.run(["bleu", reference, "--input", hypotheses, "--score-only"])
        XCTAssertEqual(scored.status, 0, scored.stderr)
        let bleu = try XCTUnwrap(Double(scored.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), scored.stdout)
        XCTAssertGreaterThanOrEqual(bleu, 95, "the reverse task must be learned")

        // stdin → stdout keeps every line, empty ones included.
        let piped = try CLIRunner.run(["translate", "--model", model], stdin: "a b c\n\nd e\n")
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                       ["c b a", "", "e d", ""])
        // --line-by-line answers each line as it comes, with the same translations.
        let lineByLine = try CLIRunner.run(["translate", "--model", model, "--line-by-line"], stdin: "a b c\n\nd e\n")
        XCTAssertEqual(lineByLine.status, 0, lineByLine.stderr)
        XCTAssertEqual(lineByLine.stdout, piped.stdout)

        try assertBeamScoresAtLeastGreedy(model: model)

        let plotted = try CLIRunner.run(["plot", model])
        XCTAssertEqual(plotted.status, 0, plotted.stderr)
        let svg = try String(contentsOfFile: model + "/curves.svg", encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.contains("<polyline") && svg.contains("validation BLEU"), svg)
    }

    /// Beam search maximizes the model score, so without length normalization its best hypothesis scores at
    /// least as high as greedy's on every sentence.
    private func assertBeamScoresAtLeastGreedy(model: String) throws {
        let valid = RepositoryPaths.root.appendingPathComponent("corpora/reverse/valid.src").path
        func logProbabilities(beam: Int) throws -> [Double] {
            let run = try CLIRunner.run(["translate", "--model", model, "--input", valid, "--beam", "\(beam)",
                                         "--n-best", "1", "--length-penalty", "none"])
            XCTAssertEqual(run.status, 0, run.stderr)
            return run.stdout.split(separator: "\n").map { line in
                let fields = line.components(separatedBy: " ||| ")
                guard fields.count == 4, fields[2].hasPrefix("logprob=") else { return .nan }
                return Double(fields[2].dropFirst("logprob=".count)) ?? .nan
            }
        }
        let beam = try logProbabilities(beam: 4), greedy = try logProbabilities(beam: 1)
        XCTAssertEqual(beam.count, 200)
        XCTAssertEqual(greedy.count, 200)
        for (i, (b, g)) in zip(beam, greedy).enumerated() {
            XCTAssertGreaterThanOrEqual(b, g - 1e-4, "sentence \(i): beam log-probability \(b) below greedy's \(g)")
        }
    }
}
