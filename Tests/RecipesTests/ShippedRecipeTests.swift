import Foundation
import XCTest
import Recipes
import TestSupport

/// The recipes in recipes/ load, and recipes/reference.yaml documents every key there is.
final class ShippedRecipeTests: XCTestCase {
    let folder = RepositoryPaths.root.appendingPathComponent("recipes")

    func testEveryShippedRecipeLoads() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertTrue(Set(["tiny.yaml", "toy-en-de.yaml", "multi30k-en-de.yaml", "multi30k-en-de-reference.yaml", "reference.yaml"])
            .isSubset(of: names), "\(names)")
        for name in names {
            XCTAssertNoThrow(try RecipeLoader.load(path: folder.appendingPathComponent(name).path), name)
        }
        let experiments = folder.appendingPathComponent("experiments")
        let arms = try FileManager.default.contentsOfDirectory(atPath: experiments.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertEqual(Set(try arms.map { try RecipeLoader.load(path: experiments.appendingPathComponent($0).path).model.cell.rawValue }),
                       ["lstm", "gru", "rnn"], "\(arms)")
    }

    func testReferenceRecipeNamesEveryKeyTheWriterWrites() throws {
        let path = folder.appendingPathComponent("reference.yaml").path
        let written = keyPaths(RecipeWriter.yaml(try RecipeLoader.load(path: path)))
        let documented = keyPaths(try String(contentsOfFile: path, encoding: .utf8))
        XCTAssertEqual(documented, written)
        XCTAssertGreaterThan(written.count, 50)
    }

    /// `section.key` for each `key:` line of a block-style YAML file (comments left out).
    private func keyPaths(_ text: String) -> [String] {
        var parents: [(indent: Int, key: String)] = []
        var paths: [String] = []
        for raw in text.split(separator: "\n") {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            guard let colon = line.firstIndex(of: ":") else { continue }
            let indent = line.prefix { $0 == " " }.count
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            while let last = parents.last, last.indent >= indent { parents.removeLast() }
            paths.append((parents.map(\.key) + [key]).joined(separator: "."))
            parents.append((indent, key))
        }
        return paths
    }
}
