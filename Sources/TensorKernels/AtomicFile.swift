import Foundation

/// Writes a file so that a crash at any moment leaves either the old file or the new one, never a torn
/// one: write a temporary file beside it, flush it to disk, then rename it over the target.
public enum AtomicFile {
    public static func write(_ bytes: Foundation.Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw AtomicFileError.cannotCreate(path: temporary.path)
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw AtomicFileError.writeFailed(path: path, reason: "\(error.localizedDescription)")
        }
        if rename(temporary.path, path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw AtomicFileError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Foundation.Data(text.utf8), to: path)
    }
}

public enum AtomicFileError: Error, CustomStringConvertible {
    case cannotCreate(path: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreate(path):
            return "cannot create \(path): check that the folder exists, is writable and the disk is not full"
        case let .writeFailed(path, reason):
            return "could not write \(path) (\(reason)); the previous file, if any, is unchanged"
        }
    }
}
