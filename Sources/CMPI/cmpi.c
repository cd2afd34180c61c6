#include "cmpi.h"
#include <limits.h>
#include <mpi.h>
#include <string.h>

int cmpi_init(int *rank, int *size) {
    int code = MPI_Init(NULL, NULL);
    if (code != MPI_SUCCESS) return code;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    code = MPI_Comm_rank(MPI_COMM_WORLD, rank);
    if (code != MPI_SUCCESS) return code;
    return MPI_Comm_size(MPI_COMM_WORLD, size);
}

// MPI counts are ints: large buffers go in chunks.
static const long long chunk = 1LL << 30;

int cmpi_sum_floats(float *buffer, long long count) {
    for (long long start = 0; start < count; start += chunk) {
        long long n = count - start < chunk ? count - start : chunk;
        int code = MPI_Allreduce(MPI_IN_PLACE, buffer + start, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        if (code != MPI_SUCCESS) return code;
    }
    return MPI_SUCCESS;
}

int cmpi_sum_doubles(double *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

int cmpi_max_doubles(double *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
}

int cmpi_broadcast(void *buffer, long long bytes, int root) {
    char *base = buffer;
    for (long long start = 0; start < bytes; start += chunk) {
        long long n = bytes - start < chunk ? bytes - start : chunk;
        int code = MPI_Bcast(base + start, (int)n, MPI_BYTE, root, MPI_COMM_WORLD);
        if (code != MPI_SUCCESS) return code;
    }
    return MPI_SUCCESS;
}

void cmpi_error_text(int code, char *text, int capacity) {
    char message[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, message, &length) != MPI_SUCCESS) length = 0;
    message[length < MPI_MAX_ERROR_STRING ? length : MPI_MAX_ERROR_STRING - 1] = 0;
    strncpy(text, length ? message : "unknown MPI error", capacity - 1);
    text[capacity - 1] = 0;
}

int cmpi_finalize(void) { return MPI_Finalize(); }
