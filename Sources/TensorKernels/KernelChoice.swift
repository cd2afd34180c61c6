import CDNNL
import CKernels
import Glibc

/// The speed choices made at run time for the CPU this process runs on (one portable binary; see
/// PLATFORM.md): which vector width the C kernels run at, and which layout the per-step products use.
/// Every choice is a function of the CPU (and an environment override), never of a timing, so results
/// stay the same run to run on one machine.
public enum KernelChoice {
    /// 4: AVX-512 (x86-64-v4), 3: AVX2 + FMA (v3), 1: baseline — the clone the C kernels picked at load.
    public static let vectorLevel: Int = Int(nmt_kernels_level())

    /// Whether the per-step recurrent products (few rows: the batch, or the beam rows) multiply by a
    /// transposed copy of the weight (NT) instead of the weight as stored (NN).
    ///
    /// oneDNN's sgemm at 64–160 rows: on the Zen 5 (AVX-512) NN is faster (64×1024×256: NN 458, NT 333
    /// GFLOPS); on the Zen 3 (AVX2) NT is about twice as fast (NN 91, NT 173). `NMT_GEMM_LAYOUT=nn|nt`
    /// overrides the rule; `nmt-bench gemm` prints both layouts on the machine at hand.
    public static let transposeRecurrentWeights: Bool = {
        if let forced = getenv("NMT_GEMM_LAYOUT").map({ String(cString: $0).lowercased() }) {
            if forced == "nt" { return true }
            if forced == "nn" { return false }
        }
        return vectorLevel < 4
    }()

}

extension GEMM {
    /// The size of the OpenMP team oneDNN uses for products issued from the calling thread.
    public static var threadsOfThisThread: Int {
        get { Int(omp_get_max_threads()) }
        set { omp_set_num_threads(Int32(max(newValue, 1))) }
    }
}
