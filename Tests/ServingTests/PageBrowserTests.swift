import Foundation
import XCTest
import TestSupport

/// The page at `GET /` in a real browser: headless Chromium opens `/?q=SENTENCE`, whose script puts the
/// sentence in the source box and translates it, and the test reads the translation, the n-best list and
/// the heatmap from the DOM Chromium dumps. Skipped (with the reason) when Chromium is not installed;
/// `make deps` installs it.
final class PageBrowserTests: XCTestCase {
    func testPageTranslatesInHeadlessChromium() throws {
        let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        guard let chromium = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw XCTSkip("Chromium is not installed (none of \(candidates.joined(separator: ", "))); `make deps` installs Debian's chromium")
        }
        let model = try TinyModel.shared()
        let sentence = "a b c d e"
        // The page asks for the 3 best with the model's beam (3), as `--n-best 3` does.
        let nBest = try CLIRunner.run(["translate", "--model", model, "--n-best", "3"], stdin: sentence + "\n")
        XCTAssertEqual(nBest.status, 0, nBest.stderr)
        let expected = nBest.stdout.split(separator: "\n").map { $0.components(separatedBy: " ||| ")[1] }
        XCTAssertEqual(expected.count, 3)

        let server = try ServeProcess(model: model)
        defer { server.stop() }
        let profile = try temporaryFolder("chromium-profile")
        defer { try? FileManager.default.removeItem(at: profile) }
        let query = sentence.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? sentence
        let dom = try runChromium(chromium, arguments: [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=\(profile.path)", "--virtual-time-budget=30000", "--dump-dom", "\(server.url)/?q=\(query)",
        ])
        XCTAssertTrue(dom.contains(#"data-state="done""#), "the page did not finish translating:\n\(dom)")
        XCTAssertEqual(element("output", id: "translation", in: dom), expected[0], dom)
        let items = matches(#"<li>([^<]*)<span>(-?[0-9.]+)</span></li>"#, in: element("ol", id: "nbest", in: dom) ?? "")
        XCTAssertEqual(items.map { $0[0] }, expected, "the n-best list, best first")
        XCTAssertEqual(items.count, 3)
        for item in items { XCTAssertNotNil(Double(item[1]), "each entry shows its score") }
        let heatmap = element("div", id: "heatmap", in: dom) ?? ""
        XCTAssertEqual(matches(#"<td [^>]*title="[^"]*"#, in: heatmap).count, 5 * (expected[0].split(separator: " ").count + 1),
                       "one heatmap cell per (output token or </s>, source token):\n\(heatmap)")
        XCTAssertEqual(server.terminate(), 0)
    }

    private func runChromium(_ path: String, arguments: [String]) throws -> String {
        let folder = try temporaryFolder("chromium-output")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("dom"), errors = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        let dom = try String(contentsOf: output, encoding: .utf8)
        XCTAssertEqual(process.terminationStatus, 0, (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
        return dom
    }

    /// The inner HTML of the first `<tag id="id" …>…</tag>` (no nesting of the same tag inside).
    private func element(_ tag: String, id: String, in html: String) -> String? {
        matches(#"<\#(tag) id="\#(id)"[^>]*>(.*?)</\#(tag)>"#, in: html).first?.first
    }

    /// The capture groups of every match of `pattern`.
    private func matches(_ pattern: String, in text: String) -> [[String]] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (1..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }
}
