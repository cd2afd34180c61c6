import ArgumentParser
import Foundation
import TensorKernels

/// `nmt-bench gemm`: GFLOPS of the GEMM wrapper at the model's shapes, for each transpose layout.
struct GEMMBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gemm", abstract: "GFLOPS of oneDNN sgemm at the model's shapes.")

    @Option(help: "Seconds to spend per shape.")
    var seconds: Double = 0.5

    /// (what, M, N, K) at the reference model's shapes (B 64, S≈T≈13, E 256, H 256, D 512, V 8060).
    static let shapes: [(String, Int, Int, Int)] = [
        ("decoder recurrent step [B,2D]·[2D,4D]", 64, 2048, 1024),
        ("encoder input all steps [SB,E]·[E,4H]", 832, 1024, 256),
        ("encoder recurrent step [B,H]·[H,4H]", 64, 1024, 256),
        ("output layer [TB,D]·[D,V]", 832, 8060, 512),
        ("output backward dX [TB,V]·[V,D]", 832, 512, 8060),
    ]

    func run() throws {
        var results: [String] = []
        for (name, m, n, k) in Self.shapes {
            for (ta, tb) in [(false, false), (false, true), (true, false)] {
                let a = FloatBuffer(count: m * k), b = FloatBuffer(count: k * n), c = FloatBuffer(count: m * n)
                for i in 0..<a.count { a[i] = Float(i % 7) * 0.01 }
                for i in 0..<b.count { b[i] = Float(i % 5) * 0.01 }
                // For tA the stored A is [K, M]; for tB the stored B is [N, K]: the same product shape.
                let (mm, nn, kk) = ta ? (m, n, k) : (m, n, k)
                func call() {
                    GEMM.multiply(transposeA: ta, transposeB: tb, m: mm, n: nn, k: kk, a: a.pointer, lda: ta ? mm : kk,
                                  b: b.pointer, ldb: tb ? kk : nn, c: c.pointer, ldc: nn)
                }
                call()
                var calls = 0
                let start = Date()
                while Date().timeIntervalSince(start) < seconds { call(); calls += 1 }
                let elapsed = Date().timeIntervalSince(start)
                let gflops = 2 * Double(m) * Double(n) * Double(k) * Double(calls) / elapsed / 1e9
                let layout = (ta ? "T" : "N") + (tb ? "T" : "N")
                results.append("{\"shape\":\"\(name)\",\"m\":\(m),\"n\":\(n),\"k\":\(k),\"layout\":\"\(layout)\",\"gflops\":\(String(format: "%.1f", gflops))}")
            }
        }
        results.forEach { print($0) }
        print("{\"shape\":\"square 2048³\",\"layout\":\"NN\",\"gflops\":\(String(format: "%.1f", Self.peakGFLOPS()))}")
    }

    /// The sgemm rate on a large square product (2048³, NN): the machine's practical peak.
    static func peakGFLOPS(seconds: Double = 1) -> Double {
        let n = 2048
        let a = FloatBuffer(count: n * n), b = FloatBuffer(count: n * n), c = FloatBuffer(count: n * n)
        for i in 0..<a.count { a[i] = Float(i % 7) * 0.01; b[i] = Float(i % 5) * 0.01 }
        func call() { GEMM.multiply(m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n) }
        call()
        var calls = 0
        let start = Date()
        while Date().timeIntervalSince(start) < seconds { call(); calls += 1 }
        return 2 * Double(n * n) * Double(n) * Double(calls) / Date().timeIntervalSince(start) / 1e9
    }
}
