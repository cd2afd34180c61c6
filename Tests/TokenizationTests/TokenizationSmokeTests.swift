import XCTest
import TestSupport

final class TokenizationPackageTests: XCTestCase {
    func testRepositoryRootHoldsThePackageManifest() {
        XCTAssertTrue(FileManager.default.fileExists(atPath: RepositoryPaths.root.appendingPathComponent("Package.swift").path))
    }
}
