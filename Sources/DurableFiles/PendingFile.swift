#if canImport(Glibc)
import Glibc
#endif

/// A file being written so that its destination holds, at every instant, either the old content or the
/// complete new one, never a torn file: the bytes go to a hidden temporary name beside the destination
/// (`.NAME.tmp-PID`), and `commit()` flushes them to disk, renames them over the destination and flushes
/// the folder, so the rename itself survives a power cut. A file that is dropped or `abandon()`ed
/// before its commit is removed; one left by a killed process is removed by `removeStale(in:)`.
///
/// A destination that is not a regular file (a device such as `/dev/null`, a pipe, `/dev/stdout`) is
/// written in place instead: renaming over it would replace the device with a plain file. A symbolic
/// link to a regular file keeps the link and replaces the file it points to.
///
/// This is the one owner of crash-safe writes; every file the toolkit writes goes through it.
public final class PendingFile {
    /// Where the content lands on `commit()`.
    public let destination: String
    /// The temporary name being written; nil when the destination is written in place.
    public let temporaryPath: String?
    private var fd: Int32
    private var finished = false

    /// Opens a temporary file beside `path` (or `path` itself when it is not a regular file).
    public init(replacing path: String) throws {
        let target = Self.resolve(path)
        destination = target.path
        if target.inPlace {
            fd = open(target.path, O_WRONLY | O_TRUNC | O_CLOEXEC)
            temporaryPath = nil
            guard fd >= 0 else { throw FileWriteError.cannotCreate(path: path, reason: Self.errorText()) }
        } else {
            let temporary = Self.temporaryName(for: target.path)
            fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw FileWriteError.cannotCreate(path: path, reason: Self.errorText()) }
            temporaryPath = temporary
            TemporaryFiles.shared.insert(temporary)
        }
    }

    /// Appends `bytes`; on failure the temporary file is removed and the destination is untouched.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let reason = Self.writeAll(fd, bytes) {
            abandon()
            throw FileWriteError.writeFailed(path: destination, reason: reason)
        }
    }

    /// Writes every byte to `fd`, retrying after EINTR and short writes; returns the error's text, or nil.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errorText()
            }
            offset += n
        }
        return nil
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in try write(raw) }
    }

    /// Flushes the bytes to disk and puts them in place (rename, then a flush of the folder).
    public func commit() throws {
        precondition(!finished, "PendingFile committed twice")
        guard let temporaryPath else {
            // In place: a pipe or a terminal cannot be synced (EINVAL), which is not a failure.
            let synced = fsync(fd) == 0 || errno == EINVAL || errno == EROFS
            let reason = synced ? "" : Self.errorText()
            let closed = close(fd) == 0
            finished = true
            guard synced, closed else { throw FileWriteError.writeFailed(path: destination, reason: synced ? Self.errorText() : reason) }
            return
        }
        guard fsync(fd) == 0 else { let r = Self.errorText(); abandon(); throw FileWriteError.writeFailed(path: destination, reason: r) }
        guard close(fd) == 0 else {
            let r = Self.errorText()
            fd = -1
            abandon()
            throw FileWriteError.writeFailed(path: destination, reason: r)
        }
        fd = -1
        TestPause.between("rename of \(destination)")
        guard rename(temporaryPath, destination) == 0 else {
            let r = Self.errorText()
            abandon()
            throw FileWriteError.writeFailed(path: destination, reason: r)
        }
        finished = true
        TemporaryFiles.shared.remove(temporaryPath)
        Self.syncFolder(of: destination)
    }

    /// Drops what was written: the temporary file is removed and the destination is untouched.
    public func abandon() {
        guard !finished else { return }
        finished = true
        if fd >= 0 { close(fd) }
        fd = -1
        if let temporaryPath {
            unlink(temporaryPath)
            TemporaryFiles.shared.remove(temporaryPath)
        }
    }

    deinit { abandon() }

    // MARK: names

    /// `.NAME.tmp-PID` beside `path`.
    static func temporaryName(for path: String) -> String {
        let (folder, name) = split(path)
        return folder + "." + name + temporarySuffix + String(getpid())
    }

    static let temporarySuffix = ".tmp-"

    /// The folder (with its trailing slash, or "") and the file name of `path`.
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }

    /// Where to write, and whether in place: devices, pipes, sockets and anything under /dev or /proc
    /// are written in place; a link to a regular file is followed so the link survives.
    static func resolve(_ path: String) -> (path: String, inPlace: Bool) {
        if path.hasPrefix("/dev/") || path.hasPrefix("/proc/") { return (path, true) }
        var info = stat()
        guard stat(path, &info) == 0 else { return (path, false) }  // new file
        if info.st_mode & S_IFMT != S_IFREG { return (path, true) }
        var link = stat()
        if lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK, let real = realpath(path, nil) {
            defer { free(real) }
            return (String(cString: real), false)
        }
        return (path, false)
    }

    static func syncFolder(of path: String) {
        let folder = split(path).folder
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}

public enum FileWriteError: Error, CustomStringConvertible, Equatable {
    case cannotCreate(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreate(path, reason):
            return "cannot write \(path) (\(reason)): check that the folder exists, is writable and the disk is not full"
        case let .writeFailed(path, reason):
            return "could not write \(path) (\(reason)); the previous file, if any, is unchanged"
        }
    }
}
