import XCTest
import Foundation
import TensorKernels
import TestSupport

final class SafeTensorsTests: XCTestCase {
    func sample() -> SafeTensors {
        SafeTensors(tensors: ["w": .init(floats: [1, 2, 3, 4, 5, 6], shape: [2, 3]),
                              "step": .init(int64s: [42], shape: [1])],
                    metadata: ["format": "swiftnmt-1", "note": "quote \" and tab \t"])
    }

    func testRoundTrip() throws {
        let parsed = try SafeTensors.parse(sample().serialized(), path: "x")
        XCTAssertEqual(parsed.tensors["w"]?.floats, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(parsed.tensors["w"]?.shape, [2, 3])
        XCTAssertEqual(parsed.tensors["step"]?.int64s, [42])
        XCTAssertEqual(parsed.metadata, sample().metadata)
    }

    /// `read` maps the file; what it gives equals parsing the same bytes in memory, also for a tensor whose
    /// range is not 8-byte aligned in the file (copied then), and the values outlive the reader's own copy.
    func testReadingByMappingEqualsParsingInMemory() throws {
        let folder = try temporaryFolder("mapped")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.path + "/m.safetensors"
        try sample().write(to: path)
        let mapped = try SafeTensors.read(path: path)
        XCTAssertEqual(mapped.tensors, try SafeTensors.parse(try Data(contentsOf: URL(fileURLWithPath: path)), path: path).tensors)
        XCTAssertEqual(mapped.metadata, sample().metadata)
        // An unpadded header, so the data (and `b`) start at offsets that are not multiples of 8.
        let floats: [Float] = [7, -1.5]
        var json = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        while (8 + json.utf8.count) % 8 != 1 { json += " " }  // the data starts at an odd offset
        var headerLength = UInt64(json.utf8.count).littleEndian
        let bytes = withUnsafeBytes(of: &headerLength) { Array($0) } + Array(json.utf8)
            + ([Float(3)] + floats).withUnsafeBytes { Array($0) }
        let unaligned = folder.path + "/unaligned.safetensors"
        try Data(bytes).write(to: URL(fileURLWithPath: unaligned))
        var file: SafeTensors? = try SafeTensors.read(path: unaligned)
        let b = try XCTUnwrap(file?.tensors["b"])
        file = nil  // the tensor keeps the mapping (or its copy) alive
        XCTAssertEqual(b.floats, floats)
        XCTAssertEqual(try SafeTensors.read(path: unaligned).tensors["a"]?.floats, [3])
        // An empty file and a folder are clear errors.
        try Data().write(to: URL(fileURLWithPath: folder.path + "/empty.safetensors"))
        XCTAssertThrowsError(try SafeTensors.read(path: folder.path + "/empty.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("fewer than the 8-byte header length"), "\(error)")
        }
        XCTAssertThrowsError(try SafeTensors.read(path: folder.path)) { error in
            XCTAssertEqual(error as? SafeTensorsError, .unreadable(path: folder.path))
        }
    }

    func testBadFilesAreClearErrorsNotCrashes() {
        let good = [UInt8](sample().serialized())
        func assertInvalid(_ bytes: [UInt8], _ fragment: String, line: UInt = #line) {
            XCTAssertThrowsError(try SafeTensors.parse(Data(bytes), path: "m.safetensors"), line: line) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)", line: line)
                XCTAssertTrue("\(error)".contains("m.safetensors"), line: line)
            }
        }
        assertInvalid(Array(good.prefix(5)), "fewer than the 8-byte")
        assertInvalid([255, 255, 0, 0, 0, 0, 0, 0] + good.dropFirst(8), "truncated")
        assertInvalid(Array(good.dropLast(4)), "outside")
        func withHeader(_ json: String, data: Int) -> [UInt8] {
            var length = UInt64(json.utf8.count).littleEndian
            return withUnsafeBytes(of: &length) { Array($0) } + Array(json.utf8) + [UInt8](repeating: 0, count: data)
        }
        assertInvalid(withHeader("{not json", data: 0), "not valid JSON")
        assertInvalid(withHeader(#"{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, data: 2), "dtype F16")
        assertInvalid(withHeader(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8), "shape [3] (12 bytes) but its byte range holds 8 bytes")
        assertInvalid(withHeader(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: 12), "overlap")
        assertInvalid(withHeader(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, data: 0), "negative")
    }

    func withHeader(_ json: String, data: Int) -> [UInt8] {
        var length = UInt64(json.utf8.count).littleEndian
        return withUnsafeBytes(of: &length) { Array($0) } + Array(json.utf8) + [UInt8](repeating: 0, count: data)
    }

    /// The catalogue of crafted headers a hostile file could hold; each is an error naming the file, never a trap.
    func testCraftedHeadersAreErrorsNotTraps() {
        let catalogue: [(String, Int, String)] = [
            // The element count overflows Int (2^62 · 4), and so would the byte count of 2^61 floats.
            (#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}"#, 16, "more elements than fit in memory"),
            (#"{"a":{"dtype":"F32","shape":[2305843009213693952],"data_offsets":[0,8]}}"#, 8, "more elements than fit in memory"),
            (#"{"a":{"dtype":"I64","shape":[1152921504606846976,8],"data_offsets":[0,8]}}"#, 8, "more elements than fit in memory"),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, 8, "byte range 8..<0"),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#, 8, "outside"),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,9223372036854775807]}}"#, 8, "outside"),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, 8, "lacks dtype, shape or data_offsets"),
            (#"{"a":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}"#, 8, "lacks dtype, shape or data_offsets"),
            (#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}"#, 8, "lacks dtype, shape or data_offsets"),
            (#"{"a":7}"#, 0, "lacks dtype, shape or data_offsets"),
            (#"{"__metadata__":{"k":1}}"#, 0, "__metadata__ must map strings to strings"),
            (#"[1,2]"#, 0, "not a JSON object"),
            (#""#, 0, "not valid JSON"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 4, "overlap"),
        ]
        for (json, data, fragment) in catalogue {
            XCTAssertThrowsError(try SafeTensors.parse(Data(withHeader(json, data: data)), path: "m.safetensors"), json) { error in
                XCTAssertTrue("\(error)".contains(fragment), "`\(fragment)` not in: \(error)")
                XCTAssertTrue("\(error)".contains("m.safetensors"), "\(error)")
            }
        }
        // A header length of 2^64 − 1.
        XCTAssertThrowsError(try SafeTensors.parse(Data([UInt8](repeating: 255, count: 8) + Array("{}".utf8)), path: "m.safetensors")) {
            XCTAssertTrue("\($0)".contains("truncated"), "\($0)")
        }
    }

    /// Found by the safetensors fuzzer: the writer gives an empty tensor the offset of the tensor after it,
    /// and the reader took the two for an overlap, so such a file did not read back.
    func testAnEmptyTensorAtItsNeighboursOffsetIsNoOverlap() throws {
        let crashing = try XCTUnwrap(Data(base64Encoded: "cAAAAAAAAAB7InMiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6W10sImRhdGFfb2Zmc2V0cyI6WzAsNF19LCJlIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlswLDNdLCJkYXRhX29mZnNldHMiOls0LDRdfX0gICAgAACAPw=="))
        let file = try SafeTensors.parse(crashing, path: "fuzz")
        XCTAssertEqual(file.tensors["s"]?.floats, [1])
        XCTAssertEqual(file.tensors["e"]?.shape, [0, 3])
        let again = try SafeTensors.parse(file.serialized(), path: "rewritten")
        XCTAssertEqual(again.tensors, file.tensors)
    }

    /// A file written by Python's `safetensors` (Tools/safetensors-interop/generate.py; its header is padded
    /// with spaces to 8 bytes, its tensors sorted by dtype size and name) loads with the values it was given.
    func testReadsAFileWrittenByPythonsSafetensors() throws {
        let path = RepositoryPaths.fixtures.appendingPathComponent("safetensors/python-written.safetensors").path
        let file = try SafeTensors.read(path: path)
        XCTAssertEqual(Set(file.tensors.keys), ["weight", "extremes", "step", "ids"])
        let weight = try XCTUnwrap(file.tensors["weight"])
        XCTAssertEqual(weight.shape, [2, 3])
        XCTAssertEqual(weight.floats.map(\.bitPattern), ([-1.25, -0.75, -0.25, 0.25, 0.75, -0.0] as [Float]).map(\.bitPattern))
        let extremes = try XCTUnwrap(file.tensors["extremes"])
        XCTAssertEqual(extremes.floats.map(\.bitPattern),
                       [Float.greatestFiniteMagnitude, .leastNormalMagnitude, .leastNonzeroMagnitude, -1e30].map(\.bitPattern))
        XCTAssertEqual(file.tensors["step"]?.int64s, [(1 << 40) + 7])
        XCTAssertEqual(file.tensors["ids"]?.shape, [2, 2])
        XCTAssertEqual(file.tensors["ids"]?.int64s, [-1, 0, 1, 1 << 62])
        XCTAssertEqual(file.metadata["format"], "swiftnmt-test")
        XCTAssertTrue(file.metadata["note"]?.hasPrefix("written by safetensors ") ?? false, "\(file.metadata)")
    }

    /// What we write, Python's `safetensors` loads with the same names, shapes, bits and metadata. Needs
    /// python3 with safetensors and numpy (`make deps` installs them); skipped, saying so, without them.
    func testPythonsSafetensorsLoadsWhatWeWrite() throws {
        guard Self.python(["-c", "import safetensors, numpy"]).status == 0 else {
            throw XCTSkip("python3 with the safetensors and numpy packages is not available (python3 -m pip install safetensors numpy)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ours.safetensors").path
        let floats: [Float] = [1, -2.5, .leastNonzeroMagnitude, -0.0, .greatestFiniteMagnitude, 3.14159274, 1e-20]
        let written = SafeTensors(tensors: ["encoder.0.forward.wx": .init(floats: floats, shape: [7, 1]),
                                            "b": .init(floats: [0.5, 0.25, 0.125], shape: [1, 3]),
                                            "state.step": .init(int64s: [-3, 1 << 50], shape: [2])],
                                  metadata: ["format": "swiftnmt-1", "note": "quote \" backslash \\ tab \t ünïcode"])
        try written.write(to: path)
        let run = Self.python([RepositoryPaths.root.appendingPathComponent("Tools/safetensors-interop/read.py").path, path])
        XCTAssertEqual(run.status, 0, run.output)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], run.output)
        XCTAssertEqual(object["metadata"] as? [String: String], written.metadata)
        let tensors = try XCTUnwrap(object["tensors"] as? [String: [String: Any]])
        XCTAssertEqual(Set(tensors.keys), Set(written.tensors.keys))
        for (name, tensor) in written.tensors {
            let theirs = try XCTUnwrap(tensors[name], name)
            XCTAssertEqual(theirs["shape"] as? [Int], tensor.shape, name)
            switch tensor.dtype {
            case .F32:
                XCTAssertEqual(theirs["dtype"] as? String, "float32", name)
                XCTAssertEqual((theirs["values"] as? [NSNumber])?.map(\.uint32Value), tensor.floats.map(\.bitPattern), name)
            case .I64:
                XCTAssertEqual(theirs["dtype"] as? String, "int64", name)
                XCTAssertEqual((theirs["values"] as? [NSNumber])?.map(\.int64Value), tensor.int64s, name)
            }
        }
    }

    /// Runs python3 (from PATH) with `arguments`; its stdout, or its stderr when it fails.
    static func python(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: process.terminationStatus == 0 ? data : errors, as: UTF8.self))
    }
}
