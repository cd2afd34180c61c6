import XCTest
@testable import Evaluation

/// Our BLEU and chrF against what sacreBLEU 2.6.0 computed on the same inputs (SacreBLEUFixture):
/// sufficient statistics must be identical and scores must agree to 1e-4.
final class SacreBLEUFixtureTests: XCTestCase {
    func testFixturesCoverEveryTokenizerTimesSmoothing() throws {
        let file = try SacreBLEUFixture.load("bleu.json", as: SacreBLEUFixture.BLEUFile.self)
        let covered = Set(file.cases.flatMap { $0.runs.map { "\($0.tokenize)/\($0.smooth)" } })
        for tokenizer in BLEUTokenizer.allCases {
            for smoothing in BLEUSmoothing.names {
                XCTAssertTrue(covered.contains("\(tokenizer.name)/\(smoothing)"), "\(tokenizer.name)/\(smoothing) not covered")
            }
        }
        let names = Set(file.cases.map(\.name))
        for needed in ["empty_hypothesis_lines", "all_empty_hypotheses", "zero_fourgram_matches", "shorter_than_references",
                       "longer_than_references", "two_references", "escapes_and_skipped", "digits_hyphens_periods",
                       "punctuation_runs", "non_latin_scripts", "trailing_whitespace", "empty_reference_lines"] {
            XCTAssertTrue(names.contains(needed), "no fixture case \(needed)")
        }
    }

    func testTokenizersGiveSacreBLEUsTokens() throws {
        let file = try SacreBLEUFixture.load("tokenizers.json", as: SacreBLEUFixture.Tokenizers.self)
        XCTAssertGreaterThan(file.tokenizers.count, 100)
        for item in file.tokenizers {
            let tokenizer = try XCTUnwrap(BLEUTokenizer(rawValue: item.tokenizer))
            XCTAssertEqual(tokenizer.tokens(item.input), item.tokens, "\(item.tokenizer) on \(item.input.debugDescription)")
        }
    }

    func testLowercasingMatchesPythonsLower() throws {
        let file = try SacreBLEUFixture.load("tokenizers.json", as: SacreBLEUFixture.Tokenizers.self)
        for item in file.lowercase {
            let ours = PythonText.lowercased(Array(item.input.unicodeScalars))
            XCTAssertEqual(ours, Array(item.lowercased.unicodeScalars), "lower() of \(item.input.debugDescription)")
        }
    }

    func testBLEUSegmentStatisticsAreIdentical() throws {
        let file = try SacreBLEUFixture.load("bleu.json", as: SacreBLEUFixture.BLEUFile.self)
        for item in file.cases {
            for run in item.runs {
                let options = try SacreBLEUFixture.options(run)
                let ours = BLEU.segmentStatistics(hypotheses: item.hypotheses, references: item.references, options: options)
                XCTAssertEqual(ours.count, run.segments.count)
                for (i, (mine, theirs)) in zip(ours, run.segments).enumerated() {
                    XCTAssertEqual(mine.flattened, theirs, "\(item.name) \(run.tokenize)/\(run.smooth) line \(i + 1)")
                }
            }
        }
    }

    func testBLEUCorpusScoresAgreeTo1eMinus4() throws {
        let file = try SacreBLEUFixture.load("bleu.json", as: SacreBLEUFixture.BLEUFile.self)
        var runs = 0
        for item in file.cases {
            for run in item.runs {
                runs += 1
                let options = try SacreBLEUFixture.options(run)
                let score = BLEU.corpusScore(hypotheses: item.hypotheses, references: item.references, options: options)
                let expected = run.corpus
                let label = "\(item.name) \(run.tokenize)/\(run.smooth) lc:\(run.lowercase) eff:\(run.effective_order)"
                assertBLEU(score, equals: expected, label)
                XCTAssertEqual(score.ratio, try XCTUnwrap(expected.ratio), accuracy: SacreBLEUFixture.tolerance, label)
                XCTAssertEqual(score.signature.description, SacreBLEUFixture.withOurVersion(try XCTUnwrap(expected.signature)), label)
                XCTAssertEqual(score.formatted(width: 1), SacreBLEUFixture.withOurVersion(try XCTUnwrap(expected.formatted)), label)
            }
        }
        XCTAssertGreaterThan(runs, 80)
    }

    func testBLEUSentenceScoresAgreeTo1eMinus4() throws {
        let file = try SacreBLEUFixture.load("bleu.json", as: SacreBLEUFixture.BLEUFile.self)
        var sentences = 0
        for item in file.cases {
            for run in item.runs {
                guard let expected = run.sentences else { continue }
                let options = try SacreBLEUFixture.options(run)
                for (i, hypothesis) in item.hypotheses.enumerated() {
                    sentences += 1
                    let score = BLEU.sentenceScore(hypothesis: hypothesis, references: item.references.map { $0[i] },
                                                   options: options)
                    assertBLEU(score, equals: expected[i], "\(item.name) \(run.tokenize)/\(run.smooth) sentence \(i + 1)")
                }
            }
        }
        XCTAssertGreaterThan(sentences, 300)
    }

    func testCHRFSegmentStatisticsAreIdentical() throws {
        let file = try SacreBLEUFixture.load("chrf.json", as: SacreBLEUFixture.CHRFFile.self)
        for item in file.cases {
            for run in item.runs {
                let ours = CHRF.segmentStatistics(hypotheses: item.hypotheses, references: item.references,
                                                  options: SacreBLEUFixture.options(run))
                XCTAssertEqual(ours.count, run.segments.count)
                for (i, (mine, theirs)) in zip(ours, run.segments).enumerated() {
                    XCTAssertEqual(mine.flattened, theirs, "\(item.name) nc:\(run.char_order) nw:\(run.word_order) line \(i + 1)")
                }
            }
        }
    }

    func testCHRFCorpusAndSentenceScoresAgreeTo1eMinus4() throws {
        let file = try SacreBLEUFixture.load("chrf.json", as: SacreBLEUFixture.CHRFFile.self)
        var wordOrders = Set<Int>()
        for item in file.cases {
            for run in item.runs {
                wordOrders.insert(run.word_order)
                let options = SacreBLEUFixture.options(run)
                let label = "\(item.name) nc:\(run.char_order) nw:\(run.word_order) beta:\(run.beta) eps:\(run.eps_smoothing)"
                let score = CHRF.corpusScore(hypotheses: item.hypotheses, references: item.references, options: options)
                XCTAssertEqual(score.score, run.corpus.score, accuracy: SacreBLEUFixture.tolerance, label)
                XCTAssertEqual(score.name, run.corpus.name, label)
                XCTAssertEqual(score.signature.description, SacreBLEUFixture.withOurVersion(run.corpus.signature), label)
                XCTAssertEqual(score.formatted(width: 1), SacreBLEUFixture.withOurVersion(run.corpus.formatted), label)
                for (i, hypothesis) in item.hypotheses.enumerated() {
                    let sentence = CHRF.sentenceScore(hypothesis: hypothesis, references: item.references.map { $0[i] },
                                                      options: options)
                    XCTAssertEqual(sentence.score, run.sentences[i], accuracy: SacreBLEUFixture.tolerance, "\(label) sentence \(i + 1)")
                }
            }
        }
        XCTAssertEqual(wordOrders, [0, 1, 2], "chrF, chrF+ and chrF++ are all covered")
    }

    private func assertBLEU(_ score: BLEUScore, equals expected: SacreBLEUFixture.BLEUResult, _ label: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        let tolerance = SacreBLEUFixture.tolerance
        XCTAssertEqual(score.score, expected.score, accuracy: tolerance, "score, \(label)", file: file, line: line)
        XCTAssertEqual(score.brevityPenalty, expected.bp, accuracy: tolerance, "BP, \(label)", file: file, line: line)
        XCTAssertEqual(score.hypothesisLength, expected.hyp_len, "hyp_len, \(label)", file: file, line: line)
        XCTAssertEqual(score.referenceLength, expected.ref_len, "ref_len, \(label)", file: file, line: line)
        XCTAssertEqual(score.precisions.count, expected.precisions.count, label, file: file, line: line)
        for (mine, theirs) in zip(score.precisions, expected.precisions) {
            XCTAssertEqual(mine, theirs, accuracy: tolerance, "precisions, \(label)", file: file, line: line)
        }
    }
}
