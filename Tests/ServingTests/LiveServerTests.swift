import Foundation
import XCTest
import AsyncHTTPClient
import NIOCore
import TestSupport

/// `nmt serve` as a user runs it: the built binary on 127.0.0.1, a model trained here on the reverse task,
/// a real HTTP client (AsyncHTTPClient), SIGTERM at the end. Answers must equal `nmt translate`'s.
final class LiveServerTests: XCTestCase {
    /// 32 concurrent one-line requests, alternating the OpenNMT-py and native routes.
    func testConcurrentRequestsEqualTranslate() async throws {
        let model = try TinyModel.shared()
        let lines = Array(try String(contentsOf: RepositoryPaths.root.appendingPathComponent("corpora/reverse/test.src"), encoding: .utf8)
            .split(separator: "\n").prefix(32).map(String.init))
        XCTAssertEqual(lines.count, 32)
        let expected = try TinyModel.translate(lines, model: model)

        let server = try ServeProcess(model: model)
        defer { server.stop() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for (index, line) in lines.enumerated() {
                group.addTask {
                    if index % 2 == 0 {
                        let object = try await server.post(client, "/translator/translate", #"[{"id": 100, "src": \#(jsonString(line))}]"#)
                        return (index, ((object as? [[[String: Any]]])?.first?.first?["tgt"]) as? String)
                    }
                    let object = try await server.post(client, "/v1/translate", #"{"q": [\#(jsonString(line))]}"#)
                    return (index, ((object as? [String: Any])?["translations"] as? [[String: Any]])?.first?["text"] as? String)
                }
            }
            var answers = [String?](repeating: nil, count: lines.count)
            for try await (index, text) in group { answers[index] = text }
            return answers
        }
        try await client.shutdown()
        for (index, (answer, translation)) in zip(answers, expected).enumerated() {
            XCTAssertEqual(answer, translation, "line \(index + 1): \(lines[index])")
        }

        let status = server.terminate()
        XCTAssertEqual(status, 0, "SIGTERM ends the server with status 0")
        let log = server.stderr
        let requestLines = log.split(separator: "\n").filter { $0.hasPrefix("127.0.0.1 POST /") && $0.contains(" 200 ") }
        XCTAssertEqual(requestLines.count, 32, "one log line per request:\n\(log)")
        XCTAssertTrue(log.hasSuffix("stopped\n"), log)
    }

    /// A client that gives up (its deadline closes the connection) while its sentence waits for a round
    /// (rounds wait up to 5 s to fill) has that sentence dropped from the queue.
    func testDisconnectedClientLeavesTheQueue() async throws {
        let model = try TinyModel.shared()
        let server = try ServeProcess(model: model, extra: ["--batch-wait-ms", "5000"])
        defer { server.stop() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var request = HTTPClientRequest(url: server.url + "/v1/translate")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"q": ["a b c"]}"#))
        do {
            _ = try await client.execute(request, timeout: .milliseconds(200))
            XCTFail("the request should have timed out on the client's side")
        } catch {}
        var metrics = ""
        for _ in 0..<100 {  // the server sees the close soon after; look for at most 10 s
            metrics = try await server.get(client, "/metrics")
            if metrics.contains(#"reason="disconnect""#) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await client.shutdown()
        XCTAssertTrue(metrics.contains(#"nmt_abandoned_requests_total{model="tiny",reason="disconnect"} 1"#), metrics)
        XCTAssertTrue(metrics.contains(#"nmt_queue_depth{model="tiny"} 0.0"#), metrics)
        XCTAssertTrue(metrics.contains(#"nmt_sentences_total{model="tiny"} 0"#), "the dropped sentence was never translated")
        XCTAssertEqual(server.terminate(), 0)
        XCTAssertTrue(server.stderr.contains("127.0.0.1 POST /v1/translate 499 "), "the request is logged as given up by its client:\n\(server.stderr)")
    }

    func testBadModelDirectoryIsOneClearError() throws {
        let missing = try CLIRunner.run(["serve", "--model", "x=/nonexistent/model"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no model directory at /nonexistent/model"), missing.stderr)
        let model = try TinyModel.shared()
        let twice = try CLIRunner.run(["serve", "--model", "a=\(model)", "--model", "a=\(model)"])
        XCTAssertEqual(twice.status, 1)
        XCTAssertTrue(twice.stderr.contains("the name `a` is given twice"), twice.stderr)
        let port = try CLIRunner.run(["serve", "--model", "a=\(model)", "--port", "70000"])
        XCTAssertEqual(port.status, 1)
        XCTAssertTrue(port.stderr.contains("--port must be from 0 to 65535"), port.stderr)
    }
}
