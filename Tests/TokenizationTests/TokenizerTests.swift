import XCTest
@_spi(Testing) import Tokenization

/// The joiner convention on small inputs whose tokens are written out (docs/tokenization.md).
final class TokenizerTests: XCTestCase {
    let j = TokenMarkers.joinerString

    func tokenize(_ line: String, _ options: TokenizerOptions = TokenizerOptions()) throws -> [String] {
        try Tokenizer(options: options).tokenize(line)
    }

    func testPunctuationTakesTheJoinerWhenNoSpaceStood() throws {
        XCTAssertEqual(try tokenize("Hello, world!"), ["Hello", j + ",", "world", j + "!"])
        XCTAssertEqual(try tokenize("(yes)"), ["(" + j, "yes", j + ")"])
        XCTAssertEqual(try tokenize("a - b"), ["a", "-", "b"])
    }

    func testICUKeepsContractionsNumbersAndDecimalsWhole() throws {
        XCTAssertEqual(try tokenize("Don't stop"), ["Don't", "stop"])
        XCTAssertEqual(try tokenize("it's 3.5 km"), ["it's", "3.5", "km"])
    }

    func testWhitespaceOtherThanOneSpaceBecomesAWhitespaceToken() throws {
        XCTAssertEqual(try tokenize("a  b"), ["a", "\u{FFEE}0020\u{FFEE}0020", "b"])
        XCTAssertEqual(try tokenize("a\tb"), ["a", "\u{FFEE}0009", "b"])
        XCTAssertEqual(try tokenize(" a "), ["\u{FFEE}0020", "a", "\u{FFEE}0020"])
        XCTAssertEqual(try tokenize("a\u{00A0}b"), ["a", "\u{FFEE}00A0", "b"])
        XCTAssertEqual(try tokenize("   "), ["\u{FFEE}0020\u{FFEE}0020\u{FFEE}0020"])
    }

    func testEmptyLineGivesNoTokensAndBack() throws {
        XCTAssertEqual(try tokenize(""), [])
        XCTAssertEqual(Tokenizer.detokenize([String]()), "")
    }

    func testLiteralMarksInTheInputAreEscaped() throws {
        let tokens = try tokenize("x \u{FFED} y \u{FFEE}")
        XCTAssertEqual(tokens, ["x", "\u{FFEE}FFED", "y", "\u{FFEE}FFEE"])
        XCTAssertEqual(Tokenizer.detokenize(tokens), "x \u{FFED} y \u{FFEE}")
    }

    func testDictionaryScriptsJoinTheirWords() throws {
        XCTAssertEqual(try tokenize("你好世界。"), ["你好", j + "世界", j + "。"])
        XCTAssertEqual(try tokenize("สวัสดีครับ"), ["สวัสดี", j + "ครับ"])
    }

    func testDetokenizeIgnoresExtraSpacesBetweenTokensOfAModel() {
        XCTAssertEqual(Tokenizer.detokenize("Hallo  \u{FFED}, Welt".split(separator: " ")), "Hallo, Welt")
        XCTAssertEqual(Tokenizer.detokenize(["a", j, "b"]), "ab")
    }

    func testNormalizationForms() throws {
        XCTAssertEqual(try Tokenizer().normalize("Cafe\u{301}"), "Caf\u{E9}")
        XCTAssertEqual(try Tokenizer(options: .init(normalization: .nfkc)).normalize("\u{FB01}ne \u{FF21}\u{B2}"), "fine A2")
        XCTAssertEqual(try Tokenizer(options: .init(normalization: .none)).normalize("Cafe\u{301}").unicodeScalars.count, 5)
        XCTAssertEqual(try Tokenizer(options: .init(normalization: .nfc)).normalize("\u{FB01}"), "\u{FB01}")
    }

    func testLowercaseIsICUFullCaseMappingWithLocale() throws {
        let root = try Tokenizer(options: .init(lowercase: true))
        XCTAssertEqual(root.normalize("ÄPFEL Straße ΟΔΟΣ"), "äpfel straße οδος")
        XCTAssertEqual(root.tokenize("The DOG."), ["the", "dog", j + "."])
        let turkish = try Tokenizer(options: .init(lowercase: true, lowercaseLocale: "tr"))
        XCTAssertEqual(turkish.normalize("KIZ İSTANBUL"), "kız istanbul")
    }

    /// PLATFORM.md: keep one test where Foundation's own ICU and the system ICU live in one binary.
    func testFoundationLowercasingAgreesWithTheTokenizerInOneBinary() throws {
        let text = "ÄPFEL, BIRNEN UND GROẞE Zwetschgen"
        let foundation = text.lowercased(with: Locale(identifier: "de_DE"))
        XCTAssertEqual(try Tokenizer(options: .init(lowercase: true, lowercaseLocale: "de")).normalize(text), foundation)
    }

    func testWhiteSpaceListMatchesICU() {
        XCTAssertEqual(WhiteSpace.disagreementsWithICU(), [])
    }

    func testCopiesTokenizeIndependently() throws {
        let tokenizer = try Tokenizer()
        let copy = try tokenizer.copy()
        XCTAssertEqual(copy.options, tokenizer.options)
        XCTAssertEqual(copy.tokenize("a, b"), tokenizer.tokenize("a, b"))
    }

    /// One line in, one line out: an escaped newline (which no line read from a file holds) stays as
    /// written instead of splitting the line; other whitespace escapes are restored.
    func testDetokenizeNeverProducesANewline() {
        let out = Tokenizer.detokenize(["a", "\u{FFEE}000A", "b"])
        XCTAssertFalse(out.contains("\n"), out)
        XCTAssertTrue(out.contains("\u{FFEE}000A"), out)
        XCTAssertEqual(Tokenizer.detokenize(["a", "\u{FFEE}0009", "b"]), "a\tb")
    }
}
