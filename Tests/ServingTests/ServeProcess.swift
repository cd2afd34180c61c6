import Foundation
import XCTest
import AsyncHTTPClient
import NIOCore
import TestSupport

/// A model trained here, once per test run: the reverse task of recipes/tiny.yaml, 300 steps (a few seconds).
enum TinyModel {
    private static let trained: Result<String, any Error> = Result {
        let folder = try temporaryFolder("serve-model")
        let vocab = folder.appendingPathComponent("vocab").path, model = folder.appendingPathComponent("tiny").path
        let built = try CLIRunner.run(["build-vocab", "recipes/tiny.yaml", "--set", "vocab.directory=\(vocab)"])
        guard built.status == 0 else { throw CLIFailure(output: built) }
        let trained = try CLIRunner.run(["train", "recipes/tiny.yaml", "--output", model, "--set", "vocab.directory=\(vocab)",
                                               "--set", "train.max_steps=300", "--set", "train.validate_every=300"])
        guard trained.status == 0 else { throw CLIFailure(output: trained) }
        return model
    }

    static func shared() throws -> String { try trained.get() }

    /// `nmt translate --model MODEL` on `lines` (standard input to standard output).
    static func translate(_ lines: [String], model: String) throws -> [String] {
        let run = try CLIRunner.run(["translate", "--model", model], stdin: lines.joined(separator: "\n") + "\n")
        guard run.status == 0 else { throw CLIFailure(output: run) }
        return run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    struct CLIFailure: Error, CustomStringConvertible {
        var output: CLIRunner.Output
        var description: String { "nmt exited with \(output.status): \(output.stderr)" }
    }
}

/// `nmt serve --model tiny=DIR --port 0` in the background; `url` once it listens.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let folder: URL
    let errors: URL
    private(set) var url = ""

    init(model: String, extra: [String] = []) throws {
        folder = try temporaryFolder("serve-process")
        errors = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.executableURL = CLIRunner.binary
        process.arguments = ["serve", "--model", "tiny=\(model)", "--port", "0"] + extra
        process.currentDirectoryURL = RepositoryPaths.root
        process.environment = ProcessInfo.processInfo.environment.merging(["OMP_NUM_THREADS": "1"]) { old, _ in old }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        for _ in 0..<300 {  // it listens within a second or two; give up after 30 s
            if let range = stderr.range(of: #"listening on (http://127\.0\.0\.1:\d+)/"#, options: .regularExpression) {
                url = String(stderr[range].dropFirst("listening on ".count).dropLast())
                return
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw TinyModel.CLIFailure(output: .init(status: process.isRunning ? -1 : process.terminationStatus, stdout: "", stderr: stderr))
    }

    var stderr: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }

    /// SIGTERM, then the exit status.
    func terminate() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Ends the server if it still runs and removes its folder.
    func stop() {
        _ = terminate()
        try? FileManager.default.removeItem(at: folder)
    }

    func post(_ client: HTTPClient, _ path: String, _ body: String) async throws -> Any {
        var request = HTTPClientRequest(url: url + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        XCTAssertEqual(response.status, .ok, String(buffer: bytes))
        return try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))
    }

    func get(_ client: HTTPClient, _ path: String) async throws -> String {
        let response = try await client.execute(HTTPClientRequest(url: url + path), timeout: .seconds(60))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}
