import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `nmt` binary (it sits beside the test bundle of any test target that depends on `nmt`)
/// and captures what it prints.
public struct CLIRunner {
    public static var binary: URL {
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundleFolder.appendingPathComponent("nmt")
    }

    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Runs `nmt` to the end with all of `stdin` written (and closed) first.
    @discardableResult
    public static func run(_ arguments: [String], stdin: String? = nil, in directory: URL = RepositoryPaths.root) throws -> Output {
        let child = try RunningNMT(arguments, in: directory, stdoutToFile: true)
        if let stdin { try child.write(stdin) }
        try child.closeInput()
        return try child.finish()
    }
}

/// A running `nmt` process that a test talks to while it runs: write to its stdin, read its stdout a line
/// at a time with a deadline, watch its stderr, send it a signal. Every wait is bounded, so a test can fail
/// but never hang; a child still running when the test gives up is killed.
public final class RunningNMT {
    public let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let folder: URL
    private let stdoutFile: URL?
    private let stderrFile: URL
    private var pending = [UInt8]()  // stdout bytes read but not yet returned as a line

    /// - Parameter stdoutToFile: stdout goes to a file (read at the end) instead of a pipe read with `readLine`.
    public init(_ arguments: [String], in directory: URL = RepositoryPaths.root, stdoutToFile: Bool = false,
         environment extra: [String: String] = [:]) throws {
        process.executableURL = CLIRunner.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = environment["OMP_NUM_THREADS"] ?? "1"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        // stderr (and stdout unless it is read live) go to files, so a full pipe can never block the child.
        folder = try temporaryFolder("cli-output")
        stderrFile = folder.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        if stdoutToFile {
            let file = folder.appendingPathComponent("stdout")
            FileManager.default.createFile(atPath: file.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: file)
            stdoutFile = file
        } else {
            process.standardOutput = output
            stdoutFile = nil
        }
        process.standardInput = input
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: folder)
    }

    public var pid: Int32 { process.processIdentifier }

    public func write(_ text: String) throws { try input.fileHandleForWriting.write(contentsOf: Data(text.utf8)) }

    public func closeInput() throws { try input.fileHandleForWriting.close() }

    /// The next line of stdout (without its newline), or nil if none arrives within `timeout` seconds or
    /// stdout ends first.
    public func readLine(timeout: TimeInterval) -> String? {
        let fd = output.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(left, 1) * 1000) + 1)
            if ready < 0 && errno != EINTR { return nil }
            guard ready > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { return nil }  // end of stdout
            pending += buffer[..<n]
        }
    }

    /// What the child has written to stderr so far.
    public var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Waits until `condition` holds; false if it does not within `timeout` seconds or the child ends first.
    public func wait(until condition: () -> Bool, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            if !process.isRunning { return condition() }
            usleep(10_000)
        }
        return false
    }

    public func send(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the child to exit, at most `timeout` seconds, then kills it; returns what it printed.
    public func finish(timeout: TimeInterval = 600) throws -> CLIRunner.Output {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("nmt \(process.arguments ?? []) did not end within \(timeout) s; killed")
        }
        process.waitUntilExit()
        var out = ""
        if let stdoutFile {
            out = String(decoding: try Data(contentsOf: stdoutFile), as: UTF8.self)
        } else {
            out = String(decoding: pending + output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        return CLIRunner.Output(status: process.terminationStatus, stdout: out, stderr: stderr)
    }
}

public func temporaryFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
