import Foundation
import XCTest
import TestSupport

/// The fast translation paths through the binary: several batches at once (`--threads`) and the
/// vocabulary shortlist (`nmt shortlist`, `--shortlist`), on the shared reverse-task model.
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
}
