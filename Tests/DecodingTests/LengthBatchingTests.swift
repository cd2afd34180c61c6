import XCTest
@testable import Decoding

final class LengthBatchingTests: XCTestCase {
    func testBatchesAreLongestFirstAndCoverEveryIndexOnce() {
        let lengths = [3, 0, 7, 3, 1, 7, 2]
        let batches = LengthBatching.batches(lengths: lengths, batchSize: 3)
        XCTAssertEqual(batches, [[2, 5, 0], [3, 6, 4], [1]])  // 7 7 3 | 3 2 1 | 0; ties keep input order
        XCTAssertEqual(LengthBatching.batches(lengths: [], batchSize: 4), [])
    }

    func testResultsReturnToInputOrder() {
        for seed in UInt64(1)...50 {
            var generator = SplitMix(seed: seed)
            let lengths = (0..<Int.random(in: 0...40, using: &generator)).map { _ in Int.random(in: 0...9, using: &generator) }
            let batchSize = Int.random(in: 1...7, using: &generator)
            let batches = LengthBatching.batches(lengths: lengths, batchSize: batchSize)
            XCTAssertTrue(batches.allSatisfy { $0.count <= batchSize }, "seed \(seed)")
            XCTAssertEqual(batches.joined().sorted(), Array(lengths.indices), "seed \(seed)")
            let results = batches.map { $0.map { "sentence \($0) of length \(lengths[$0])" } }
            XCTAssertEqual(LengthBatching.inputOrder(results, batches: batches),
                           lengths.indices.map { "sentence \($0) of length \(lengths[$0])" }, "seed \(seed)")
        }
    }

    /// The whole path: batch by length, beam search each batch, restore order = one search over everything.
    func testBatchedSearchInInputOrderEqualsOneSearch() throws {
        let scorer = ScriptedScorer(vocabularySize: 9, script: Scripts.random(seed: 4, vocabularySize: 9))
        var generator = SplitMix(seed: 4)
        let sources = randomSources(&generator, vocabularySize: 9, count: 7...7)
        let search = try BeamSearch(options: SearchOptions(beamSize: 3, nBest: 2))
        let batches = LengthBatching.batches(lengths: sources.map(\.count), batchSize: 3)
        let perBatch = try batches.map { try search.search(scorer, sources: $0.map { sources[$0] }) }
        XCTAssertEqual(LengthBatching.inputOrder(perBatch, batches: batches), try search.search(scorer, sources: sources))
    }
}
