import Foundation
import XCTest
import TestSupport

/// `nmt bleu`'s flags through the binary, against what sacreBLEU 2.6.0 printed for the same inputs
/// (Tests/Fixtures/evaluation, written by Tools/sacrebleu-fixtures/generate.py): every tokenizer, smoothing,
/// lowercasing, one to three reference files, sentence BLEU, chrF and chrF++, text and JSON.
final class BleuCommandTests: XCTestCase {
    var work: URL!
    override func setUpWithError() throws { work = try temporaryFolder("bleu-cli") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    private func fixture(_ name: String) throws -> [[String: Any]] {
        let url = RepositoryPaths.fixtures.appendingPathComponent("evaluation/\(name)")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try XCTUnwrap(object["cases"] as? [[String: Any]])
    }

    /// Writes a case's hypotheses and references; returns the arguments naming them.
    private func files(_ item: [String: Any]) throws -> [String] {
        let name = try XCTUnwrap(item["name"] as? String)
        let hypotheses = try XCTUnwrap(item["hypotheses"] as? [String])
        let references = try XCTUnwrap(item["references"] as? [[String]])
        let hyp = work.appendingPathComponent("\(name).hyp")
        try Data(hypotheses.map { $0 + "\n" }.joined().utf8).write(to: hyp)
        var paths: [String] = []
        for (k, reference) in references.enumerated() {
            let url = work.appendingPathComponent("\(name).ref\(k)")
            try Data(reference.map { $0 + "\n" }.joined().utf8).write(to: url)
            paths.append(url.path)
        }
        return paths + ["--input", hyp.path]
    }

    /// sacreBLEU's line names its version; ours names ours.
    private func withoutVersion(_ line: String) -> String {
        line.replacingOccurrences(of: #"version:[0-9A-Za-z.+-]+"#, with: "version:X", options: .regularExpression)
    }

    private func bleu(_ arguments: [String]) throws -> String {
        let run = try CLIRunner.run(["bleu"] + arguments)
        XCTAssertEqual(run.status, 0, "\(arguments): \(run.stderr)")
        return run.stdout
    }

    func testCorpusBLEUTextAndJSONForEveryTokenizerSmoothingAndReferenceCount() throws {
        var checked = 0, referenceCounts = Set<Int>(), flags = Set<String>()
        for item in try fixture("bleu.json") {
            let arguments = try files(item)
            referenceCounts.insert(try XCTUnwrap(item["references"] as? [[String]]).count)
            for run in try XCTUnwrap(item["runs"] as? [[String: Any]]) where run["effective_order"] as? Bool == false {
                let corpus = try XCTUnwrap(run["corpus"] as? [String: Any])
                var options = ["--tokenize", try XCTUnwrap(run["tokenize"] as? String), "--smooth", try XCTUnwrap(run["smooth"] as? String)]
                if run["lowercase"] as? Bool == true { options.append("--lowercase") }
                flags.formUnion([options[1], options[3]] + (options.count > 4 ? ["lowercase"] : []))
                let label = "\(item["name"]!) \(options)"
                let text = try bleu(arguments + options)
                XCTAssertEqual(withoutVersion(text), withoutVersion(try XCTUnwrap(corpus["formatted"] as? String)) + "\n", label)
                let json = try bleu(arguments + options + ["--format", "json"])
                let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], json)
                XCTAssertEqual(object["name"] as? String, "BLEU", label)
                XCTAssertEqual(try XCTUnwrap(object["exact_score"] as? Double), try XCTUnwrap(corpus["score"] as? Double),
                               accuracy: 1e-4, label)
                XCTAssertEqual(object["hyp_len"] as? Int, corpus["hyp_len"] as? Int, label)
                XCTAssertEqual(object["ref_len"] as? Int, corpus["ref_len"] as? Int, label)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 60)
        XCTAssertEqual(referenceCounts, [1, 2, 3])
        XCTAssertTrue(flags.isSuperset(of: ["13a", "intl", "char", "none", "exp", "floor", "add-k", "lowercase"]), "\(flags)")
    }

    /// `--sentence`: one score per line, with effective order, as sacreBLEU's sentence_score.
    func testSentenceBLEUGivesEachLinesScore() throws {
        var checked = 0
        for item in try fixture("bleu.json") {
            let arguments = try files(item)
            for run in try XCTUnwrap(item["runs"] as? [[String: Any]]) where run["effective_order"] as? Bool == true {
                guard let sentences = run["sentences"] as? [[String: Any]] else { continue }
                var options = ["--tokenize", try XCTUnwrap(run["tokenize"] as? String), "--smooth", try XCTUnwrap(run["smooth"] as? String)]
                if run["lowercase"] as? Bool == true { options.append("--lowercase") }
                let lines = outputLines(try bleu(arguments + options + ["--sentence", "--score-only", "--width", "6"]))
                XCTAssertEqual(lines.count, sentences.count, "\(item["name"]!)")
                for (line, expected) in zip(lines, sentences) {
                    XCTAssertEqual(try XCTUnwrap(Double(line), line), try XCTUnwrap(expected["score"] as? Double), accuracy: 1e-4,
                                   "\(item["name"]!) \(options)")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 10)
    }

    /// chrF (`--no-bleu --chrf`) and chrF++ (`--chrf-word-order 2`), corpus lines and sentence scores.
    func testCHRFAndCHRFPlusPlus() throws {
        var orders = Set<Int>(), checked = 0
        for item in try fixture("chrf.json") {
            let arguments = try files(item)
            for run in try XCTUnwrap(item["runs"] as? [[String: Any]])
            where run["char_order"] as? Int == 6 && run["beta"] as? Int == 2 && run["whitespace"] as? Bool == false
                && run["eps_smoothing"] as? Bool == false {
                let order = try XCTUnwrap(run["word_order"] as? Int)
                var options = ["--no-bleu", "--chrf", "--chrf-word-order", "\(order)"]
                if run["lowercase"] as? Bool == true { options.append("--lowercase") }
                let corpus = try XCTUnwrap(run["corpus"] as? [String: Any])
                let label = "\(item["name"]!) \(options)"
                XCTAssertEqual(withoutVersion(try bleu(arguments + options)),
                               withoutVersion(try XCTUnwrap(corpus["formatted"] as? String)) + "\n", label)
                let expected = try XCTUnwrap(run["sentences"] as? [Double])
                let lines = outputLines(try bleu(arguments + options + ["--sentence", "--score-only", "--width", "6"]))
                XCTAssertEqual(lines.count, expected.count, label)
                for (line, score) in zip(lines, expected) {
                    XCTAssertEqual(try XCTUnwrap(Double(line), line), score, accuracy: 1e-4, label)
                }
                orders.insert(order)
                checked += 1
            }
        }
        XCTAssertTrue(orders.isSuperset(of: [0, 2]), "\(orders)")
        XCTAssertGreaterThan(checked, 10)
    }

    /// BLEU and chrF together as JSON: an array of the two objects.
    func testBLEUAndCHRFTogetherAsJSON() throws {
        let item = try XCTUnwrap(try fixture("bleu.json").first { $0["name"] as? String == "two_references" })
        let json = try bleu(try files(item) + ["--chrf", "--format", "json"])
        let array = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]], json)
        XCTAssertEqual(array.map { $0["name"] as? String }, ["BLEU", "chrF2"])
        XCTAssertEqual(array.map { $0["nrefs"] as? String }, ["2", "2"])
    }
}
