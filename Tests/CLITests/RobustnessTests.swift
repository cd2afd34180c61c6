import Foundation
import XCTest
import Glibc
import TestSupport

/// What must survive bad options, odd outputs and kills (issue: nothing lost, nothing crashes), run
/// through the binary. One small model is trained once for the class.
final class RobustnessTests: XCTestCase {
    nonisolated(unsafe) static var work: URL!
    nonisolated(unsafe) static var vocab = ""
    nonisolated(unsafe) static var model = ""

    /// A small, fast configuration of the tiny recipe, validating on 20 lines every 20 steps.
    static func trainArguments(output: String, steps: Int = 120) -> [String] {
        ["train", "recipes/tiny.yaml", "--output", output, "--set", "vocab.directory=\(vocab)",
         "--set", "train.max_steps=\(steps)", "--set", "train.validate_every=20", "--set", "train.log_every=10",
         "--set", "model.embedding=16", "--set", "model.encoder_hidden=16", "--set", "model.decoder_hidden=32",
         "--set", "model.attention_size=16", "--set", "decode.beam=1", "--set", "data.valid=\(work.path)/valid"]
    }

    override class func setUp() {
        super.setUp()
        do {
            work = try temporaryFolder("robust")
            vocab = work.appendingPathComponent("vocab").path
            model = work.appendingPathComponent("model").path
            for side in ["src", "tgt"] {
                let lines = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("corpora/reverse/valid.\(side)"), encoding: .utf8)
                    .split(separator: "\n").prefix(20)
                try (lines.joined(separator: "\n") + "\n").write(to: work.appendingPathComponent("valid.\(side)"), atomically: true, encoding: .utf8)
            }
            let built = try CLIRunner.run(["build-vocab", "recipes/tiny.yaml", "--set", "vocab.directory=\(vocab)"])
            precondition(built.status == 0, built.stderr)
            let trained = try CLIRunner.run(trainArguments(output: model, steps: 40))
            precondition(trained.status == 0, trained.stderr)
        } catch {
            preconditionFailure("setting up the robustness tests: \(error)")
        }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: work)
        super.tearDown()
    }

    func folder(_ name: String) throws -> URL {
        let url = Self.work.appendingPathComponent(name + "-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `script` in /bin/sh with $NMT the binary, for redirections the runner cannot make.
    func shell(_ script: String, environment extra: [String: String] = [:]) throws -> CLIRunner.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = RepositoryPaths.root
        var environment = ProcessInfo.processInfo.environment
        environment["NMT"] = CLIRunner.binary.path
        environment["OMP_NUM_THREADS"] = "1"
        for (k, v) in extra { environment[k] = v }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return .init(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func assertCleanFailure(_ result: CLIRunner.Output, mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(result.status, 0, result.stderr, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "\(fragment) not in: \(result.stderr)", file: file, line: line)
        }
        XCTAssertFalse(result.stderr.contains("Fatal error") || result.stderr.contains("Stack dump"), result.stderr, file: file, line: line)
    }

    // MARK: options

    func testRunawayAndSilentOptionsAreRefusedWithTheirBounds() throws {
        assertCleanFailure(try CLIRunner.run(["translate", "--model", Self.model, "--beam", "4611686018427387904"], stdin: "a b\n"),
                           mentions: ["beam", "1000"])
        for size in ["0", "-3"] {
            assertCleanFailure(try CLIRunner.run(["translate", "--model", Self.model, "--batch-size=\(size)"], stdin: "a b\n"),
                               mentions: ["--batch-size", "100000"])
        }
        assertCleanFailure(try CLIRunner.run(Self.trainArguments(output: try folder("adam").path) + ["--set", "train.adam_beta1=1.5"]),
                           mentions: ["train.adam_beta1", "[0, 1)"])
        assertCleanFailure(try CLIRunner.run(Self.trainArguments(output: try folder("init").path) + ["--set", "model.init_scale=-1"]),
                           mentions: ["model.init_scale"])
    }

    // MARK: outputs

    /// A device or a link to one is written in place, never replaced by a regular file.
    func testOutputToADeviceOrALinkKeepsIt() throws {
        let dir = try folder("devices")
        // A private null device (never the system's /dev/null, which a broken build could replace as root).
        let device = dir.appendingPathComponent("null").path
        guard mknod(device, S_IFCHR | 0o666, dev_t(1 << 8 | 3) /* makedev(1, 3): the null device */) == 0 else { throw XCTSkip("cannot make a device node here (needs root)") }
        let link = dir.appendingPathComponent("out").path
        XCTAssertEqual(symlink(device, link), 0)
        let result = try CLIRunner.run(["translate", "--model", Self.model, "--output", link], stdin: "a b c\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        var info = stat()
        XCTAssertEqual(lstat(link, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFLNK, "the link must stay a link")
        XCTAssertEqual(lstat(device, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "the device must stay a device")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["null", "out"])
        // /dev/stdout is the process's standard output, not a file to replace.
        let piped = try shell("printf 'a b\\n' | \"$NMT\" translate --model \(Self.model) --output /dev/stdout")
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 2, piped.stdout)
    }

    /// A verb that fails after opening its output leaves neither the output nor a temporary file.
    func testFailedTranslationLeavesNoFile() throws {
        let dir = try folder("failed")
        let input = dir.appendingPathComponent("in.txt")
        try Data("a b\nc d\n\u{FF}\u{FE}\n".utf8.map { $0 } + [0xFF, 0xFE, 0x0A]).write(to: input)
        let output = dir.appendingPathComponent("out.txt").path
        let result = try CLIRunner.run(["translate", "--model", Self.model, "--input", input.path, "--output", output])
        assertCleanFailure(result, mentions: ["in.txt", "UTF-8"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["in.txt"])
    }

    /// A score that cannot be written is an error, not a silent exit 0.
    func testBleuWithUnwritableStandardOutputFails() throws {
        let ref = RepositoryPaths.root.appendingPathComponent("corpora/reverse/test.tgt").path
        for redirect in [">/dev/full", ">&-"] {
            let result = try shell("\"$NMT\" bleu \(ref) --input \(ref) \(redirect)")
            assertCleanFailure(result, mentions: ["standard output"])
        }
    }

    /// With stderr closed, the progress lines must not land in the output file.
    func testClosedStandardErrorDoesNotReachTheOutputFile() throws {
        let dir = try folder("stderr")
        let output = dir.appendingPathComponent("out.txt").path
        let result = try shell("printf 'a b\\nc\\n' | \"$NMT\" translate --model \(Self.model) --output \(output) 2>&-")
        XCTAssertEqual(result.status, 0)
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 3, "two translations and the final newline only: \(lines)")
    }

    /// A stream without newlines is refused once a line passes the limit, instead of growing without end.
    func testInputWithoutNewlinesIsRefused() throws {
        let result = try CLIRunner.run(["translate", "--model", Self.model, "--input", "/dev/zero"])
        assertCleanFailure(result, mentions: ["/dev/zero:1", "MiB"])
    }

    func testDetokenizeKeepsOneLinePerLine() throws {
        let result = try CLIRunner.run(["detokenize"], stdin: "a \u{FFEE}000A b\nc\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 3, result.stdout)
    }

    /// A model whose weights hold NaN is refused on load, not translated into empty lines with exit 0.
    func testNonFiniteWeightsAreRefusedOnLoad() throws {
        let dir = try folder("nan")
        for name in ["recipe.yaml", "source.vocab", "target.vocab", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: Self.model + "/" + name, toPath: dir.path + "/" + name)
        }
        let path = dir.path + "/model.safetensors"
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = data.prefix(8).withUnsafeBytes { Int($0.loadUnaligned(as: UInt64.self)) }
        let nan = Float.nan.bitPattern
        for k in 0..<4 { data[8 + headerLength + 40 + k] = UInt8((nan >> (8 * UInt32(k))) & 0xFF) }  // one float inside the data
        try data.write(to: URL(fileURLWithPath: path))
        assertCleanFailure(try CLIRunner.run(["translate", "--model", dir.path], stdin: "a b\n"), mentions: ["model.safetensors", "NaN"])
    }

    // MARK: training that fails

    func testMisalignedCorporaLeaveNoModelDirectory() throws {
        let dir = try folder("misaligned")
        try "a b\nc d\ne f\n".write(to: dir.appendingPathComponent("train.src"), atomically: true, encoding: .utf8)
        try "b a\nd c\n".write(to: dir.appendingPathComponent("train.tgt"), atomically: true, encoding: .utf8)
        let output = dir.appendingPathComponent("model").path
        let result = try CLIRunner.run(Self.trainArguments(output: output) + ["--set", "data.train=\(dir.path)/train"])
        assertCleanFailure(result, mentions: ["train.src", "train.tgt"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "no half-made model directory")
    }

    /// A resume refused by the training state leaves recipe.yaml as it was.
    func testRefusedResumeLeavesTheRecipeUntouched() throws {
        let dir = try folder("refused")
        let output = dir.appendingPathComponent("m").path
        XCTAssertEqual(try CLIRunner.run(Self.trainArguments(output: output, steps: 20)).status, 0)
        let recipe = output + "/recipe.yaml"
        let before = try Data(contentsOf: URL(fileURLWithPath: recipe))
        try Data("not a safetensors file".utf8).write(to: URL(fileURLWithPath: output + "/training-state.safetensors"))
        let result = try CLIRunner.run(Self.trainArguments(output: output, steps: 40) + ["--resume", "--set", "train.learning_rate=0.01"])
        assertCleanFailure(result, mentions: ["training-state.safetensors"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: recipe)), before)
    }

    // MARK: signals and kills

    /// Starts `nmt train` with its stderr in a file; returns the process and that file.
    func startTraining(_ arguments: [String], pauseMilliseconds: Int = 0) throws -> (Process, URL) {
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = arguments
        process.currentDirectoryURL = RepositoryPaths.root
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = "1"
        if pauseMilliseconds > 0 { environment["NMT_TEST_WRITE_PAUSE_MS"] = String(pauseMilliseconds) }
        process.environment = environment
        let log = Self.work.appendingPathComponent("train-\(UInt32.random(in: 0...UInt32.max)).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, log)
    }

    /// Waits (at most 60 s) until `log` contains `text`.
    func wait(for text: String, in log: URL) throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let content = try? String(contentsOf: log, encoding: .utf8), content.contains(text) { return }
            usleep(20_000)
        }
        XCTFail("\(text) never appeared in \(log.path): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    func waitForExit(_ process: Process, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate(); return false }
        return true
    }

    func temporaries(in path: String) -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            + ((try? FileManager.default.contentsOfDirectory(atPath: path + "/checkpoints")) ?? [])
        return names.filter { $0.contains(".tmp-") }
    }

    /// SIGTERM and SIGHUP save a checkpoint and exit 0, as Ctrl-C does, and the run resumes from it.
    func testTermAndHangUpSaveACheckpoint() throws {
        for signal in [SIGTERM, SIGHUP] {
            let output = try folder("signal").appendingPathComponent("m").path
            let (process, log) = try startTraining(Self.trainArguments(output: output, steps: 100_000))
            try wait(for: "step 30 ", in: log)
            kill(process.processIdentifier, signal)
            XCTAssertTrue(waitForExit(process), "nmt train did not stop on signal \(signal)")
            let text = try String(contentsOf: log, encoding: .utf8)
            XCTAssertEqual(process.terminationStatus, 0, text)
            XCTAssertTrue(text.contains("saving a checkpoint"), text)
            XCTAssertTrue(text.contains("stopped at step") && text.contains("interrupted"), text)
            XCTAssertTrue(FileManager.default.fileExists(atPath: output + "/training-state.safetensors"))
            XCTAssertEqual(temporaries(in: output), [])
        }
    }

    /// A second signal during the checkpoint write exits at once, removes the temporary file, and leaves
    /// the previous checkpoint resumable.
    func testSecondSignalExitsAtOnceWithoutDebris() throws {
        let output = try folder("second").appendingPathComponent("m").path
        XCTAssertEqual(try CLIRunner.run(Self.trainArguments(output: output, steps: 20)).status, 0)
        let saved = try Data(contentsOf: URL(fileURLWithPath: output + "/training-state.safetensors"))
        let (process, log) = try startTraining(Self.trainArguments(output: output, steps: 100_000) + ["--resume"], pauseMilliseconds: 5000)
        try wait(for: "resuming at step 20", in: log)
        usleep(300_000)
        kill(process.processIdentifier, SIGINT)
        try wait(for: "saving a checkpoint", in: log)
        usleep(500_000)  // inside the paused write of the training state
        XCTAssertFalse(temporaries(in: output).isEmpty, "the write should be under way")
        kill(process.processIdentifier, SIGINT)
        XCTAssertTrue(waitForExit(process, seconds: 3), "a second signal must exit at once")
        XCTAssertEqual(process.terminationStatus, 128 + SIGINT)
        XCTAssertEqual(temporaries(in: output), [])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: output + "/training-state.safetensors")), saved)
        let resumed = try CLIRunner.run(Self.trainArguments(output: output, steps: 40) + ["--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
    }

    /// SIGKILL at seeded random moments, also inside checkpoint writes (which pause between their steps),
    /// then `--resume` each time: the final weights equal an uninterrupted run's byte for byte, no file is
    /// torn or left behind, and metrics.jsonl logs each step once.
    func testRandomKillsThenResumeGiveTheUninterruptedWeights() throws {
        let dir = try folder("kill")
        let straight = dir.appendingPathComponent("straight").path, killed = dir.appendingPathComponent("killed").path
        XCTAssertEqual(try CLIRunner.run(Self.trainArguments(output: straight)).status, 0)
        var seed = UInt64(0x5EED)  // seeded moments: a simple LCG, so a failure names its schedule
        var kills: [Int] = [], insideWrites = 0
        for _ in 0..<6 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let milliseconds = 300 + Int(seed >> 33) % 1700
            kills.append(milliseconds)
            let resume = FileManager.default.fileExists(atPath: killed + "/training-state.safetensors")
            // Writes pause 150 ms between their steps, so most of the run's time is spent inside them.
            let (process, _) = try startTraining(Self.trainArguments(output: killed) + (resume ? ["--resume"] : []), pauseMilliseconds: 150)
            usleep(UInt32(milliseconds) * 1000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if !temporaries(in: killed).isEmpty { insideWrites += 1 }
        }
        XCTAssertGreaterThan(insideWrites, 0, "no kill landed inside a write (kills at \(kills) ms)")
        let resume = FileManager.default.fileExists(atPath: killed + "/training-state.safetensors")
        let last = try CLIRunner.run(Self.trainArguments(output: killed) + (resume ? ["--resume"] : []))
        XCTAssertEqual(last.status, 0, "kills at \(kills) ms: \(last.stderr)")
        for file in ["model.safetensors", "best.safetensors", "checkpoints/step-00000120.safetensors"] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: killed + "/" + file)),
                           try Data(contentsOf: URL(fileURLWithPath: straight + "/" + file)), "\(file), kills at \(kills) ms")
        }
        XCTAssertEqual(temporaries(in: killed), [], "kills at \(kills) ms")
        let steps = try String(contentsOfFile: killed + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("\"event\":\"train\"") }
            .compactMap { line in line.range(of: "\"step\":").map { Int(line[$0.upperBound...].prefix(while: \.isNumber))! } }
        XCTAssertEqual(steps, Array(stride(from: 10, through: 120, by: 10)), "kills at \(kills) ms")
    }
}
