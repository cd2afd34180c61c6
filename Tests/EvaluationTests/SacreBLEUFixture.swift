import Foundation
import TestSupport
import XCTest
@testable import Evaluation

/// The fixtures written by Tools/sacrebleu-fixtures/generate.py with sacreBLEU 2.6.0.
enum SacreBLEUFixture {
    struct Meta: Decodable { let sacrebleu: String }

    struct TokenizerCase: Decodable { let tokenizer: String; let input: String; let tokens: [String] }
    struct LowercaseCase: Decodable { let input: String; let lowercased: String }
    struct Tokenizers: Decodable { let meta: Meta; let tokenizers: [TokenizerCase]; let lowercase: [LowercaseCase] }

    struct BLEUResult: Decodable {
        let score: Double
        let precisions: [Double]
        let bp: Double
        let ratio: Double?
        let hyp_len: Int
        let ref_len: Int
        let signature: String?
        let formatted: String?
    }
    struct BLEURun: Decodable {
        let tokenize: String
        let smooth: String
        let lowercase: Bool
        let effective_order: Bool
        let segments: [[Int]]
        let corpus: BLEUResult
        let sentences: [BLEUResult]?
    }
    struct BLEUCase: Decodable { let name: String; let hypotheses: [String]; let references: [[String]]; let runs: [BLEURun] }
    struct BLEUFile: Decodable { let meta: Meta; let cases: [BLEUCase] }

    struct CHRFCorpus: Decodable { let score: Double; let name: String; let signature: String; let formatted: String }
    struct CHRFRun: Decodable {
        let char_order: Int
        let word_order: Int
        let beta: Int
        let lowercase: Bool
        let whitespace: Bool
        let eps_smoothing: Bool
        let segments: [[Int]]
        let corpus: CHRFCorpus
        let sentences: [Double]
    }
    struct CHRFCase: Decodable { let name: String; let hypotheses: [String]; let references: [[String]]; let runs: [CHRFRun] }
    struct CHRFFile: Decodable { let meta: Meta; let cases: [CHRFCase] }

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = RepositoryPaths.fixtures.appendingPathComponent("evaluation").appendingPathComponent(name)
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    static func options(_ run: BLEURun) throws -> BLEUOptions {
        let tokenizer = try XCTUnwrap(BLEUTokenizer(rawValue: run.tokenize), "unknown tokenizer \(run.tokenize)")
        let smoothing = try XCTUnwrap(BLEUSmoothing(name: run.smooth), "unknown smoothing \(run.smooth)")
        return BLEUOptions(tokenizer: tokenizer, smoothing: smoothing, lowercase: run.lowercase,
                           effectiveOrder: run.effective_order)
    }

    static func options(_ run: CHRFRun) -> CHRFOptions {
        CHRFOptions(charOrder: run.char_order, wordOrder: run.word_order, beta: run.beta, lowercase: run.lowercase,
                    whitespace: run.whitespace, epsilonSmoothing: run.eps_smoothing)
    }

    /// sacreBLEU's signature or line with its version replaced by ours.
    static func withOurVersion(_ text: String) -> String {
        text.replacingOccurrences(of: "version:2.6.0", with: "version:\(EvaluationVersion.string)")
    }

    /// Scores agree to 1e-4 before rounding (the bar).
    static let tolerance = 1e-4
}
