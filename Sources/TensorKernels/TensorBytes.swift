#if canImport(Glibc)
import Glibc
#endif

/// A tensor's raw little-endian bytes: an owned array, or a range of a read-only mapped file that stays
/// mapped while any tensor refers to it. Loading a model maps its file and copies each weight once, from
/// the page cache into the model, instead of reading the file into memory and copying it again.
public struct TensorBytes: Sendable, Equatable {
    private enum Storage: Sendable {
        case owned([UInt8])
        case mapped(MappedFile, Range<Int>)
    }

    private var storage: Storage

    public init(_ bytes: [UInt8]) { storage = .owned(bytes) }

    init(_ file: MappedFile, range: Range<Int>) { storage = .mapped(file, range) }

    public var count: Int {
        switch storage {
        case let .owned(bytes): return bytes.count
        case let .mapped(_, range): return range.count
        }
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case let .owned(bytes): return try bytes.withUnsafeBytes(body)
        case let .mapped(file, range): return try body(UnsafeRawBufferPointer(rebasing: file.bytes[range]))
        }
    }

    /// Tells the system that a mapped range's pages are no longer needed once copied, so a model being
    /// loaded is not resident twice (the file's pages and the copy); they are read again if touched. No
    /// effect on owned bytes.
    public func releasePages() {
        guard case let .mapped(file, range) = storage, let base = file.bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (range.lowerBound + page - 1) / page * page, end = range.upperBound / page * page
        guard end > first else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + first), end - first, MADV_DONTNEED)
    }

    public static func == (a: TensorBytes, b: TensorBytes) -> Bool {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
    }
}

/// A whole file mapped read-only (private), unmapped when the last reference goes. The files mapped are
/// checkpoints and training states, which nmt replaces by rename and never rewrites in place, so the
/// mapped pages cannot change underneath.
final class MappedFile: @unchecked Sendable {  // immutable after init
    let bytes: UnsafeRawBufferPointer

    /// nil when `path` cannot be opened as a regular file or mapped.
    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(info.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        // Populated: every byte is about to be copied, and one call maps the cached pages faster than a
        // fault per page.
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), base != MAP_FAILED else { return nil }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
