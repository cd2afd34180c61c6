#if canImport(Glibc)
import Glibc
#endif
import DurableFiles
import Synchronization

/// SIGINT, SIGTERM and SIGHUP, for every verb. They are blocked in all threads and taken by one thread
/// that waits for them (`sigwait`), so what follows a signal is ordinary code, not a signal handler.
///
/// - A verb that can stop cleanly (`train`) calls `allowGracefulStop()`: the first signal only sets
///   `stopRequested`, which the trainer checks between steps and validation batches, saves and exits.
/// - A second signal, or the first for any other verb, removes the temporary files being written (their
///   destinations keep their old content) and exits at once with 128 + the signal number.
enum Interrupts {
    private static let graceful = Atomic<Bool>(false)
    private static let requested = Atomic<Int32>(0)
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Whether a signal asked the current work to stop.
    static var stopRequested: Bool { requested.load(ordering: .relaxed) != 0 }

    static func allowGracefulStop() { graceful.store(true, ordering: .relaxed) }

    /// Call first thing in `main`, before any other thread starts (threads inherit the blocked set).
    static func install() {
        var set = signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            var set = Interrupts.signalSet()
            while true {
                var signal: Int32 = 0
                guard sigwait(&set, &signal) == 0 else { continue }
                Interrupts.received(signal)
            }
        }, nil)
        pthread_detach(thread)
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }

    private static func received(_ signal: Int32) {
        let first = requested.compareExchange(expected: 0, desired: signal, ordering: .relaxed).exchanged
        if first && graceful.load(ordering: .relaxed) {
            Console.endProgress()
            Console.log("\(name(signal)): saving a checkpoint at the end of this step (a second signal exits at once)")
            return
        }
        TemporaryFiles.shared.removeAll()
        _exit(128 + signal)
    }

    private static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "interrupted"
        case SIGTERM: return "SIGTERM"
        default: return "SIGHUP"
        }
    }
}

/// Standard input, output and error as a process starts: a closed one is reopened on /dev/null, so that
/// the first file a verb opens cannot become fd 2 and receive the progress lines. Closed standard output
/// is remembered: results written there are an error, not lost in silence.
enum StandardStreams {
    nonisolated(unsafe) static var outputWasClosed = false

    static func reopenClosed() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let reopened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if fd == 1 { outputWasClosed = true }
            if reopened >= 0 && reopened != fd { dup2(reopened, fd); close(reopened) }
        }
    }
}
