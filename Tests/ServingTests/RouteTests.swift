import Foundation
import XCTest
import Hummingbird
import HummingbirdTesting
import Decoding
import Serving

/// Every route, status code and error of `nmt serve`, in process (HummingbirdTesting's router mode), on
/// untrained models whose translations are checked against `Translator.translate` on a twin model.
final class RouteTests: XCTestCase {
    static let lines = ["a b c", "", "j i h g f", "d", "c c a b e"]

    func testHealthReadyAndModels() async throws {
        try await ServingFixtures.withRoutes(try ServingFixtures.service()) { client in
            let health = try await client.get("/health")
            XCTAssertEqual(health.status, .ok)
            XCTAssertEqual(try health.json() as? [String: String], ["status": "ok"])
            let ready = try await client.get("/ready")
            XCTAssertEqual(ready.status, .ok)
            XCTAssertEqual(try ready.json() as? [String: String], ["status": "ready"])

            let modelList = try await client.get("/translator/models")
            let models = try XCTUnwrap(try modelList.json() as? [[String: Any]])
            XCTAssertEqual(models.map { $0["model_id"] as? Int }, [100, 101])
            XCTAssertEqual(models.map { $0["name"] as? String }, ["toy", "plain"])
            XCTAssertEqual((models[0]["opt"] as? [String: Int])?["beam_size"], 3)
            let nativeList = try await client.get("/v1/models")
            let native = try XCTUnwrap(try nativeList.json() as? [String: [[String: Any]]])
            XCTAssertEqual(native["models"]?.map { $0["attention"] as? Bool }, [true, false])
            let value1 = try await client.get("/nowhere").status
            XCTAssertEqual(value1, .notFound)
        }
    }

    func testOpenNMTRouteAnswersAsTranslateDoesInOpenNMTShape() async throws {
        let lines = Self.lines
        let expected = try ServingFixtures.translator().translate(lines, batchSize: 16)
        try await ServingFixtures.withRoutes(try ServingFixtures.service()) { client in
            let body = "[" + lines.map { #"{"id": 100, "src": \#(jsonString($0))}"# }.joined(separator: ",") + "]"
            let response = try await client.post("/translator/translate", body)
            XCTAssertEqual(response.status, .ok, response.text)
            let lists = try XCTUnwrap(try response.json() as? [[[String: Any]]], response.text)
            XCTAssertEqual(lists.count, 1, "one list per n-best rank")
            XCTAssertEqual(lists[0].map { $0["src"] as? String }, lines)
            XCTAssertEqual(lists[0].map { $0["tgt"] as? String }, expected.map(\.text))
            XCTAssertEqual(lists[0][1]["tgt"] as? String, "", "an empty src gives an empty tgt")
            XCTAssertEqual(lists[0].map { $0["n_best"] as? Int }, Array(repeating: 1, count: lines.count))
            for (entry, translation) in zip(lists[0], expected) {
                let score = try XCTUnwrap(entry["pred_score"] as? Double)
                XCTAssertEqual(score, Double(translation.nBest[0].hypothesis.score), accuracy: 1e-4)
            }
            // The model by name, and by the id of the second model.
            let byName = try await client.post("/translator/translate", #"[{"id": "toy", "src": "a b c"}]"#)
            XCTAssertEqual((try byName.json() as? [[[String: Any]]])?[0][0]["tgt"] as? String, expected[0].text)
            let other = try await client.post("/translator/translate", #"[{"id": 101, "src": "a b c"}]"#)
            XCTAssertEqual(other.status, .ok)
        }
    }

    func testNativeRouteGivesNBestAlignmentAndTiming() async throws {
        var options = try ServingFixtures.translator().options
        options.beamSize = 4; options.nBest = 2; options.keepAttention = true
        let lines = Self.lines
        let expected = try ServingFixtures.translator().with(options: options).translate(lines, batchSize: 16)
        try await ServingFixtures.withRoutes(try ServingFixtures.service()) { client in
            let q = "[" + lines.map(jsonString).joined(separator: ",") + "]"
            let response = try await client.post("/v1/translate", #"{"model": "toy", "q": \#(q), "beam": 4, "n_best": 2, "alignment": true}"#)
            XCTAssertEqual(response.status, .ok, response.text)
            let object = try XCTUnwrap(try response.json() as? [String: Any])
            let translations = try XCTUnwrap(object["translations"] as? [[String: Any]])
            XCTAssertEqual(translations.map { $0["text"] as? String }, expected.map(\.text))
            for (item, translation) in zip(translations, expected) {
                let nBest = try XCTUnwrap(item["n_best"] as? [[String: Any]])
                XCTAssertEqual(nBest.map { $0["text"] as? String }, translation.nBest.map(\.text))
            }
            XCTAssertEqual((translations[0]["n_best"] as? [Any])?.count, 2)
            let alignment = try XCTUnwrap(translations[0]["alignment"] as? [String: Any])
            XCTAssertEqual(alignment["source"] as? [String], ["a", "b", "c"])
            let rows = try XCTUnwrap(alignment["attention"] as? [[Double]])
            XCTAssertEqual(rows.count, (alignment["target"] as? [String])?.count)
            for row in rows { XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-4, "attention rows sum to 1") }
            let timing = try XCTUnwrap(object["timing"] as? [String: Double])
            XCTAssertEqual(Set(timing.keys), ["queue_ms", "compute_ms"])
            XCTAssertGreaterThan(timing["compute_ms"] ?? 0, 0)

            // Defaults: the model's beam, one best, no alignment; a bare string is one sentence.
            let plain = try await client.post("/v1/translate", #"{"q": "a b c"}"#)
            let item = try XCTUnwrap((try plain.json() as? [String: Any])?["translations"] as? [[String: Any]]).first
            XCTAssertEqual(item?["text"] as? String, try ServingFixtures.translator().translate(["a b c"], batchSize: 1)[0].text)
            XCTAssertNil(item?["alignment"])
            XCTAssertEqual((item?["n_best"] as? [Any])?.count, 1)
        }
    }

    /// `prefix`: one target prefix per line of `q`, as `nmt translate --prefix` and `Translator.translate` give it.
    func testNativeRoutePrefixesStartTheTranslations() async throws {
        let lines = Self.lines
        let prefixes = ["b", "", "x y", "", "c"]
        let expected = try ServingFixtures.translator().translate(lines, prefixes: prefixes, batchSize: 16)
        for (translation, prefix) in zip(expected, prefixes) { XCTAssertTrue(translation.text.hasPrefix(prefix), translation.text) }
        try await ServingFixtures.withRoutes(try ServingFixtures.service()) { client in
            let q = "[" + lines.map(jsonString).joined(separator: ",") + "]"
            let p = "[" + prefixes.map(jsonString).joined(separator: ",") + "]"
            let response = try await client.post("/v1/translate", #"{"model": "toy", "q": \#(q), "prefix": \#(p)}"#)
            XCTAssertEqual(response.status, .ok, response.text)
            let translations = try XCTUnwrap((try response.json() as? [String: Any])?["translations"] as? [[String: Any]])
            XCTAssertEqual(translations.map { $0["text"] as? String }, expected.map(\.text))
            let wrong = try await client.post("/v1/translate", #"{"q": ["a", "b"], "prefix": "x"}"#)
            XCTAssertEqual(wrong.status, .badRequest)
            XCTAssertTrue(wrong.text.contains("prefix"), wrong.text)
        }
    }

    func testBadRequestsAnswer400NamingTheProblem() async throws {
        try await ServingFixtures.withRoutes(try ServingFixtures.service()) { client in
            func expect(_ uri: String, _ body: String, _ fragment: String, status: HTTPResponse.Status = .badRequest,
                        line: UInt = #line) async throws {
                let response = try await client.post(uri, body)
                XCTAssertEqual(response.status, status, response.text, line: line)
                let message = try response.errorMessage()
                XCTAssertTrue(message.contains(fragment), "\(message) should contain \(fragment)", line: line)
            }
            try await expect("/v1/translate", #"{"q": ["a"], "beem": 4}"#, "unknown field `beem`")
            try await expect("/translator/translate", #"[{"src": "a", "tgt": "b"}]"#, "unknown field `tgt`")
            try await expect("/v1/translate", #"{"q": ["a"]"#, "invalid JSON")
            try await expect("/translator/translate", #"{"src": "a"}"#, "invalid JSON: the body should be an array")
            try await expect("/v1/translate", #"{"q": [1]}"#, "`q[0]` should be a string")
            try await expect("/v1/translate", #"{"beam": 2}"#, "the field `q` is missing")
            try await expect("/v1/translate", #"{"q": ["a"], "beam": 0}"#, "invalid `beam`: `0` is not an integer from 1 to \(SearchBounds.maxBeam)")
            try await expect("/v1/translate", #"{"q": ["a"], "beam": 2, "n_best": 3}"#, "invalid `n_best`")
            try await expect("/v1/translate", #"{"q": ["a"], "beam": 65}"#, "limit of 64")
            try await expect("/v1/translate", #"{"q": ["a"], "alignment": "yes"}"#, "`alignment` should be true or false")
            try await expect("/v1/translate", #"{"model": "plain", "q": ["a"], "alignment": true}"#, "model.attention: none")
            try await expect("/v1/translate", #"{"model": "nope", "q": ["a"]}"#, "no model `nope`")
            try await expect("/translator/translate", #"[{"id": 7, "src": "a"}]"#, "no model `7`")
            try await expect("/translator/translate", #"[{"id": 100, "src": "a"}, {"id": 101, "src": "b"}]"#, "same model")
            try await expect("/v1/translate", #"{"q": ["a\u0000b"]}"#, "`q[0]`: contains a NUL")

            let invalid = try await client.post("/v1/translate", bytes: Array(#"{"q": [""#.utf8) + [0xC3, 0x28] + Array(#""]}"#.utf8))
            XCTAssertEqual(invalid.status, .badRequest)
            XCTAssertTrue(try invalid.errorMessage().contains("not valid UTF-8 (first bad byte at offset 8)"), invalid.text)
        }
    }

    func testLimitsAnswer413() async throws {
        var settings = ServerSettings()
        settings.maxSentences = 3
        settings.maxBodyBytes = 200
        try await ServingFixtures.withRoutes(try ServingFixtures.service(settings)) { client in
            let many = try await client.post("/v1/translate", #"{"q": ["a", "b", "c", "d"]}"#)
            XCTAssertEqual(many.status, .contentTooLarge)
            XCTAssertTrue(try many.errorMessage().contains("4 sentences in one request, more than the limit of 3"))
            let onmt = try await client.post("/translator/translate", #"[{"src": "a"}, {"src": "a"}, {"src": "a"}, {"src": "a"}]"#)
            XCTAssertEqual(onmt.status, .contentTooLarge)
            let big = try await client.post("/v1/translate", #"{"q": ["\#(String(repeating: "a ", count: 150))"]}"#)
            XCTAssertEqual(big.status, .contentTooLarge)
            XCTAssertTrue(try big.errorMessage().contains("larger than 200 bytes"))
            let fits = try await client.post("/v1/translate", #"{"q": ["a", "b", "c"]}"#)
            XCTAssertEqual(fits.status, .ok)
        }
    }

    /// A queue limited to 2 sentences cannot take a request of 3: 503 with Retry-After, and /ready stays ready.
    func testFullQueueAnswers503WithRetryAfter() async throws {
        var settings = ServerSettings()
        settings.queueLimit = 2
        try await ServingFixtures.withRoutes(try ServingFixtures.service(settings)) { client in
            let refused = try await client.post("/v1/translate", #"{"q": ["a", "b", "c"]}"#)
            XCTAssertEqual(refused.status, .serviceUnavailable)
            XCTAssertEqual(refused.headers[.retryAfter], "1")
            XCTAssertTrue(try refused.errorMessage().contains("queue of model `toy` is full"))
            let value2 = try await client.post("/v1/translate", #"{"q": ["a", "b"]}"#).status
            XCTAssertEqual(value2, .ok)
        }
    }

    /// A round waits up to 10 s to fill 16 sentences, so a request with a 50 ms deadline times out in the queue.
    func testDeadlineAnswers504AndLeavesTheQueue() async throws {
        var settings = ServerSettings()
        settings.timeout = .milliseconds(50)
        settings.batchWait = .seconds(10)
        let service = try ServingFixtures.service(settings)
        try await ServingFixtures.withRoutes(service) { client in
            let late = try await client.post("/v1/translate", #"{"q": ["a b"]}"#)
            XCTAssertEqual(late.status, .gatewayTimeout)
            XCTAssertTrue(try late.errorMessage().contains("deadline"), late.text)
            let metrics = try await client.get("/metrics").text
            XCTAssertTrue(metrics.contains(#"nmt_abandoned_requests_total{model="toy",reason="deadline"} 1"#), metrics)
            XCTAssertTrue(metrics.contains(#"nmt_queue_depth{model="toy"} 0.0"#), metrics)
        }
    }

    /// A round waits only for as many sentences as it can expect: before the first round a whole batch
    /// (so the first lone request waits out the 3 s window), after a round of one only one (the next
    /// lone request is served at once; 1 s is a margin far above a toy model's translation).
    func testALoneClientWaitsForNobodyAfterItsFirstRound() async throws {
        var settings = ServerSettings()
        settings.batchWait = .seconds(3)
        let service = try ServingFixtures.service(settings, batchSize: 8)
        try await ServingFixtures.withRoutes(service) { client in
            func queueMilliseconds() async throws -> Double {
                let response = try await client.post("/v1/translate", #"{"q": ["a b"]}"#)
                XCTAssertEqual(response.status, .ok, response.text)
                let timing = (try response.json() as? [String: Any])?["timing"] as? [String: Any]
                return try XCTUnwrap(timing?["queue_ms"] as? Double, response.text)
            }
            let first = try await queueMilliseconds()
            XCTAssertGreaterThanOrEqual(first, 2500, "the first round waits for a whole batch")
            let second = try await queueMilliseconds()
            XCTAssertLessThan(second, 1000, "after a round of one, a round waits for one sentence")
        }
    }

    /// Eight concurrent one-line requests, rounds of 8 that wait (up to 10 s) until full: one round takes all
    /// eight, and each request still gets the translation of its own line.
    func testConcurrentRequestsShareOneBatchAndKeepTheirOrder() async throws {
        try await checkEightConcurrentRequests(threads: 1, rounds: 1)
    }

    /// With two lanes (a translator given two threads), eight concurrent one-line requests in rounds of up
    /// to 8 that wait until 8 are queued: each free lane takes its share, so two rounds of four run side by
    /// side, and every request still gets the translation of its own line.
    func testTwoLanesShareTheQueueAndKeepEachAnswer() async throws {
        try await checkEightConcurrentRequests(threads: 2, rounds: 2)
    }

    /// Eight concurrent one-line requests to a worker of `threads` lanes whose rounds of up to 8 wait (up to
    /// 10 s) until full: every answer is the translator's for its line, in `rounds` rounds of 8 sentences in all.
    private func checkEightConcurrentRequests(threads: Int, rounds: Int) async throws {
        var settings = ServerSettings()
        settings.batchWait = .seconds(10)
        let service = try ServingFixtures.service(settings, batchSize: 8, threads: threads)
        let sources = ["a", "b c", "d e f", "g h i j", "j", "i h", "g f e", "d c b a"]
        let expected = try ServingFixtures.translator().translate(sources, batchSize: 8).map(\.text)
        try await ServingFixtures.withRoutes(service) { client in
            let answers = try await Self.translateConcurrently(sources, client)
            XCTAssertEqual(answers, expected)
            let metrics = try await client.get("/metrics").text
            XCTAssertTrue(metrics.contains(#"nmt_batch_sentences_count{model="toy"} \#(rounds)"#), metrics)
            XCTAssertTrue(metrics.contains(#"nmt_batch_sentences_sum{model="toy"} 8"#), metrics)
            XCTAssertTrue(metrics.contains(#"nmt_sentences_total{model="toy"} 8"#), metrics)
        }
    }

    /// One `/v1/translate` request per line, all at once; each request's translation in line order.
    static func translateConcurrently(_ sources: [String], _ client: any TestClientProtocol) async throws -> [String?] {
        try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for (index, source) in sources.enumerated() {
                group.addTask {
                    let response = try await client.post("/v1/translate", #"{"q": [\#(jsonString(source))]}"#)
                    let items = (try response.json() as? [String: Any])?["translations"] as? [[String: Any]]
                    return (index, items?.first?["text"] as? String)
                }
            }
            var answers = [String?](repeating: nil, count: sources.count)
            for try await (index, text) in group { answers[index] = text }
            return answers
        }
    }

    func testMetricsCountRequestsByRouteAndStatus() async throws {
        try await ServingFixtures.withRoutes(try ServingFixtures.service()) { client in
            _ = try await client.get("/health")
            _ = try await client.get("/health")
            _ = try await client.post("/v1/translate", #"{"q": ["a b", "c"]}"#)
            _ = try await client.post("/v1/translate", #"{"q": 3}"#)
            let response = try await client.get("/metrics")
            XCTAssertEqual(response.status, .ok)
            XCTAssertTrue(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") ?? false)
            let text = response.text
            for line in [#"nmt_requests_total{route="/health",status="200"} 2"#,
                         #"nmt_requests_total{route="/v1/translate",status="200"} 1"#,
                         #"nmt_requests_total{route="/v1/translate",status="400"} 1"#,
                         #"nmt_sentences_total{model="toy"} 2"#, #"nmt_sentences_total{model="plain"} 0"#,
                         "# TYPE nmt_request_duration_seconds histogram",
                         #"nmt_request_duration_seconds_count{route="/v1/translate"} 2"#] {
                XCTAssertTrue(text.contains(line), "missing \(line) in\n\(text)")
            }
        }
    }

    func testShutdownRefusesNewWorkAndIsNotReady() async throws {
        let service = try ServingFixtures.service()
        try await ServingFixtures.withRoutes(service) { client in
            let value3 = try await client.post("/v1/translate", #"{"q": ["a"]}"#).status
            XCTAssertEqual(value3, .ok)
            service.shutdown()
            let ready = try await client.get("/ready")
            XCTAssertEqual(ready.status, .serviceUnavailable)
            XCTAssertEqual((try ready.json() as? [String: String])?["reason"], "shutting down")
            let refused = try await client.post("/v1/translate", #"{"q": ["a"]}"#)
            XCTAssertEqual(refused.status, .serviceUnavailable)
            XCTAssertEqual(refused.headers[.retryAfter], "1")
            let value4 = try await client.get("/health").status
            XCTAssertEqual(value4, .ok, "liveness does not depend on the queue")
        }
    }

    /// Shutting down finishes what is queued: a request waiting for its round (which would wait 10 s to
    /// fill) is translated at once, and answered.
    func testShutdownFinishesQueuedWork() async throws {
        var settings = ServerSettings()
        settings.batchWait = .seconds(10)
        let service = try ServingFixtures.service(settings)
        let expected = try ServingFixtures.translator().translate(["a b c"], batchSize: 1)[0].text
        try await ServingFixtures.withRoutes(service) { client in
            async let answer = client.post("/v1/translate", #"{"q": ["a b c"]}"#)
            var queued = false
            for _ in 0..<500 where !queued {  // until the sentence is in the queue; at most 5 s
                queued = try await client.get("/metrics").text.contains(#"nmt_queue_depth{model="toy"} 1.0"#)
                if !queued { try await Task.sleep(for: .milliseconds(10)) }
            }
            XCTAssertTrue(queued)
            let stopped = Thread { service.shutdown() }
            stopped.start()
            let response = try await answer
            XCTAssertEqual(response.status, .ok, response.text)
            let items = (try response.json() as? [String: Any])?["translations"] as? [[String: Any]]
            XCTAssertEqual(items?.first?["text"] as? String, expected)
            let timing = (try response.json() as? [String: Any])?["timing"] as? [String: Double]
            XCTAssertLessThan(timing?["queue_ms"] ?? .infinity, 9000, "the round started at the shutdown, not at the end of its 10 s window")
        }
    }

    func testPageIsSelfContainedHTML() async throws {
        try await ServingFixtures.withRoutes(try ServingFixtures.service()) { client in
            let page = try await client.get("/")
            XCTAssertEqual(page.status, .ok)
            XCTAssertEqual(page.headers[.contentType], "text/html; charset=utf-8")
            let html = page.text
            XCTAssertTrue(html.hasPrefix("<!doctype html>"))
            for id in [#"id="source""#, #"id="translation""#, #"id="nbest""#, #"id="heatmap""#] {
                XCTAssertTrue(html.contains(id), "the page has no \(id)")
            }
            XCTAssertFalse(html.contains("http://") || html.contains("https://") || html.contains("src=\"//"),
                           "the page loads nothing from elsewhere")
        }
    }
}
