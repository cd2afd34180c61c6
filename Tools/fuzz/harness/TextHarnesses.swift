import Evaluation
import Foundation
import Tokenization

/// The tokenizer, with the options chosen by the first byte: `detokenize(tokenize(L)) == normalize(L)`
/// for every line L (the tokenizer's documented promise), and no token holds whitespace or is empty.
enum TokenizerHarness {
    nonisolated(unsafe) static var tokenizers: [Int: Tokenizer] = [:]

    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let choice = Int(first % 6)
        // A line never holds a newline (readers split there); it becomes a space byte by byte, because
        // Foundation's replacingOccurrences leaves a newline alone when a combining mark follows it.
        let line = String(decoding: bytes.dropFirst().map { $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self)
        let tokenizer = tokenizer(choice)
        let tokens = tokenizer.tokenize(line)
        require(tokens.allSatisfy { !$0.isEmpty }, "an empty token from \(Array(line.utf8))")
        require(Tokenizer.detokenize(tokens) == tokenizer.normalize(line),
                "detokenize(tokenize(L)) != normalize(L) for the bytes \(Array(line.utf8)), options \(tokenizer.options)")
    }

    static func tokenizer(_ choice: Int) -> Tokenizer {
        if let made = tokenizers[choice] { return made }
        let normalization: [TextNormalization] = [.nfc, .nfkc, .none]
        let options = TokenizerOptions(normalization: normalization[choice % 3], lowercase: choice >= 3)
        guard let made = try? Tokenizer(options: options) else { fatalError("ICU refused \(options)") }
        tokenizers[choice] = made
        return made
    }
}

/// The detokenizer on arbitrary tokens (space-separated input): it never traps, and gives valid text.
enum DetokenizerHarness {
    static func run(_ bytes: [UInt8]) {
        let tokens = String(decoding: bytes, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
        let text = Tokenizer.detokenize(tokens)
        require(text.utf8.count <= 4 * bytes.count + 4, "detokenize made \(text.utf8.count) bytes from \(bytes.count)")
    }
}

/// BLEU (corpus and sentence) and chrF/chrF++ on arbitrary text, with the tokenizer, smoothing, case and
/// chrF variant chosen by the first byte. The rest is split at the first NUL into hypotheses and
/// references, each split into lines (padded to the same count). Every score is a number in [0, 100],
/// and the references scored against themselves give 100 when they hold n-grams of every order.
enum BLEUHarness {
    static let smoothings: [BLEUSmoothing] = BLEUSmoothing.names.compactMap { BLEUSmoothing(name: $0) }

    static func run(_ bytes: [UInt8]) {
        guard let choice = bytes.first.map(Int.init) else { return }
        let parts = bytes.dropFirst().split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        func lines(_ part: ArraySlice<UInt8>?) -> [String] {
            String(decoding: part ?? [], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        var hypotheses = lines(parts.first), references = lines(parts.count > 1 ? parts[1] : nil)
        let n = max(hypotheses.count, references.count)
        hypotheses += Array(repeating: "", count: n - hypotheses.count)
        references += Array(repeating: "", count: n - references.count)
        let tokenizers = BLEUTokenizer.allCases
        var options = BLEUOptions(tokenizer: tokenizers[choice % tokenizers.count],
                                  smoothing: smoothings[(choice / 4) % smoothings.count], lowercase: choice & 16 != 0)
        check(BLEU.corpusScore(hypotheses: hypotheses, references: [references], options: options).score, "corpus BLEU \(options)")
        let own = BLEU.corpusScore(hypotheses: references, references: [references], options: options)
        require(own.statistics.totals.contains(0) || abs(own.score - 100) < 1e-9, "the references against themselves scored \(own.score)")
        options.effectiveOrder = true
        check(BLEU.sentenceScore(hypothesis: hypotheses[0], references: [references[0]], options: options).score, "sentence BLEU")
        let chrF = choice & 32 != 0 ? CHRFOptions.chrFPlusPlus : .chrF
        check(CHRF.corpusScore(hypotheses: hypotheses, references: [references, hypotheses], options: chrF).score, "corpus chrF")
        check(CHRF.sentenceScore(hypothesis: hypotheses[0], references: [references[0]], options: chrF).score, "sentence chrF")
    }

    static func check(_ score: Double, _ what: String) {
        require(score.isFinite && score >= 0 && score <= 100 + 1e-9, "\(what) scored \(score)")
    }
}
