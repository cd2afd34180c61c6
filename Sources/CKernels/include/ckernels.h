// Fused elementwise kernels for the hot loops of training and decoding, in C so that each can be
// compiled for several instruction sets and picked when the program loads (target_clones: an ELF ifunc
// chooses AVX-512, AVX2 or baseline SSE2 on the CPU it runs on). One portable binary; see PLATFORM.md.
// Each kernel has a Swift twin in TensorKernels that is its test oracle.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stdint.h>

/// The instruction set the kernels below run with on this CPU: 4 (x86-64-v4, AVX-512), 3 (v3, AVX2+FMA)
/// or 1 (baseline).
int nmt_kernels_level(void);

/// In-place log-softmax of `rows` rows of `columns` values, row stride `stride`.
void nmt_log_softmax(int64_t rows, int64_t columns, int64_t stride, float *values);

/// One LSTM step for `batch` rows (gate blocks i, f, g, o, each `hidden` wide, in `gates` [batch, 4·hidden]):
/// pre-activations in, activations out; c = f⊙c₋ + i⊙g, h = o⊙tanh(c). A row with mask 0 keeps its state
/// (and gets zero activations); `mask` may be NULL (all rows real).
void nmt_lstm_forward(int64_t batch, int64_t hidden, float *gates, const float *c_prev, const float *h_prev,
                      float *c, float *h, const float *mask);

/// Backward of `nmt_lstm_forward` for `batch` rows (arguments as in TensorKernels' LSTMCellKernel.backward):
/// reads the activations in `gates`, c₋ and c; dc in: the gradient from later steps, out: the gradient for
/// c₋; writes d_gates [batch, 4·hidden] and dh_pass (dh on rows with mask 0, else 0). `mask` may be NULL.
void nmt_lstm_backward(int64_t batch, int64_t hidden, const float *gates, const float *c_prev, const float *c,
                       const float *mask, const float *dh, float *dc, float *d_gates, float *dh_pass);

/// x = tanh(x) for `count` values.
void nmt_tanh(int64_t count, float *x);

/// Additive attention scores for one query: e_j = v · tanh(q + K_j) for j < length, where K_j starts
/// at keys + j·key_stride and q, v, K_j have `size` entries.
void nmt_additive_scores(int64_t length, int64_t size, const float *query, const float *keys, int64_t key_stride,
                         const float *v, float *scores);

/// Backward of `nmt_additive_scores` given d_scores (de_j) for j < length, with u_j = tanh(q + K_j):
/// d_v += Σ_j de_j u_j, d_query += Σ_j de_j v ⊙ (1 − u_j²), and the same term added to d_keys row j
/// (at d_keys + j·key_stride).
void nmt_additive_backward(int64_t length, int64_t size, const float *query, const float *keys, int64_t key_stride,
                           const float *v, const float *d_scores, float *d_query, float *d_keys, float *d_v);

/// context = Σ_j weights[j] · M_j for j < length (M_j at values + j·value_stride, `width` entries).
void nmt_weighted_sum(int64_t length, int64_t width, const float *weights, const float *values, int64_t value_stride,
                      float *context);

/// Quantizes values in [−1, 1] (tanh outputs, LSTM/GRU states) to bytes: q = round(127·clamp(x)) + 128,
/// `rows` rows of `columns` from `a` (row stride `lda`) into `out` [rows, columns].
void nmt_quantize_unit(int64_t rows, int64_t columns, const float *a, int64_t lda, uint8_t *out);

/// out[r][j] += products[r][j] · scales[j] for `rows` rows of `columns` (out's row stride `ldo`).
void nmt_dequantize_add(int64_t rows, int64_t columns, const int32_t *products, const float *scales, float *out, int64_t ldo);

/// Rounds f32 to bfloat16 (the upper 16 bits of the f32, rounded to nearest, ties to even; NaN stays a
/// quiet NaN): `rows` rows of `columns` from `a` (row stride `lda`) into `out` [rows, columns].
void nmt_round_bf16(int64_t rows, int64_t columns, const float *a, int64_t lda, uint16_t *out);

/// destination `[columns, rows]` = sourceᵀ for source `[rows, columns]` (both dense, row-major).
void nmt_transpose(int64_t rows, int64_t columns, const float *source, float *destination);

/// Σ x² over `count` values, in blocks of 4,096 whose float partial sums are added in double in block
/// order: the same result for any number of threads. Splits over the calling thread's OpenMP team.
double nmt_sum_of_squares(int64_t count, const float *x);

/// One Adam step over `count` parameters, the gradient first multiplied by `gradient_scale` (clipping):
/// m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g², w −= step_size · m / (√v · correction2 + ε); then g = 0 when
/// `zero_gradients`. Splits over the calling thread's OpenMP team.
void nmt_adam_update(int64_t count, float *weights, float *gradients, float *m, float *v, float beta1, float beta2,
                     float step_size, float correction2, float epsilon, float gradient_scale, int zero_gradients);

/// Log-softmax fused with label-smoothed cross-entropy for `rows` rows of `vocabulary` logits, replaced by
/// scale·(p − q) when `write_gradient` (rows whose target is `ignore_index`: loss 0, gradient 0). Writes the
/// summed loss and gold negative log-likelihood (added in row order), the counted rows and the rows whose
/// gold logit is the maximum. Splits the rows over the calling thread's OpenMP team.
void nmt_cross_entropy(int64_t rows, int64_t vocabulary, float *logits, const int32_t *targets, int32_t ignore_index,
                       float smoothing, float scale, int write_gradient, double *loss, double *nll, int64_t *tokens,
                       int64_t *correct);

/// Returns the pages malloc holds free to the system (glibc's malloc_trim), for long runs whose buffers
/// come in many sizes. Returns 1 when memory was released.
int nmt_release_free_memory(void);

/// Blocks of `bytes` and more are mapped and unmapped by malloc (glibc's M_MMAP_THRESHOLD), and the
/// threshold no longer rises on its own after large frees. Returns 1 on success.
int nmt_fix_mmap_threshold(int64_t bytes);

#endif
