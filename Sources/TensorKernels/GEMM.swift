import CDNNL
import Foundation

/// Matrix products through oneDNN's `dnnl_sgemm` (PLATFORM.md: it reaches the hardware's limit here).
/// Row-major: C[M, N] = alpha · op(A)[M, K] · op(B)[K, N] + beta · C, where op transposes when asked.
/// Call from one thread at a time: oneDNN threads internally with OpenMP.
public enum GEMM {
    /// - Parameters:
    ///   - a: `[M, K]` (or `[K, M]` when `transposeA`), leading dimension `lda`
    ///   - b: `[K, N]` (or `[N, K]` when `transposeB`), leading dimension `ldb`
    ///   - c: `[M, N]`, leading dimension `ldc`
    @inlinable
    public static func multiply(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // oneDNN leaves C untouched for K = 0; the mathematical answer is beta·C.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        let status = dnnl_sgemm(transposeA ? 84 : 78, transposeB ? 84 : 78,  // 'T' : 'N'
                                Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
        precondition(status == dnnl_success, "dnnl_sgemm failed (status \(status.rawValue)) for M \(m) N \(n) K \(k)")
    }

    /// Starts a thread that runs a few small products and ends: oneDNN generates its product kernels at
    /// the first product of the process (about 40 ms), so a program that calls this before it reads its
    /// files finds them ready. The thread's products are single-threaded, so it leaves no OpenMP team
    /// behind. Wait for it before the process exits, also on an error: exiting while it runs tears
    /// oneDNN down under it.
    public static func warmUpInBackground() -> BackgroundWork<Void> {
        BackgroundWork {
            threadsOfThisThread = 1
            let a = [Float](repeating: 0.5, count: 64 * 64), b = [Float](repeating: 0.25, count: 64 * 64)
            var c = [Float](repeating: 0, count: 64 * 64)
            for (m, transposeB) in [(1, false), (64, false), (1, true), (64, true)] {
                multiply(transposeB: transposeB, m: m, n: 64, k: 64, a: a, lda: 64, b: b, ldb: 64, c: &c, ldc: 64)
            }
        }
    }

    /// The simple triple loop the fast path is tested against (same arguments and meaning).
    public static func referenceMultiply(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                c[i * ldc + j] = alpha * Float(sum) + (beta == 0 ? 0 : beta * c[i * ldc + j])
            }
        }
    }
}
