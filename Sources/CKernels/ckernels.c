// See include/ckernels.h. The math is that of TensorKernels' FastMath (the same polynomials and
// clamps), so the C kernels and their Swift oracles agree to a few units in the last place.
#include "ckernels.h"
#include "kernel_math.h"
#include <math.h>
#include <string.h>
#include <malloc.h>

int nmt_kernels_level(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq")) return 4;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 3;
    return 1;
}

CLONES void nmt_log_softmax(int64_t rows, int64_t columns, int64_t stride, float *values) {
    for (int64_t r = 0; r < rows; r++) {
        float *row = values + r * stride;
        float best = row_max(row, columns);
        float logZ = best + logf(row_exp_sum(row, columns, best));
        for (int64_t j = 0; j < columns; j++) row[j] -= logZ;
    }
}

// The LSTM kernels work in chunks of 16 columns through local arrays: the state, gate and gradient
// pointers may lie in one buffer, so a loop over them directly compiles to scalar code (too many pointer
// pairs for the vectoriser's run-time overlap checks), while the arithmetic on the locals vectorises.
#define CHUNK 16

CLONES void nmt_lstm_forward(int64_t batch, int64_t hidden, float *gates, const float *c_prev, const float *h_prev,
                             float *c, float *h, const float *mask) {
    const int64_t H = hidden;
    for (int64_t b = 0; b < batch; b++) {
        float *zi = gates + b * 4 * H, *zf = zi + H, *zg = zf + H, *zo = zg + H;
        const float *cp = c_prev + b * H, *hp = h_prev + b * H;
        float *cn = c + b * H, *hn = h + b * H;
        if (mask && mask[b] == 0) {
            memmove(cn, cp, (size_t)H * sizeof(float));
            memmove(hn, hp, (size_t)H * sizeof(float));
            memset(zi, 0, (size_t)(4 * H) * sizeof(float));
            continue;
        }
        for (int64_t j0 = 0; j0 < H; j0 += CHUNK) {
            int64_t n = H - j0 < CHUNK ? H - j0 : CHUNK;
            float i[CHUNK] = {0}, f[CHUNK] = {0}, g[CHUNK] = {0}, o[CHUNK] = {0}, cc[CHUNK] = {0}, hh[CHUNK];
            for (int64_t k = 0; k < n; k++) { i[k] = zi[j0 + k]; f[k] = zf[j0 + k]; g[k] = zg[j0 + k]; o[k] = zo[j0 + k]; }
            for (int64_t k = 0; k < n; k++) cc[k] = cp[j0 + k];
            for (int k = 0; k < CHUNK; k++) {
                i[k] = fast_sigmoid(i[k]); f[k] = fast_sigmoid(f[k]); g[k] = fast_tanh(g[k]); o[k] = fast_sigmoid(o[k]);
                cc[k] = f[k] * cc[k] + i[k] * g[k];
                hh[k] = o[k] * fast_tanh(cc[k]);
            }
            for (int64_t k = 0; k < n; k++) { zi[j0 + k] = i[k]; zf[j0 + k] = f[k]; zg[j0 + k] = g[k]; zo[j0 + k] = o[k]; }
            for (int64_t k = 0; k < n; k++) { cn[j0 + k] = cc[k]; hn[j0 + k] = hh[k]; }
        }
    }
}

CLONES void nmt_lstm_backward(int64_t batch, int64_t hidden, const float *gates, const float *c_prev, const float *c,
                              const float *mask, const float *dh, float *dc, float *d_gates, float *dh_pass) {
    const int64_t H = hidden;
    for (int64_t b = 0; b < batch; b++) {
        const float *ai = gates + b * 4 * H, *af = ai + H, *ag = af + H, *ao = ag + H;
        float *di = d_gates + b * 4 * H, *df = di + H, *dg = df + H, *d_o = dg + H;
        const float *cp = c_prev + b * H, *cn = c + b * H, *dhb = dh + b * H;
        float *dcb = dc + b * H, *pass = dh_pass + b * H;
        if (mask && mask[b] == 0) {
            memmove(pass, dhb, (size_t)H * sizeof(float));
            memset(di, 0, (size_t)(4 * H) * sizeof(float));
            continue;
        }
        for (int64_t j0 = 0; j0 < H; j0 += CHUNK) {
            int64_t n = H - j0 < CHUNK ? H - j0 : CHUNK;
            float i[CHUNK] = {0}, f[CHUNK] = {0}, g[CHUNK] = {0}, o[CHUNK] = {0}, cpv[CHUNK] = {0}, cv[CHUNK] = {0};
            float dhv[CHUNK] = {0}, dcv[CHUNK] = {0}, ri[CHUNK], rf[CHUNK], rg[CHUNK], ro[CHUNK];
            for (int64_t k = 0; k < n; k++) { i[k] = ai[j0 + k]; f[k] = af[j0 + k]; g[k] = ag[j0 + k]; o[k] = ao[j0 + k]; }
            for (int64_t k = 0; k < n; k++) { cpv[k] = cp[j0 + k]; cv[k] = cn[j0 + k]; dhv[k] = dhb[j0 + k]; dcv[k] = dcb[j0 + k]; }
            for (int k = 0; k < CHUNK; k++) {
                float tc = fast_tanh(cv[k]);
                float total = dcv[k] + dhv[k] * o[k] * (1 - tc * tc);
                ro[k] = dhv[k] * tc * o[k] * (1 - o[k]);
                ri[k] = total * g[k] * i[k] * (1 - i[k]);
                rf[k] = total * cpv[k] * f[k] * (1 - f[k]);
                rg[k] = total * i[k] * (1 - g[k] * g[k]);
                dcv[k] = total * f[k];
            }
            for (int64_t k = 0; k < n; k++) { di[j0 + k] = ri[k]; df[j0 + k] = rf[k]; dg[j0 + k] = rg[k]; d_o[j0 + k] = ro[k]; }
            for (int64_t k = 0; k < n; k++) { dcb[j0 + k] = dcv[k]; pass[j0 + k] = 0; }
        }
    }
}

CLONES void nmt_tanh(int64_t count, float *x) {
    for (int64_t i = 0; i < count; i++) x[i] = fast_tanh(x[i]);
}

CLONES void nmt_additive_scores(int64_t length, int64_t size, const float *query, const float *keys, int64_t key_stride,
                                const float *v, float *scores) {
    for (int64_t j = 0; j < length; j++) {
        const float *k = keys + j * key_stride;
        float s[16] = {0};
        int64_t a = 0;
        for (; a + 16 <= size; a += 16)
            for (int l = 0; l < 16; l++) s[l] += v[a + l] * fast_tanh(query[a + l] + k[a + l]);
        float total = 0;
        for (int l = 0; l < 16; l++) total += s[l];
        for (; a < size; a++) total += v[a] * fast_tanh(query[a] + k[a]);
        scores[j] = total;
    }
}

CLONES void nmt_additive_backward(int64_t length, int64_t size, const float *query, const float *keys, int64_t key_stride,
                                  const float *v, const float *d_scores, float *d_query, float *d_keys, float *d_v) {
    for (int64_t j = 0; j < length; j++) {
        const float *k = keys + j * key_stride;
        float *dk = d_keys + j * key_stride;
        const float de = d_scores[j];
        for (int64_t a0 = 0; a0 < size; a0 += CHUNK) {
            int64_t n = size - a0 < CHUNK ? size - a0 : CHUNK;
            float q[CHUNK] = {0}, kv[CHUNK] = {0}, vv[CHUNK] = {0}, u[CHUNK], pre[CHUNK];
            for (int64_t l = 0; l < n; l++) { q[l] = query[a0 + l]; kv[l] = k[a0 + l]; vv[l] = v[a0 + l]; }
            for (int l = 0; l < CHUNK; l++) {
                u[l] = fast_tanh(q[l] + kv[l]);
                pre[l] = de * vv[l] * (1 - u[l] * u[l]);
            }
            for (int64_t l = 0; l < n; l++) { d_v[a0 + l] += de * u[l]; d_query[a0 + l] += pre[l]; dk[a0 + l] += pre[l]; }
        }
    }
}

CLONES void nmt_weighted_sum(int64_t length, int64_t width, const float *weights, const float *values, int64_t value_stride,
                             float *context) {
    for (int64_t i = 0; i < width; i++) context[i] = 0;
    for (int64_t j = 0; j < length; j++) {
        const float *m = values + j * value_stride;
        const float w = weights[j];
        for (int64_t i = 0; i < width; i++) context[i] += w * m[i];
    }
}

CLONES void nmt_quantize_unit(int64_t rows, int64_t columns, const float *a, int64_t lda, uint8_t *out) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = a + r * lda;
        uint8_t *q = out + r * columns;
        for (int64_t j = 0; j < columns; j++) {
            float x = row[j] * 127.0f;
            x = x > 127.0f ? 127.0f : (x < -127.0f ? -127.0f : x);
            q[j] = (uint8_t)(int32_t)(nearbyintf(x) + 128.0f);
        }
    }
}

CLONES void nmt_dequantize_add(int64_t rows, int64_t columns, const int32_t *products, const float *scales, float *out,
                               int64_t ldo) {
    for (int64_t r = 0; r < rows; r++) {
        const int32_t *p = products + r * columns;
        float *o = out + r * ldo;
        for (int64_t j = 0; j < columns; j++) o[j] += (float)p[j] * scales[j];
    }
}

CLONES void nmt_round_bf16(int64_t rows, int64_t columns, const float *a, int64_t lda, uint16_t *out) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = a + r * lda;
        uint16_t *b = out + r * columns;
        for (int64_t j = 0; j < columns; j++) {
            uint32_t bits;
            memcpy(&bits, row + j, 4);
            // Adding 0x7FFF plus the lowest kept bit rounds the dropped half to nearest, ties to even.
            uint32_t rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
            b[j] = (bits & 0x7FFFFFFFu) > 0x7F800000u ? (uint16_t)((bits >> 16) | 0x40u) : (uint16_t)rounded;
        }
    }
}

int nmt_release_free_memory(void) { return malloc_trim(0); }

int nmt_fix_mmap_threshold(int64_t bytes) { return mallopt(M_MMAP_THRESHOLD, (int)bytes); }

CLONES void nmt_transpose(int64_t rows, int64_t columns, const float *source, float *destination) {
    const int64_t tile = 16;  // a tile's reads and writes each stay within 16 cache lines
    for (int64_t r0 = 0; r0 < rows; r0 += tile) {
        int64_t r1 = r0 + tile < rows ? r0 + tile : rows;
        for (int64_t c0 = 0; c0 < columns; c0 += tile) {
            int64_t c1 = c0 + tile < columns ? c0 + tile : columns;
            for (int64_t c = c0; c < c1; c++) {
                float *out = destination + c * rows;
                for (int64_t r = r0; r < r1; r++) out[r] = source[r * columns + c];
            }
        }
    }
}
