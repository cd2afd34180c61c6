import ArgumentParser
import Foundation
import TensorKernels

/// `nmt-bench products`: µs per decoder product in f32 (sgemm), int8 (`QuantizedMatrix`) and bf16
/// (`BF16Matrix`), each with its input conversion, on one thread as translation's workers run them.
struct ProductBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "products", abstract: "µs per decoder product (c += a·W) in f32, int8 and bf16, one thread.")

    @Option(help: "Seconds to spend per shape and precision.")
    var seconds: Double = 0.3

    @Option(parsing: .upToNextOption, help: "Rows M of the input (search rows: batch × beam).")
    var rows: [Int] = [1, 5, 40, 160]

    /// (what, K, N) at the Multi30k model's shapes (D 512, input feeding, V 5834).
    static let shapes: [(String, Int, Int)] = [
        ("recurrent [R,2D]·[2D,4D]", 1024, 2048), ("combine [R,2H+D]·[2H+D,D]", 1024, 512), ("output [R,D]·[D,V]", 512, 5834),
    ]

    func run() throws {
        GEMM.threadsOfThisThread = 1
        for (name, k, n) in Self.shapes {
            let w = FloatBuffer(count: k * n)
            for i in 0..<w.count { w[i] = Float(i % 13) * 0.01 - 0.06 }
            let int8 = QuantizedMatrix(w.pointer, rows: k, columns: n)
            let bf16: BF16Matrix? = BF16Matrix.isSupported ? try BF16Matrix(w.pointer, rows: k, columns: n) : nil
            for m in rows {
                let a = FloatBuffer(count: m * k), c = FloatBuffer(count: m * n), scratch = ProductScratch()
                for i in 0..<a.count { a[i] = Float(i % 7) * 0.2 - 0.6 }
                var fields = "{\"shape\":\"\(name)\",\"m\":\(m),\"k\":\(k),\"n\":\(n)"
                let f32 = time {
                    GEMM.multiply(m: m, n: n, k: k, a: a.pointer, lda: k, b: w.pointer, ldb: n, beta: 1, c: c.pointer, ldc: n)
                }
                fields += ",\"f32_us\":\(f32)"
                fields += ",\"int8_us\":\(time { int8.multiplyAdd(m: m, a: a.pointer, lda: k, c: c.pointer, ldc: n, scratch: scratch) })"
                if let bf16 {
                    fields += ",\"bf16_us\":\(time { bf16.multiplyAdd(m: m, a: a.pointer, lda: k, c: c.pointer, ldc: n, scratch: scratch) })"
                }
                print(fields + "}")
            }
        }
    }

    /// µs per call of `body` after one untimed call, formatted to one decimal.
    private func time(_ body: () -> Void) -> String {
        body()
        var calls = 0
        let start = Date()
        while Date().timeIntervalSince(start) < seconds { body(); calls += 1 }
        return String(format: "%.1f", Date().timeIntervalSince(start) / Double(calls) * 1e6)
    }
}
