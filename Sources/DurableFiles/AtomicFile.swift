#if canImport(Glibc)
import Glibc
#endif

/// Whole-file crash-safe writes (through `PendingFile`) and the clean-up of what a killed writer left.
public enum AtomicFile {
    /// Writes `bytes` to `path` so that a crash at any moment leaves the old file or the new one.
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        let file = try PendingFile(replacing: path)
        try file.write(bytes)
        try file.commit()
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { raw in try write(raw, to: path) }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Removes the temporary files (`.NAME.tmp-PID`) in `folder` whose writing process no longer runs:
    /// what a SIGKILL or a power cut left behind. Returns the names removed.
    @discardableResult
    public static func removeStale(in folder: String) -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var removed: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix("."), let pid = writerProcess(ofTemporary: name) else { continue }
            if pid == getpid() || kill(pid, 0) == 0 || errno == EPERM { continue }  // still being written
            let path = (folder.hasSuffix("/") ? folder : folder + "/") + name
            if unlink(path) == 0 { removed.append(name) }
        }
        return removed
    }

    /// The PID in a temporary name `.NAME.tmp-PID`, nil for any other name.
    static func writerProcess(ofTemporary name: String) -> Int32? {
        let suffix = Array(PendingFile.temporarySuffix.utf8), bytes = Array(name.utf8)
        guard bytes.count > suffix.count else { return nil }
        for start in stride(from: bytes.count - suffix.count, through: 1, by: -1)
        where Array(bytes[start..<start + suffix.count]) == suffix {
            let digits = bytes[(start + suffix.count)...]
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let pid = Int32(String(decoding: digits, as: UTF8.self)), pid > 0 else { return nil }
            return pid
        }
        return nil
    }
}
