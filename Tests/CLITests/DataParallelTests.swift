import Foundation
import XCTest
import Glibc
import TestSupport

/// `mpirun -np 2 nmt train` computes what one process with `train.accumulate: 2` computes, on one
/// machine and across two "hosts" (network namespaces); a stop or a dead rank ends every rank.
final class DataParallelTests: XCTestCase {
    var work: URL!
    var vocab = ""

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/mpirun") else {
            throw XCTSkip("Open MPI's mpirun is not installed (make deps installs openmpi-bin)")
        }
        work = try temporaryFolder("mpi")
        vocab = work.appendingPathComponent("vocab").path
        for side in ["src", "tgt"] {
            let lines = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("corpora/reverse/valid.\(side)"), encoding: .utf8)
                .split(separator: "\n").prefix(20)
            try (lines.joined(separator: "\n") + "\n").write(to: work.appendingPathComponent("valid.\(side)"), atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(try CLIRunner.run(["build-vocab", "recipes/tiny.yaml", "--set", "vocab.directory=\(vocab)"]).status, 0)
    }

    override func tearDownWithError() throws {
        if let work { try? FileManager.default.removeItem(at: work) }
    }

    /// The tiny recipe, small and with dropout (so keyed dropout streams matter), validating every 20 steps.
    func train(_ output: String, steps: Int, extra: [String] = []) -> [String] {
        ["train", "recipes/tiny.yaml", "--output", output, "--set", "vocab.directory=\(vocab)", "--set", "train.max_steps=\(steps)",
         "--set", "train.validate_every=20", "--set", "train.log_every=10", "--set", "model.embedding=16",
         "--set", "model.encoder_hidden=16", "--set", "model.decoder_hidden=32", "--set", "model.attention_size=16",
         "--set", "model.dropout=0.2", "--set", "decode.beam=1", "--set", "data.valid=\(work.path)/valid"] + extra
    }

    static let mpirunBase = ["--allow-run-as-root", "--oversubscribe", "-np", "2", "-x", "OMP_NUM_THREADS", "--mca", "btl", "tcp,self"]

    /// Starts a command with stderr in a file and returns it running.
    func start(_ executable: String, _ arguments: [String], namespace: String? = nil) throws -> (Process, URL) {
        let process = Process()
        if let namespace {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            process.arguments = ["netns", "exec", namespace, executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.currentDirectoryURL = RepositoryPaths.root
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = "1"
        process.environment = environment
        let log = work.appendingPathComponent("run-\(UInt32.random(in: 0...UInt32.max)).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)  // one handle: one offset for both streams
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return (process, log)
    }

    /// Waits for exit within `seconds` (else kills it and fails); returns the status and the log.
    @discardableResult
    func finish(_ run: (Process, URL), within seconds: Double, file: StaticString = #filePath, line: UInt = #line) -> (Int32, String) {
        let (process, log) = run
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            XCTFail("still running after \(seconds) s: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")", file: file, line: line)
        }
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    func mpirun(_ arguments: [String], extra: [String] = [], namespace: String? = nil) throws -> (Process, URL) {
        try start("/usr/bin/mpirun", Self.mpirunBase + extra + [CLIRunner.binary.path] + arguments, namespace: namespace)
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func waitFor(_ text: String, in log: URL, seconds: Double = 60) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? String(contentsOf: log, encoding: .utf8))?.contains(text) == true { return }
            usleep(20_000)
        }
        XCTFail("\(text) did not appear: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// The PIDs of the `nmt train` ranks writing to `output`.
    func ranks(of output: String) -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap(Int32.init).filter { pid in
            guard let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return false }
            let words = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return words.first?.hasSuffix("/nmt") == true && words.contains(output)
        }
    }

    func testTwoProcessesComputeWhatOneComputesWithAccumulation() throws {
        let one = work.appendingPathComponent("one").path, two = work.appendingPathComponent("two").path
        XCTAssertEqual(try CLIRunner.run(train(one, steps: 60, extra: ["--set", "train.accumulate=2"])).status, 0)
        let (status, log) = finish(try mpirun(train(two, steps: 60)), within: 120)
        XCTAssertEqual(status, 0, log)
        XCTAssertTrue(log.contains("2 processes"), log)
        XCTAssertEqual(log.components(separatedBy: "validation at step 60").count - 1, 1, "rank 0 alone speaks: \(log)")
        for file in ["model.safetensors", "best.safetensors", "checkpoints/step-00000060.safetensors"] {
            XCTAssertEqual(try bytes(two + "/" + file), try bytes(one + "/" + file), file)
        }
        // And it is not what one process computes without accumulation.
        let plain = work.appendingPathComponent("plain").path
        XCTAssertEqual(try CLIRunner.run(train(plain, steps: 60)).status, 0)
        XCTAssertNotEqual(try bytes(plain + "/model.safetensors"), try bytes(one + "/model.safetensors"))
    }

    /// SIGTERM to one rank stops both at the same update; rank 0 saves; `mpirun … --resume` then ends
    /// with the weights of an uninterrupted run.
    func testASignalToOneRankStopsAllAndResumesExactly() throws {
        let one = work.appendingPathComponent("one").path, two = work.appendingPathComponent("two").path
        XCTAssertEqual(try CLIRunner.run(train(one, steps: 400, extra: ["--set", "train.accumulate=2"])).status, 0)
        let run = try mpirun(train(two, steps: 400))
        try waitFor("step 30 ", in: run.1)
        let pids = ranks(of: two)
        XCTAssertEqual(pids.count, 2, "two ranks")
        kill(try XCTUnwrap(pids.last), SIGTERM)
        let (status, log) = finish(run, within: 60)
        XCTAssertEqual(status, 0, log)
        XCTAssertTrue(log.contains("interrupted"), log)
        let (resumed, resumedLog) = finish(try mpirun(train(two, steps: 400, extra: ["--resume"])), within: 120)
        XCTAssertEqual(resumed, 0, resumedLog)
        XCTAssertTrue(resumedLog.contains("resuming at step"), resumedLog)
        XCTAssertEqual(try bytes(two + "/model.safetensors"), try bytes(one + "/model.safetensors"))
    }

    /// A rank that dies ends the run within seconds, with a message, and the last checkpoint resumes.
    func testAKilledRankEndsTheRunAndTheCheckpointStaysIntact() throws {
        let two = work.appendingPathComponent("two").path
        let run = try mpirun(train(two, steps: 100_000))
        try waitFor("saved step 20", in: run.1)
        try waitFor("step 30 ", in: run.1)
        let pids = ranks(of: two)
        XCTAssertEqual(pids.count, 2, "two ranks")
        kill(try XCTUnwrap(pids.last), SIGKILL)
        let (status, log) = finish(run, within: 20)
        XCTAssertNotEqual(status, 0, log)
        XCTAssertTrue(log.lowercased().contains("signal 9") || log.lowercased().contains("killed"), log)
        XCTAssertTrue(ranks(of: two).isEmpty, "every rank must be gone")
        let resumed = try CLIRunner.run(train(two, steps: 60, extra: ["--resume", "--set", "train.accumulate=2"]))
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
    }

    /// Two hosts: network namespaces joined by a veth pair, mpirun with a hostfile naming both, its
    /// remote agent entering the other namespace instead of ssh, Open MPI's TCP transport between them.
    func testTwoHostsInNetworkNamespaces() throws {
        let suffix = String(getpid() % 10000)
        let (h1, h2) = ("nmt-a\(suffix)", "nmt-b\(suffix)")
        let subnet = "10.\(200 + getpid() % 50).\(getpid() % 250).0"
        let prefix = subnet.dropLast(1)
        let (a1, a2) = (prefix + "1", prefix + "2")
        func ip(_ words: String) -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            p.arguments = words.split(separator: " ").map(String.init)
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return -1 }
            p.waitUntilExit()
            return p.terminationStatus
        }
        guard ip("netns add \(h1)") == 0 else { throw XCTSkip("network namespaces cannot be made here (needs root and iproute2)") }
        defer { _ = ip("netns del \(h1)"); _ = ip("netns del \(h2)") }
        for command in ["netns add \(h2)", "link add v\(suffix)a type veth peer name v\(suffix)b",
                        "link set v\(suffix)a netns \(h1)", "link set v\(suffix)b netns \(h2)",
                        "-n \(h1) addr add \(a1)/24 dev v\(suffix)a", "-n \(h2) addr add \(a2)/24 dev v\(suffix)b",
                        "-n \(h1) link set v\(suffix)a up", "-n \(h2) link set v\(suffix)b up",
                        "-n \(h1) link set lo up", "-n \(h2) link set lo up"] {
            XCTAssertEqual(ip(command), 0, "ip \(command)")
        }
        let agent = work.appendingPathComponent("enter-host.sh")
        try """
            #!/bin/sh
            # Open MPI's remote agent: "HOST COMMAND…" runs COMMAND inside that host's namespace.
            host="$1"; shift
            case "$host" in \(a1)) ns=\(h1) ;; \(a2)) ns=\(h2) ;; *) echo "unknown host $host" >&2; exit 1 ;; esac
            exec ip netns exec "$ns" sh -c "$*"

            """.write(to: agent, atomically: true, encoding: .utf8)
        chmod(agent.path, 0o755)
        let hostfile = work.appendingPathComponent("hosts")
        try "\(a1) slots=1\n\(a2) slots=1\n".write(to: hostfile, atomically: true, encoding: .utf8)
        let one = work.appendingPathComponent("one").path, two = work.appendingPathComponent("two").path
        XCTAssertEqual(try CLIRunner.run(train(one, steps: 40, extra: ["--set", "train.accumulate=2"])).status, 0)
        let network = ["--hostfile", hostfile.path, "--mca", "plm_rsh_agent", agent.path, "--display-map",
                       "--mca", "btl_tcp_if_include", subnet + "/24", "--mca", "oob_tcp_if_include", subnet + "/24"]
        let (status, log) = finish(try mpirun(train(two, steps: 40), extra: network, namespace: h1), within: 120)
        XCTAssertEqual(status, 0, log)
        XCTAssertTrue(log.contains("Data for node: \(a2)"), "rank 1 must run on the second host: \(log)")
        XCTAssertEqual(try bytes(two + "/model.safetensors"), try bytes(one + "/model.safetensors"))
    }
}
