// Open MPI seen from Swift. Swift cannot import MPI_COMM_WORLD, MPI_FLOAT or MPI_SUM (they are macros
// over library symbols), so these wrappers take plain C types; no Swift module sees <mpi.h>.
// Every function returns MPI's error code (0 = success); cmpi_error_text turns one into words.
#ifndef CMPI_H
#define CMPI_H

/// MPI_Init, with errors returned instead of aborting; writes this process's rank and the world's size.
int cmpi_init(int *rank, int *size);
/// In-place element-wise sums and maxima over MPI_COMM_WORLD.
int cmpi_sum_floats(float *buffer, long long count);
int cmpi_sum_doubles(double *buffer, int count);
int cmpi_max_doubles(double *buffer, int count);
/// Root's `bytes` bytes into every process's buffer.
int cmpi_broadcast(void *buffer, long long bytes, int root);
void cmpi_error_text(int code, char *text, int capacity);
int cmpi_finalize(void);

#endif
