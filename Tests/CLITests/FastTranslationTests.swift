import Foundation
import XCTest
import TestSupport

/// The fast translation paths through the binary: several batches at once (`--threads`), the
/// vocabulary shortlist (`nmt shortlist`, `--shortlist`) and reduced precision (`--precision`), on the
/// shared reverse-task model.
final class FastTranslationTests: XCTestCase {
    let validSource = RepositoryPaths.root.appendingPathComponent("corpora/reverse/valid.src").path

    func testTwoThreadsWriteTheSameBytesAsOne() throws {
        let shared = try SharedModel.get()
        for search in [["--beam", "5", "--n-best", "2"], ["--beam", "1"]] {
            let common = ["translate", "--model", shared.model, "--input", validSource, "--batch-size", "7"] + search
            let one = try CLIRunner.run(common + ["--threads", "1"])
            let two = try CLIRunner.run(common + ["--threads", "2"])
            XCTAssertEqual(one.status, 0, one.stderr)
            XCTAssertEqual(two.status, 0, two.stderr)
            XCTAssertFalse(one.stdout.isEmpty)
            XCTAssertEqual(two.stdout, one.stdout, "\(search): two threads changed the output")
        }
        let bad = try CLIRunner.run(["translate", "--model", shared.model, "--threads", "0"], stdin: "a b\n")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--threads must be from 1 to 256"), bad.stderr)
    }

    func testAShortlistOfEverythingChangesNothingAndASmallOneStillTranslates() throws {
        let shared = try SharedModel.get()
        let work = try temporaryFolder("shortlist")
        defer { try? FileManager.default.removeItem(at: work) }
        let model = try shared.copy(to: work)
        let plain = try CLIRunner.run(["translate", "--model", model, "--input", validSource, "--beam", "3"])
        XCTAssertEqual(plain.status, 0, plain.stderr)

        let missing = try CLIRunner.run(["translate", "--model", model, "--input", validSource, "--shortlist"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("make it with `nmt shortlist --model"), missing.stderr)

        // Every target token is frequent enough to be on the list: the same translations.
        let everything = try CLIRunner.run(["shortlist", "--model", model, "--frequent", "1000"])
        XCTAssertEqual(everything.status, 0, everything.stderr)
        let listed = try CLIRunner.run(["translate", "--model", model, "--input", validSource, "--beam", "3", "--shortlist"])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertEqual(listed.stdout, plain.stdout)

        // A small list: the reverse task copies its source, so the co-occurring tokens suffice.
        let small = try CLIRunner.run(["shortlist", "--model", model, "--frequent", "0", "--per-source", "3"])
        XCTAssertEqual(small.status, 0, small.stderr)
        let text = try String(contentsOfFile: model + "/shortlist.tsv", encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("#swiftnmt-shortlist-1\tfrequent=0\tper_source=3\n<frequent>\t\n"), text)
        let shortlisted = try CLIRunner.run(["translate", "--model", model, "--input", validSource, "--beam", "3", "--shortlist"])
        XCTAssertEqual(shortlisted.status, 0, shortlisted.stderr)
        let same = zip(outputLines(shortlisted.stdout), outputLines(plain.stdout)).filter { $0 == $1 }.count
        XCTAssertGreaterThanOrEqual(same, outputLines(plain.stdout).count * 9 / 10, "a per-source list keeps the reverse task's tokens")

        try (text + "zz\tb\n").write(toFile: model + "/shortlist.tsv", atomically: true, encoding: .utf8)
        let damaged = try CLIRunner.run(["translate", "--model", model, "--input", validSource, "--shortlist"])
        XCTAssertNotEqual(damaged.status, 0)
        let lineNumber = text.split(separator: "\n").count + 1
        XCTAssertTrue(damaged.stderr.contains("shortlist.tsv:\(lineNumber): the source token `zz` is not in the model's source vocabulary"),
                      damaged.stderr)
    }

    /// `--precision` gives nearly f32's translations: 9 lines in 10 the same, and each of those with its
    /// log-probability (`--n-best 1`) within `tolerance` of f32's.
    func assertTranslatesNearlyLikeF32(_ precision: String, tolerance: Float, file: StaticString = #filePath, line: UInt = #line) throws {
        let shared = try SharedModel.get()
        let common = ["translate", "--model", shared.model, "--input", validSource, "--beam", "3", "--n-best", "1"]
        let exact = try CLIRunner.run(common), reduced = try CLIRunner.run(common + ["--precision", precision])
        XCTAssertEqual(exact.status, 0, exact.stderr, file: file, line: line)
        XCTAssertEqual(reduced.status, 0, reduced.stderr, file: file, line: line)
        // sentence ||| text ||| logprob=L ||| score
        func entries(_ text: String) -> [(text: String, logProbability: Float)] {
            outputLines(text).map { line in
                let fields = line.components(separatedBy: " ||| ")
                return (fields.count == 4 ? fields[1] : line, fields.count == 4 ? Float(fields[2].dropFirst("logprob=".count)) ?? .nan : .nan)
            }
        }
        let a = entries(exact.stdout), b = entries(reduced.stdout)
        XCTAssertEqual(a.count, 200, file: file, line: line)
        XCTAssertEqual(b.count, a.count, file: file, line: line)
        let same = zip(a, b).filter { $0.text == $1.text }
        XCTAssertGreaterThanOrEqual(same.count, a.count * 9 / 10, "\(precision): lines that f32 translates otherwise", file: file, line: line)
        let worst = same.map { abs($0.logProbability - $1.logProbability) }.max() ?? .nan
        XCTAssertLessThanOrEqual(worst, tolerance, "\(precision): log-probabilities of the same lines", file: file, line: line)
        XCTAssertGreaterThan(worst, 0, "\(precision) must change the products", file: file, line: line)
    }

    func testInt8TranslatesNearlyLikeF32() throws {
        try assertTranslatesNearlyLikeF32("int8", tolerance: 0.1)
    }

    func testBF16TranslatesNearlyLikeF32() throws {
        try skipUnlessBF16Products()
        try assertTranslatesNearlyLikeF32("bf16", tolerance: 0.03)
    }

    /// Without AVX512-BF16 (here: oneDNN held to AVX512-VNNI, as on a CPU that has no bf16), bf16 stops
    /// before translating with one line that names the feature and the other precisions.
    func testBF16WithoutTheCPUFeatureFailsWithOneClearLine() throws {
        let shared = try SharedModel.get()
        let child = try RunningNMT(["translate", "--model", shared.model, "--input", validSource, "--precision", "bf16"],
                                   stdoutToFile: true, environment: ["ONEDNN_MAX_CPU_ISA": "AVX512_CORE_VNNI"])
        try child.closeInput()
        let refused = try child.finish()
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertEqual(refused.stdout, "", "nothing is translated")
        XCTAssertEqual(outputLines(refused.stderr), [
            "error: bf16 products need a CPU with AVX512-BF16 (avx512_bf16 in /proc/cpuinfo), and this one has none (oneDNN runs "
                + "at most avx512_core_vnni here); translate with --precision int8 or --precision f32 instead",
        ])
        let unknown = try CLIRunner.run(["translate", "--model", shared.model, "--precision", "fp16"], stdin: "a b\n")
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("--precision must be f32, bf16 or int8, not fp16"), unknown.stderr)
    }
}
