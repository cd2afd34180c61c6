import XCTest
import Recipes
import TestSupport

/// `Recipe.differences(from:)` (what `nmt train --resume` compares) and the keys of issue 16.
extension RecipeLoaderTests {
    func testDifferencesNameEveryChangedKeyInRecipeOrder() throws {
        let a = try RecipeLoader.parse(minimal, path: "t.yaml")
        let b = try RecipeLoader.parse(minimal, path: "t.yaml",
                                       overrides: ["train.seed=9", "model.embedding=64", "train.early_stopping.patience=2"])
        XCTAssertEqual(a.differences(from: a), [])
        XCTAssertEqual(b.differences(from: a), ["model.embedding", "train.early_stopping.patience", "train.seed"])
        XCTAssertEqual(a.keyedValues.count, Set(a.keyedValues.map(\.key)).count, "every key once")
        XCTAssertTrue(a.keyedValues.contains { $0.key == "train.ema_decay" && $0.value == "0.0" } ||
                      a.keyedValues.contains { $0.key == "train.ema_decay" && $0.value == "0" }, "\(a.keyedValues)")
    }

    func testAverageLastAndEMADecayDefaultOffAndAreRangeChecked() throws {
        let recipe = try RecipeLoader.parse(minimal, path: "t.yaml")
        XCTAssertEqual(recipe.train.averageLast, 0)
        XCTAssertEqual(recipe.train.emaDecay, 0)
        XCTAssertEqual(try RecipeLoader.parse(minimal, path: "t.yaml", overrides: ["train.ema_decay=0.999"]).train.emaDecay, 0.999)
        for (override, key) in [("train.ema_decay=1", "train.ema_decay"), ("train.ema_decay=-0.1", "train.ema_decay"),
                                ("train.average_last=4", "train.average_last"), ("train.average_last=-1", "train.average_last")] {
            XCTAssertThrowsError(try RecipeLoader.parse(minimal, path: "t.yaml", overrides: [override]), override) { error in
                XCTAssertTrue("\(error)".contains(key), "\(override): \(error)")
            }
        }
    }
}
