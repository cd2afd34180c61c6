import Foundation
import XCTest
import Training

/// One line of metrics.jsonl: keys in a fixed order, non-finite numbers as null, read back unchanged.
final class MetricsEventTests: XCTestCase {
    func testALineHasItsKeysInOrderAndReadsBack() throws {
        var event = MetricsEvent(event: .skipped, step: 7, epoch: 1)
        event.loss = 2.5
        event.gradNorm = .nan
        event.skippedUpdates = 3
        XCTAssertEqual(event.jsonLine, #"{"event":"skipped","step":7,"epoch":1,"loss":2.5,"grad_norm":null,"skipped_updates":3}"#)
        var read = try XCTUnwrap(MetricsEvent(jsonLine: Substring(event.jsonLine)))
        XCTAssertNil(read.gradNorm, "null reads back as absent")
        read.gradNorm = .nan
        XCTAssertEqual(read.jsonLine, event.jsonLine)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(event.jsonLine.utf8)))
        var valid = MetricsEvent(event: .valid, step: 10)
        valid.bleu = 12.25; valid.best = true; valid.lr = 1e-5
        XCTAssertEqual(MetricsEvent(jsonLine: Substring(valid.jsonLine)), valid)
        XCTAssertEqual(MetricsEvent.events(inJSONL: valid.jsonLine + "\nnot json\n" + event.jsonLine + "\n").map(\.step), [10, 7])
    }
}
