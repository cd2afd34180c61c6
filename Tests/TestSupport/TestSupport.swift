import Foundation

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
