#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// The only place that writes for a user on stderr. Swift 6 rejects C's `stderr`, so this writes to fd 2.
enum Console {
    /// The ranks other than 0 of a data-parallel run print errors only (rank 0 speaks for the run).
    nonisolated(unsafe) static var errorsOnly = false

    static func log(_ message: String) {
        if !errorsOnly { write(message + "\n") }
    }

    /// A user error: always printed.
    static func error(_ message: String) {
        write("error: " + message + "\n")
    }

    /// Rewrites the current line (a live progress line) when stderr is a terminal, else prints a line.
    static func progress(_ message: String) {
        guard !errorsOnly else { return }
        if isatty(2) != 0 { write("\r\u{1B}[K" + message) } else { write(message + "\n") }
    }

    /// Ends a live progress line so the next message starts on its own line.
    static func endProgress() {
        if isatty(2) != 0 && !errorsOnly { write("\n") }
    }

    private static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// Runs a verb's body and turns any error into one clear message and a non-zero exit: the single place
/// where typed module errors become what a user sees (STYLE.md, habit 6). Never a stack trace.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        Console.error("\(error)")
        throw ExitCode(1)
    }
}
