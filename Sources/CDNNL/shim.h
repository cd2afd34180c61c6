// oneDNN's C API, seen from Swift: the GEMM entry points (PLATFORM.md).
#include <dnnl.h>

// Debian's oneDNN threads with OpenMP and sizes its team from the calling thread's setting; these two
// (from libgomp, which oneDNN already loads) read and set it for the calling thread only.
int omp_get_max_threads(void);
void omp_set_num_threads(int threads);
