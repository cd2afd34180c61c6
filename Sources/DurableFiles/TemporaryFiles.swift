#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The temporary files this process is writing right now, so that an exit on a second Ctrl-C (or any
/// immediate exit) can remove them first and leave no stray file behind.
public final class TemporaryFiles: Sendable {
    public static let shared = TemporaryFiles()
    private let paths = Mutex<Set<String>>([])

    func insert(_ path: String) { paths.withLock { _ = $0.insert(path) } }
    func remove(_ path: String) { paths.withLock { _ = $0.remove(path) } }

    /// The paths being written now.
    public var current: Set<String> { paths.withLock { $0 } }

    /// Unlinks every temporary file being written (their destinations are untouched).
    public func removeAll() {
        paths.withLock { set in
            for path in set { unlink(path) }
            set.removeAll()
        }
    }
}

/// For the kill tests only: `NMT_TEST_WRITE_PAUSE_MS=N` makes every crash-safe write pause N ms between
/// its steps (before each rename, and between the files of a checkpoint), so a test can deliver SIGKILL
/// inside a write. Unset, it costs one environment read per process.
public enum TestPause {
    static let milliseconds: UInt32 = {
        guard let text = getenv("NMT_TEST_WRITE_PAUSE_MS"), let value = UInt32(String(cString: text)) else { return 0 }
        return min(value, 10_000)
    }()

    /// Sleeps for the configured pause (nothing when unset); `where` names the step, for readers.
    public static func between(_ where: @autoclosure () -> String) {
        guard milliseconds > 0 else { return }
        usleep(milliseconds * 1000)
    }
}
