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
        assertInvalid(withHeader(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8), "shape [3] but 8 bytes")
        assertInvalid(withHeader(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: 12), "overlap")
        assertInvalid(withHeader(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, data: 0), "negative")
    }
}
