// The scalar math the C kernels share (private to CKernels): TensorKernels' FastMath polynomials and
// the 16-lane row reductions, inlined into each target clone.
#ifndef KERNEL_MATH_H
#define KERNEL_MATH_H

#include <math.h>
#include <stdint.h>

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

static inline __attribute__((always_inline)) float row_sum(const float *x, int64_t n) {
    float s[16] = {0};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 16; k++) s[k] += x[i + k];
    float total = 0;
    for (int k = 0; k < 16; k++) total += s[k];
    for (; i < n; i++) total += x[i];
    return total;
}

#endif
