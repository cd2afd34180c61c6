import Foundation
import TensorKernels
import XCTest

/// Where the repository's top level is, found from this file's path, so tests can read `recipes/`,
/// `corpora/` and `Tests/Fixtures/` whatever the working directory.
public enum RepositoryPaths {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let fixtures: URL = root.appendingPathComponent("Tests/Fixtures")
    /// `../shared/corpora/multi30k` beside the checkout, when it exists (optional tests use it).
    public static var multi30k: URL? {
        let url = root.deletingLastPathComponent().appendingPathComponent("shared/corpora/multi30k")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}

/// Skips the calling test where bf16 products cannot be made: only on a CPU without AVX512-BF16.
public func skipUnlessBF16Products() throws {
    guard BF16Matrix.isSupported else {
        throw XCTSkip("this CPU has no AVX512-BF16 (avx512_bf16), so bf16 products cannot be made on it")
    }
}
