import XCTest
import Recipes
import TestSupport

final class RecipeLoaderTests: XCTestCase {
    let minimal = """
    name: t
    data: {source: en, target: de, train: corpora/x/train}
    """

    func testDefaultsFillEverythingNotWritten() throws {
        let recipe = try RecipeLoader.parse(minimal, path: "t.yaml")
        XCTAssertEqual(recipe.name, "t")
        XCTAssertEqual(recipe.data.source, "en")
        XCTAssertEqual(recipe.train, TrainSection())
        XCTAssertEqual(recipe.model, ModelSection())
        XCTAssertNil(recipe.data.valid)
    }

    func testUnknownKeyNamesFileLineAndSuggestion() {
        let text = minimal + "\ntrain:\n  batch_tokens: 100\n  lerning_rate: 0.1\n"
        XCTAssertThrowsError(try RecipeLoader.parse(text, path: "recipes/x.yaml")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("recipes/x.yaml:5"), message)
            XCTAssertTrue(message.contains("train.lerning_rate"), message)
            XCTAssertTrue(message.contains("did you mean `learning_rate`"), message)
            XCTAssertTrue(message.contains("batch_tokens"), "lists the allowed keys: \(message)")
        }
    }

    func testUnknownSectionIsRejected() {
        XCTAssertThrowsError(try RecipeLoader.parse(minimal + "\ntrainer: {}\n", path: "r.yaml")) { error in
            XCTAssertTrue("\(error)".contains("unknown key `trainer`"), "\(error)")
        }
    }

    func testWrongTypeNamesKeyAndExpectation() {
        let text = minimal + "\nmodel: {embedding: big}\n"
        XCTAssertThrowsError(try RecipeLoader.parse(text, path: "r.yaml")) { error in
            XCTAssertEqual(error as? RecipeError, .wrongType(path: "r.yaml", line: 3, key: "model.embedding",
                                                             expected: "a whole number", found: "big"))
        }
    }

    func testChoicesListTheAllowedValues() {
        let text = minimal + "\ntokenizer: {normalization: nfd}\n"
        XCTAssertThrowsError(try RecipeLoader.parse(text, path: "r.yaml")) { error in
            XCTAssertTrue("\(error)".contains("one of nfc, nfkc, none"), "\(error)")
        }
    }

    func testMissingRequiredKey() {
        XCTAssertThrowsError(try RecipeLoader.parse("name: x\ndata: {source: en}\n", path: "r.yaml")) { error in
            XCTAssertEqual(error as? RecipeError, .missingKey(path: "r.yaml", key: "data.target"))
        }
    }

    func testInvalidValueCombination() {
        let text = minimal + "\nmodel: {tie_embeddings: true, embedding: 128, decoder_hidden: 256}\n"
        XCTAssertThrowsError(try RecipeLoader.parse(text, path: "r.yaml")) { error in
            XCTAssertTrue("\(error)".contains("model.tie_embeddings"), "\(error)")
        }
    }

    func testCellsAndAttentionScoresParseAndLuongDotNeedsMatchingSizes() throws {
        for cell in ["lstm", "gru", "rnn"] {
            for attention in ["bahdanau", "luong_general", "none"] {
                let recipe = try RecipeLoader.parse(minimal + "\nmodel: {cell: \(cell), attention: \(attention)}\n", path: "r.yaml")
                XCTAssertEqual(recipe.model.cell.rawValue, cell)
                XCTAssertEqual(recipe.model.attention.rawValue, attention)
            }
        }
        XCTAssertNoThrow(try RecipeLoader.parse(minimal + "\nmodel: {attention: luong_dot, encoder_hidden: 128, decoder_hidden: 256}\n",
                                                path: "r.yaml"))
        XCTAssertThrowsError(try RecipeLoader.parse(minimal + "\nmodel: {attention: luong_dot, encoder_hidden: 128, decoder_hidden: 128}\n",
                                                    path: "r.yaml")) { error in
            XCTAssertTrue("\(error)".contains("model.attention") && "\(error)".contains("luong_general"), "\(error)")
        }
        XCTAssertThrowsError(try RecipeLoader.parse(minimal + "\nmodel: {attention: none}\ndecode: {replace_unk: true}\n",
                                                    path: "r.yaml")) { error in
            XCTAssertTrue("\(error)".contains("decode.replace_unk") && "\(error)".contains("attention"), "\(error)")
        }
        XCTAssertThrowsError(try RecipeLoader.parse(minimal + "\nmodel: {attention: none}\ndecode: {coverage_penalty: 0.2}\n",
                                                    path: "r.yaml")) { error in
            XCTAssertTrue("\(error)".contains("decode.coverage_penalty") && "\(error)".contains("attention"), "\(error)")
        }
        XCTAssertThrowsError(try RecipeLoader.parse(minimal + "\ndecode: {max_length_offset: -1}\n", path: "r.yaml")) { error in
            XCTAssertTrue("\(error)".contains("decode.max_length_offset"), "\(error)")
        }
        let decode = try RecipeLoader.parse(minimal + "\ndecode: {coverage_penalty: 0.3, max_length_offset: 2}\n", path: "r.yaml").decode
        XCTAssertEqual(decode.coveragePenalty, 0.3)
        XCTAssertEqual(decode.maxLengthOffset, 2)
        XCTAssertThrowsError(try RecipeLoader.parse(minimal + "\nmodel: {cell: lsmt}\n", path: "r.yaml")) { error in
            XCTAssertTrue("\(error)".contains("gru"), "the choices are listed: \(error)")
        }
    }

    func testSyntaxErrorNamesTheLine() {
        XCTAssertThrowsError(try RecipeLoader.parse("name: x\ndata: [unclosed\n", path: "r.yaml")) { error in
            guard case .syntax(let path, let line, _) = error as? RecipeError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "r.yaml")
            XCTAssertNotNil(line)
        }
    }

    func testOverridesReplaceAndAddValuesAndStayStrict() throws {
        let recipe = try RecipeLoader.parse(minimal, path: "r.yaml",
                                            overrides: ["train.learning_rate=0.5", "decode.beam=3", "data.source=fr"])
        XCTAssertEqual(recipe.train.learningRate, 0.5)
        XCTAssertEqual(recipe.decode.beam, 3)
        XCTAssertEqual(recipe.data.source, "fr")
        XCTAssertThrowsError(try RecipeLoader.parse(minimal, path: "r.yaml", overrides: ["train.nope=1"])) { error in
            guard case .unknownKey(_, _, let key, let allowed, _)? = error as? RecipeError else { return XCTFail("\(error)") }
            XCTAssertTrue(key.hasSuffix("nope"), key)
            XCTAssertTrue(allowed.contains("seed"), "\(allowed)")
        }
        XCTAssertThrowsError(try RecipeLoader.parse(minimal, path: "r.yaml", overrides: ["train.seed"])) { error in
            guard case .badOverride(let text, _)? = error as? RecipeError else { return XCTFail("\(error)") }
            XCTAssertEqual(text, "train.seed")
            XCTAssertTrue("\(error)".contains("="), "\(error)")
        }
    }

    func testEffectiveRecipeRoundTripsThroughTheWriter() throws {
        var recipe = try RecipeLoader.parse(minimal, path: "r.yaml", overrides: ["train.early_stopping.patience=3"])
        recipe.data.valid = "corpora/x/valid"
        recipe.model.dropout = 0.25
        let text = RecipeWriter.yaml(recipe)
        XCTAssertTrue(text.contains("  learning_rate: 0.001"), text)
        var again = try RecipeLoader.parse(text, path: "effective.yaml")
        again.directory = recipe.directory
        XCTAssertEqual(again, recipe)
    }

    /// Found by the recipe fuzzer: a value holding a carriage return was written inside double quotes as
    /// it was, and YAML folds a raw line break there into a space, so the effective recipe read back
    /// differently (and `--resume`, which compares it, would refuse). Every break and control character is
    /// now written as an escape.
    func testValuesWithLineBreaksAndControlsRoundTrip() throws {
        for value in ["de\r\r+\r", "a\nb", "tab\there", "nel\u{85}x", "ls\u{2028}ps\u{2029}", "bom\u{FEFF}", "bell\u{7}",
                      "del\u{7F}", "quote\"back\\slash", "  spaced  ", "-", "--x", "ünïcödé/path-1.2_3"] {
            var recipe = try RecipeLoader.parse(minimal, path: "r.yaml")
            recipe.data.target = value
            recipe.train.output = value
            let text = RecipeWriter.yaml(recipe)
            let again = try RecipeLoader.parse(text, path: "effective.yaml")
            XCTAssertEqual(Array(again.data.target.unicodeScalars), Array(value.unicodeScalars), text)
            XCTAssertEqual(again.train.output.map { Array($0.unicodeScalars) }, Array(value.unicodeScalars), text)
        }
    }

    func testPathsResolveAgainstTheRecipeFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recipe-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.yaml")
        try minimal.write(to: file, atomically: true, encoding: .utf8)
        let recipe = try RecipeLoader.load(path: file.path)
        XCTAssertEqual(recipe.corpusFile(prefix: recipe.data.train, language: "en"),
                       dir.appendingPathComponent("corpora/x/train.en").standardizedFileURL.path)
        XCTAssertEqual(recipe.vocabularyDirectory, dir.deletingLastPathComponent().appendingPathComponent("vocab/t").path)
        XCTAssertThrowsError(try RecipeLoader.load(path: dir.appendingPathComponent("missing.yaml").path)) { error in
            XCTAssertTrue("\(error)".contains("no such file"), "\(error)")
        }
    }
}
