// oneDNN's C API, seen from Swift. Only the GEMM entry points are used (PLATFORM.md).
#include <dnnl.h>
