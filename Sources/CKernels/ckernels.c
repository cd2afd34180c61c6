// See include/ckernels.h. The math is that of TensorKernels' FastMath (the same polynomials and
// clamps), so the C kernels and their Swift oracles agree to a few units in the last place.
#include "ckernels.h"
#include <math.h>
#include <string.h>
#include <malloc.h>

#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

static inline __attribute__((always_inline)) float fast_exp(float input) {
    float x = input < -87.3f ? -87.3f : (input > 88.3f ? 88.3f : input);
    float shifted = x * 1.44269504f + 12582912.0f;
    float n = shifted - 12582912.0f;
    float r = x - n * 0.693359375f + n * 2.1219444e-4f;
    float p = 1.9875691e-4f;
    p = p * r + 1.3981999e-3f;
    p = p * r + 8.333452e-3f;
    p = p * r + 4.1665796e-2f;
    p = p * r + 0.16666665f;
    p = p * r + 0.5f;
    p = p * r * r + r + 1.0f;
    union { float f; uint32_t u; } s = {shifted}, b;
    b.u = (s.u - 0x4B400000u + 127u) << 23;
    float result = p * b.f;
    return input < -87.3f ? 0.0f : result;
}

static inline __attribute__((always_inline)) float fast_tanh(float input) {
    float x = input < -7.9053111f ? -7.9053111f : (input > 7.9053111f ? 7.9053111f : input);
    float x2 = x * x;
    float p = -2.7607685e-16f;
    p = p * x2 + 2.0001879e-13f;
    p = p * x2 + -8.6046715e-11f;
    p = p * x2 + 5.1222971e-08f;
    p = p * x2 + 1.4857224e-05f;
    p = p * x2 + 6.3726193e-04f;
    p = p * x2 + 4.8935246e-03f;
    p = p * x;
    float q = 1.1982584e-06f;
    q = q * x2 + 1.1853471e-04f;
    q = q * x2 + 2.2684346e-03f;
    q = q * x2 + 4.8935252e-03f;
    return p / q;
}

static inline __attribute__((always_inline)) float fast_sigmoid(float x) { return 0.5f * fast_tanh(0.5f * x) + 0.5f; }


int nmt_kernels_level(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq")) return 4;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 3;
    return 1;
}

// 16 partial maxima/sums, so that the loops vectorise (the order of the additions changes only the last bits).
static inline __attribute__((always_inline)) float row_max(const float *x, int64_t n) {
    float m[16];
    for (int k = 0; k < 16; k++) m[k] = -INFINITY;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 16; k++) m[k] = x[i + k] > m[k] ? x[i + k] : m[k];
    float best = -INFINITY;
    for (int k = 0; k < 16; k++) best = m[k] > best ? m[k] : best;
    for (; i < n; i++) best = x[i] > best ? x[i] : best;
    return best;
}

static inline __attribute__((always_inline)) float row_exp_sum(const float *x, int64_t n, float shift) {
    float s[16] = {0};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 16; k++) s[k] += fast_exp(x[i + k] - shift);
    float total = 0;
    for (int k = 0; k < 16; k++) total += s[k];
    for (; i < n; i++) total += fast_exp(x[i] - shift);
    return total;
}

CLONES void nmt_log_softmax(int64_t rows, int64_t columns, int64_t stride, float *values) {
    for (int64_t r = 0; r < rows; r++) {
        float *row = values + r * stride;
        float best = row_max(row, columns);
        float logZ = best + logf(row_exp_sum(row, columns, best));
        for (int64_t j = 0; j < columns; j++) row[j] -= logZ;
    }
}

CLONES void nmt_lstm_forward(int64_t batch, int64_t hidden, float *gates, const float *c_prev, const float *h_prev,
                             float *c, float *h, const float *mask) {
    const int64_t H = hidden;
    for (int64_t b = 0; b < batch; b++) {
        float *zi = gates + b * 4 * H, *zf = zi + H, *zg = zf + H, *zo = zg + H;
        const float *cp = c_prev + b * H, *hp = h_prev + b * H;
        float *cn = c + b * H, *hn = h + b * H;
        if (mask && mask[b] == 0) {
            memcpy(cn, cp, (size_t)H * sizeof(float));
            memcpy(hn, hp, (size_t)H * sizeof(float));
            memset(zi, 0, (size_t)(4 * H) * sizeof(float));
            continue;
        }
        for (int64_t j = 0; j < H; j++) {
            float i = fast_sigmoid(zi[j]), f = fast_sigmoid(zf[j]), g = fast_tanh(zg[j]), o = fast_sigmoid(zo[j]);
            float cell = f * cp[j] + i * g;
            zi[j] = i; zf[j] = f; zg[j] = g; zo[j] = o;
            cn[j] = cell;
            hn[j] = o * fast_tanh(cell);
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
