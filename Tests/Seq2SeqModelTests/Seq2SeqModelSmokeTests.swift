import XCTest
import TestSupport

final class Seq2SeqModelPackageTests: XCTestCase {
    func testRepositoryRootHoldsThePackageManifest() {
        XCTAssertTrue(FileManager.default.fileExists(atPath: RepositoryPaths.root.appendingPathComponent("Package.swift").path))
    }
}
