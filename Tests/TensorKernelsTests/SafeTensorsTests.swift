import XCTest
import Foundation
import TensorKernels

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
}
