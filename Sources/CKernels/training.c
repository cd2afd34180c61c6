// The training step's big elementwise passes (see include/ckernels.h): the update (clip scale, Adam and
// gradient zeroing fused), the gradient's sum of squares, and the loss with its gradient. Each splits
// its work over the calling thread's OpenMP team, the same libgomp team oneDNN's products use, so the
// second core that waits between products does half of these passes instead of spinning. The split is
// in fixed blocks whose partial sums are added in block order, so every result is the same for any
// number of threads.
#include "ckernels.h"
#include "kernel_math.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

// libgomp's entry points (the library oneDNN loads): the region GCC emits for `#pragma omp parallel`.
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
int omp_get_max_threads(void);

typedef void (*block_body)(void *context, int64_t first, int64_t end);

typedef struct {
    block_body body;
    void *context;
    int64_t blocks;
} parallel_job;

static void run_share(void *data) {
    const parallel_job *job = data;
    int64_t threads = omp_get_num_threads(), t = omp_get_thread_num();
    int64_t first = job->blocks * t / threads, end = job->blocks * (t + 1) / threads;
    if (first < end) job->body(job->context, first, end);
}

// Calls body over blocks [0, blocks) in contiguous shares, one per thread of the calling thread's team.
static void parallel_blocks(int64_t blocks, block_body body, void *context) {
    int64_t threads = omp_get_max_threads();
    if (threads > blocks) threads = blocks;
    if (threads <= 1) { body(context, 0, blocks); return; }
    parallel_job job = {body, context, blocks};
    GOMP_parallel(run_share, &job, (unsigned)threads, 0);
}

#define BLOCK 4096  // elements per block of the flat passes

// ---- Σ x² ----

typedef struct { const float *x; int64_t n; double *partial; } squares_job;

static CLONES void squares_blocks(void *data, int64_t first, int64_t end) {
    squares_job *job = data;
    for (int64_t b = first; b < end; b++) {
        const float *x = job->x + b * BLOCK;
        int64_t n = job->n - b * BLOCK < BLOCK ? job->n - b * BLOCK : BLOCK;
        float s[16] = {0};
        int64_t i = 0;
        for (; i + 16 <= n; i += 16)
            for (int k = 0; k < 16; k++) s[k] += x[i + k] * x[i + k];
        float total = 0;
        for (int k = 0; k < 16; k++) total += s[k];
        for (; i < n; i++) total += x[i] * x[i];
        job->partial[b] = total;
    }
}

double nmt_sum_of_squares(int64_t count, const float *x) {
    int64_t blocks = (count + BLOCK - 1) / BLOCK;
    if (blocks == 0) return 0;
    double *partial = malloc((size_t)blocks * sizeof(double));
    if (!partial) abort();
    squares_job job = {x, count, partial};
    parallel_blocks(blocks, squares_blocks, &job);
    double total = 0;
    for (int64_t b = 0; b < blocks; b++) total += partial[b];
    free(partial);
    return total;
}

// ---- Adam ----

typedef struct {
    float *w, *g, *m, *v;
    int64_t n;
    float beta1, beta2, step_size, correction2, epsilon, gradient_scale;
    int zero_gradients;
} adam_job;

static CLONES void adam_blocks(void *data, int64_t first, int64_t end) {
    const adam_job *job = data;
    const float b1 = job->beta1, b2 = job->beta2, step = job->step_size, c2 = job->correction2, eps = job->epsilon;
    const float scale = job->gradient_scale;
    int64_t from = first * BLOCK, to = end * BLOCK < job->n ? end * BLOCK : job->n;
    float *restrict w = job->w, *restrict g = job->g, *restrict m = job->m, *restrict v = job->v;
    for (int64_t i = from; i < to; i++) {
        float gi = g[i] * scale;
        float mi = b1 * m[i] + (1 - b1) * gi;
        float vi = b2 * v[i] + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] -= step * mi / (sqrtf(vi) * c2 + eps);
    }
    if (job->zero_gradients) memset(g + from, 0, (size_t)(to - from) * sizeof(float));
}

void nmt_adam_update(int64_t count, float *weights, float *gradients, float *m, float *v, float beta1, float beta2,
                     float step_size, float correction2, float epsilon, float gradient_scale, int zero_gradients) {
    adam_job job = {weights, gradients, m, v, count, beta1, beta2, step_size, correction2, epsilon, gradient_scale,
                    zero_gradients};
    parallel_blocks((count + BLOCK - 1) / BLOCK, adam_blocks, &job);
}

// ---- cross-entropy ----

typedef struct {
    float *logits;
    const int32_t *targets;
    int64_t vocabulary;
    int32_t ignore;
    float smoothing, scale;
    int write_gradient;
    double *loss, *nll;
    int8_t *counted, *correct;
} entropy_job;

static CLONES void entropy_rows(void *data, int64_t first, int64_t end) {
    const entropy_job *job = data;
    const int64_t V = job->vocabulary;
    const float smoothing = job->smoothing, scale = job->scale, uniform = smoothing / (float)V;
    for (int64_t r = first; r < end; r++) {
        float *row = job->logits + r * V;
        int32_t gold = job->targets[r];
        job->loss[r] = 0; job->nll[r] = 0; job->counted[r] = 0; job->correct[r] = 0;
        if (gold == job->ignore) {
            if (job->write_gradient) memset(row, 0, (size_t)V * sizeof(float));
            continue;
        }
        float best = row_max(row, V), sum_logits = row_sum(row, V), gold_logit = row[gold];
        for (int64_t j = 0; j < V; j++) row[j] = fast_exp(row[j] - best);  // e^(z − max)
        float sum = row_sum(row, V);
        float log_z = best + logf(sum);
        float gold_log_prob = gold_logit - log_z;
        // Σⱼ qⱼ log pⱼ = (1 − ε) log p_y + (ε/V) Σⱼ (zⱼ − log Z)
        float mean_log_prob = sum_logits / (float)V - log_z;
        job->loss[r] = -(double)((1 - smoothing) * gold_log_prob + smoothing * mean_log_prob);
        job->nll[r] = -(double)gold_log_prob;
        job->counted[r] = 1;
        job->correct[r] = gold_logit >= best;
        if (job->write_gradient) {
            float factor = scale / sum, offset = scale * uniform;
            for (int64_t j = 0; j < V; j++) row[j] = row[j] * factor - offset;
            row[gold] -= scale * (1 - smoothing);
        }
    }
}

void nmt_cross_entropy(int64_t rows, int64_t vocabulary, float *logits, const int32_t *targets, int32_t ignore_index,
                       float smoothing, float scale, int write_gradient, double *loss, double *nll, int64_t *tokens,
                       int64_t *correct) {
    *loss = 0; *nll = 0; *tokens = 0; *correct = 0;
    if (rows <= 0) return;
    double *row_loss = malloc((size_t)rows * 2 * sizeof(double));
    int8_t *flags = malloc((size_t)rows * 2);
    if (!row_loss || !flags) abort();
    entropy_job job = {logits, targets, vocabulary, ignore_index, smoothing, scale, write_gradient,
                       row_loss, row_loss + rows, flags, flags + rows};
    parallel_blocks(rows, entropy_rows, &job);
    for (int64_t r = 0; r < rows; r++) {  // in row order, as one thread would add them
        *loss += row_loss[r]; *nll += row_loss[rows + r];
        *tokens += flags[r]; *correct += flags[rows + r];
    }
    free(row_loss);
    free(flags);
}
