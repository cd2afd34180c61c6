import XCTest

/// What the kernel tests share when they compare a fast kernel with its Swift oracle.
public enum KernelOracle {
    /// `count` seeded values in [-scale, scale].
    public static func random(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        GradientCheck.randomWeights(count, seed: seed).map { $0 * scale }
    }

    /// Fails when an entry differs by more than `tolerance`, relative to the oracle's magnitude (at least 1).
    public static func assertClose(_ a: [Float], _ b: [Float], tolerance: Float, _ what: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, "\(what): largest difference \(worst)", file: file, line: line)
    }
}
