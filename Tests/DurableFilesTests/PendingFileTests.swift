import XCTest
import Glibc
@testable import DurableFiles

final class PendingFileTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "durable-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    func testCommitReplacesAndLeavesNoTemporary() throws {
        let path = folder + "/out.txt"
        try AtomicFile.write("old\n", to: path)
        let file = try PendingFile(replacing: path)
        try file.write(Array("new\n".utf8))
        // Before the commit the destination still holds the old content, and the temporary is hidden.
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old\n")
        XCTAssertEqual(try names(), [".out.txt.tmp-\(getpid())", "out.txt"])
        XCTAssertEqual(TemporaryFiles.shared.current, [file.temporaryPath!])
        try file.commit()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new\n")
        XCTAssertEqual(try names(), ["out.txt"])
        XCTAssertTrue(TemporaryFiles.shared.current.isEmpty)
    }

    func testAbandonedOrDroppedFileLeavesTheOldContentAndNoTemporary() throws {
        let path = folder + "/out.txt"
        try AtomicFile.write("old\n", to: path)
        do {
            let file = try PendingFile(replacing: path)
            try file.write(Array("half".utf8))
        }  // dropped without commit, as when an error unwinds
        let abandoned = try PendingFile(replacing: path)
        try abandoned.write(Array("half".utf8))
        abandoned.abandon()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old\n")
        XCTAssertEqual(try names(), ["out.txt"])
    }

    func testDevicesAreWrittenInPlaceNotReplaced() throws {
        // A private null device in our folder, never the system's /dev/null: a broken build must not be
        // able to replace that (the tests run as root).
        let device = folder + "/null"
        guard mknod(device, S_IFCHR | 0o666, dev_t(1 << 8 | 3) /* makedev(1, 3): the null device */) == 0 else {
            throw XCTSkip("cannot make a device node here (needs root): \(String(cString: strerror(errno)))")
        }
        let file = try PendingFile(replacing: device)
        XCTAssertNil(file.temporaryPath)
        try file.write(Array("discarded\n".utf8))
        try file.commit()
        var info = stat()
        XCTAssertEqual(stat(device, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "the device must stay a device")
        // A FIFO in our folder is written in place too.
        let fifo = folder + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        let toFifo = try PendingFile(replacing: fifo)
        try toFifo.write(Array("x\n".utf8))
        try toFifo.commit()
        var buffer = [UInt8](repeating: 0, count: 8)
        XCTAssertEqual(read(reader, &buffer, 8), 2)
        XCTAssertEqual(lstat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
    }

    func testSymlinkToRegularFileKeepsTheLink() throws {
        let real = folder + "/real.txt", link = folder + "/link.txt"
        try AtomicFile.write("old\n", to: real)
        XCTAssertEqual(symlink(real, link), 0)
        try AtomicFile.write("new\n", to: link)
        var info = stat()
        XCTAssertEqual(lstat(link, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFLNK, "the link must survive")
        XCTAssertEqual(try String(contentsOfFile: real, encoding: .utf8), "new\n")
    }

    func testFailedWriteRemovesTheTemporary() throws {
        // /dev/full accepts the open and fails every write with ENOSPC: in place, so use a folder that
        // disappears instead for the temporary case, and check /dev/full's error is reported.
        let full = try PendingFile(replacing: "/dev/full")
        XCTAssertThrowsError(try full.write(Array(repeating: 0x41, count: 10))) { error in
            XCTAssertTrue("\(error)".contains("/dev/full"), "\(error)")
        }
        XCTAssertThrowsError(try PendingFile(replacing: folder + "/missing/out.txt")) { error in
            XCTAssertTrue("\(error)".contains("missing/out.txt"), "\(error)")
        }
        XCTAssertEqual(try names(), [])
    }

    func testStaleTemporariesOfDeadProcessesAreRemoved() throws {
        // A PID far above pid_max cannot be running; our own PID is alive and must be kept.
        let dead = folder + "/.model.safetensors.tmp-2147483646"
        let alive = folder + "/.model.safetensors.tmp-\(getpid())"
        let unrelated = folder + "/.hidden"
        for path in [dead, alive, unrelated] { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data())) }
        XCTAssertEqual(AtomicFile.removeStale(in: folder), [".model.safetensors.tmp-2147483646"])
        XCTAssertEqual(try names(), [".hidden", ".model.safetensors.tmp-\(getpid())"])
    }

    func testWriterProcessParsesOnlyTemporaryNames() {
        XCTAssertEqual(AtomicFile.writerProcess(ofTemporary: ".a.tmp-123"), 123)
        XCTAssertEqual(AtomicFile.writerProcess(ofTemporary: ".a.tmp-12x"), nil)
        XCTAssertEqual(AtomicFile.writerProcess(ofTemporary: ".a.tmp-"), nil)
        XCTAssertEqual(AtomicFile.writerProcess(ofTemporary: "a.txt"), nil)
    }
}
