/*
 * The native backend's kernels. GEMM goes to the system BLAS (run single-threaded) and every
 * kernel that is large enough is split over the thread pool:
 *
 * - GEMM: C is cut into GEMM_BLOCKS blocks of rows (columns when C has few rows) that start on
 *   multiples of 16, spread over the threads, each an ordinary cblas_sgemm call. Measured on the 2-core dev
 *   machine with OpenBLAS 0.3.21: 1.95-2.05x on every SAC shape, where OpenBLAS's own threads gave
 *   1.5-1.9x on 1280x400x400 and were 1.2-4x *slower* than one thread on thin shapes (1280x400x53,
 *   1280x8x400: first and last layers). OpenBLAS's threaded path also rounds differently from its
 *   single-threaded one. The blocks are the same whatever the thread count (one thread runs them
 *   one after the other), so the thread count does not change results: an element's rounding can
 *   depend on where its block starts (a block edge inside a BLAS micro-tile sends the last rows to
 *   an edge kernel that sums in another order — seen with OpenBLAS 0.3.21's Zen kernels, whose
 *   12-wide tiles straddle a 640-row edge), but never on which thread runs the block. Vector shapes (n = 1, m = 1, k = 1) use loops of their own.
 * - Elementwise kernels: ranges of elements, rows or (for column sums) columns, so every value is
 *   computed by exactly the arithmetic of the single-threaded loop. Threads never write to the
 *   same cache line in a loop: column ranges start on a line of the written matrix and sums
 *   collect in a stack buffer (false sharing made a 2-thread column sum 10x slower than one).
 *
 * The loops use GCC/Clang vector extensions (4 floats: SSE on x86-64, NEON on arm64) rather than
 * the auto-vectorizer, which gives up on in-place calls (gradIn == gradOut) and compiles
 * `y > 0 ? g : 0` into a branch that mispredicts half the time on ReLU masks (that alone cost 25 ms
 * of a 1280-sample SAC update). Each lane does the scalar arithmetic, in the same order.
 */
#include "kernels.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "thread_pool.h"

/* Work below these sizes stays on the calling thread (handing a part over costs ~1-2 us). */
#define MIN_SPLIT_MACS 65536.0
#define MIN_SPLIT_FLOATS 32768
/* Parts start on multiples of this many rows, columns or elements (a cache line of floats, and a
   multiple of the BLAS micro-kernels' tile sizes). */
#define ALIGN 16

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

static inline v4f load4(const float *p) {
  v4f v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline void store4(float *p, v4f v) { memcpy(p, &v, sizeof v); }

static inline v4f splat(float value) { return (v4f){value, value, value, value}; }

/* v where mask (all ones) is set, +0 elsewhere. */
static inline v4f select_or_zero(v4i mask, v4f v) { return (v4f)((v4i)v & mask); }

/* [begin, end) of part `part` of `parts` over `length` items, in ALIGN-sized chunks. */
static void part_range(size_t length, int part, int parts, size_t *begin, size_t *end) {
  size_t chunks = (length + ALIGN - 1) / ALIGN;
  size_t per_part = (chunks + (size_t)parts - 1) / (size_t)parts;
  *begin = (size_t)part * per_part * ALIGN;
  *end = *begin + per_part * ALIGN;
  if (*begin > length) *begin = length;
  if (*end > length) *end = length;
}

/* A split GEMM is always cut into this many blocks, whatever the number of threads (see the top). */
#define GEMM_BLOCKS 4

/* How many parts `floats` of elementwise work is worth. */
static int parts_for(size_t floats) { return floats >= MIN_SPLIT_FLOATS ? pool_threads() : 1; }

/* ---- GEMM ---- */

typedef struct {
  const blas_library *blas;
  bool trans_a, trans_b, by_rows;
  int m, n, k, lda, ldb, ldc;
  float alpha, beta;
  const float *a, *b;
  float *c;
  /* Fixed blocks of a split GEMM (1: one call over all of C). */
  int blocks;
} gemm_task;

/* One fixed block of a split GEMM (see gemm_part). */
static void gemm_block(const gemm_task *t, int block, int blocks) {
  size_t begin, end;
  part_range((size_t)(t->by_rows ? t->m : t->n), block, blocks, &begin, &end);
  if (begin >= end) return;
  int size = (int)(end - begin);
  int m = t->m, n = t->n;
  const float *a = t->a, *b = t->b;
  float *c = t->c;
  if (t->by_rows) {
    m = size;
    a = t->trans_a ? a + begin : a + begin * (size_t)t->lda;
    c = c + begin * (size_t)t->ldc;
  } else {
    n = size;
    b = t->trans_b ? b + begin * (size_t)t->ldb : b + begin;
    c = c + begin;
  }
  t->blas->sgemm(CBLAS_ROW_MAJOR, t->trans_a ? CBLAS_TRANS : CBLAS_NO_TRANS, t->trans_b ? CBLAS_TRANS : CBLAS_NO_TRANS,
                 m, n, t->k, t->alpha, a, t->lda, b, t->ldb, t->beta, c, t->ldc);
}

/* Part `part` of `parts` threads runs the fixed blocks part, part + parts, ... of the GEMM. */
static void gemm_part(const void *arguments, int part, int parts) {
  const gemm_task *t = arguments;
  int blocks = t->blocks;
  for (int block = part; block < blocks; block += parts) gemm_block(t, block, blocks);
}

/* c = alpha * acc + beta * c, reading c only when beta != 0 (it may hold NaN then). */
static inline float finish(float acc, float alpha, float beta, const float *c) {
  return beta == 0.0f ? acc * alpha : *c * beta + acc * alpha;
}

/*
 * Vector-shaped products (an MLP's scalar output layer: forward X·wᵀ, weight gradient dzᵀ·X,
 * input gradient dz·w), which BLAS runs through paths that neither thread nor, for n = 1, round
 * independently of the length: our own loops, split by rows (n = 1, k = 1) or columns (m = 1);
 * each element's arithmetic does not depend on the split.
 */
static void vector_gemm_part(const void *arguments, int part, int parts) {
  const gemm_task *t = arguments;
  size_t begin, end;
  if (t->n == 1 && !t->trans_a) {
    part_range((size_t)t->m, part, parts, &begin, &end);
    size_t stride = t->trans_b ? 1 : (size_t)t->ldb;
    int k = t->k;
    for (size_t i = begin; i < end; i++) {
      const float *row = t->a + i * t->lda;
      float total;
      int p = 0;
      if (stride == 1) {
        v4f s0 = splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
        for (; p + 16 <= k; p += 16) {
          s0 += load4(row + p) * load4(t->b + p);
          s1 += load4(row + p + 4) * load4(t->b + p + 4);
          s2 += load4(row + p + 8) * load4(t->b + p + 8);
          s3 += load4(row + p + 12) * load4(t->b + p + 12);
        }
        v4f sum = (s0 + s1) + (s2 + s3);
        total = (sum[0] + sum[1]) + (sum[2] + sum[3]);
      } else {
        total = 0.0f;
      }
      for (; p < k; p++) total += row[p] * t->b[p * stride];
      t->c[i * t->ldc] = finish(total, t->alpha, t->beta, t->c + i * t->ldc);
    }
  } else if (t->m == 1 && !t->trans_b) {
    part_range((size_t)t->n, part, parts, &begin, &end);
    size_t stride = t->trans_a ? (size_t)t->lda : 1;
    size_t j = begin;
    for (; j + 16 <= end; j += 16) {
      v4f s0 = splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
      for (int p = 0; p < t->k; p++) {
        v4f x = splat(t->a[p * stride]);
        const float *row = t->b + (size_t)p * t->ldb + j;
        s0 += x * load4(row);
        s1 += x * load4(row + 4);
        s2 += x * load4(row + 8);
        s3 += x * load4(row + 12);
      }
      v4f sums[4] = {s0, s1, s2, s3};
      for (int q = 0; q < 4; q++)
        for (int lane = 0; lane < 4; lane++) {
          float *out = t->c + j + 4 * q + lane;
          *out = finish(sums[q][lane], t->alpha, t->beta, out);
        }
    }
    for (; j < end; j++) {
      float total = 0.0f;
      for (int p = 0; p < t->k; p++) total += t->a[p * stride] * t->b[(size_t)p * t->ldb + j];
      t->c[j] = finish(total, t->alpha, t->beta, t->c + j);
    }
  } else { /* k == 1 */
    part_range((size_t)t->m, part, parts, &begin, &end);
    const v4f alpha = splat(t->alpha), beta = splat(t->beta);
    bool contiguous = !t->trans_b || t->ldb == 1;
    for (size_t i = begin; i < end; i++) {
      float x = t->trans_a ? t->a[i] : t->a[i * t->lda];
      float *row = t->c + i * t->ldc;
      int j = 0;
      if (contiguous) {
        v4f vx = splat(x);
        if (t->beta == 0.0f)
          for (; j + 4 <= t->n; j += 4) store4(row + j, (vx * load4(t->b + j)) * alpha);
        else
          for (; j + 4 <= t->n; j += 4) store4(row + j, load4(row + j) * beta + (vx * load4(t->b + j)) * alpha);
      }
      for (; j < t->n; j++) row[j] = finish(x * (t->trans_b ? t->b[(size_t)j * t->ldb] : t->b[j]), t->alpha, t->beta, row + j);
    }
  }
}

void nn_gemm(const blas_library *blas, bool split, bool trans_a, bool trans_b, int m, int n, int k,
             float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
  if ((n == 1 && !trans_a) || (m == 1 && !trans_b) || k == 1) {
    gemm_task task = {blas, trans_a, trans_b, true, m, n, k, lda, ldb, ldc, alpha, beta, a, b, c, 1};
    pool_run(vector_gemm_part, &task, parts_for((size_t)m * n + (size_t)m * k + (size_t)k * n));
    return;
  }
  /* Rows when there are enough of them: a column split makes both threads write every row of C,
     sharing the cache line at the boundary (measured 1.5x slower than one thread at 128x400x49). */
  bool by_rows = m >= 4 * ALIGN || m >= n;
  int length = by_rows ? m : n;
  bool worth_splitting = split && m != 1 && n != 1 && (double)m * n * k >= MIN_SPLIT_MACS && length >= 2 * ALIGN;
  gemm_task task = {blas, trans_a, trans_b, by_rows, m, n, k, lda, ldb, ldc, alpha, beta, a, b, c, worth_splitting ? GEMM_BLOCKS : 1};
  pool_run(gemm_part, &task, worth_splitting ? pool_threads() : 1);
}

/* ---- bias and ReLU, by rows or element ranges ---- */

typedef struct {
  const float *x, *bias;
  int rows, cols;
  float *out;
  bool relu;
} bias_task;

static void bias_part(const void *arguments, int part, int parts) {
  const bias_task *t = arguments;
  size_t begin, end;
  part_range((size_t)t->rows, part, parts, &begin, &end);
  const v4f zero = splat(0.0f);
  int cols = t->cols;
  for (size_t i = begin; i < end; i++) {
    const float *xr = t->x + i * cols;
    float *outr = t->out + i * cols;
    int j = 0;
    if (t->relu) {
      for (; j + 4 <= cols; j += 4) {
        v4f v = load4(xr + j) + load4(t->bias + j);
        store4(outr + j, select_or_zero(v > zero, v));
      }
      for (; j < cols; j++) {
        float v = xr[j] + t->bias[j];
        outr[j] = v > 0.0f ? v : 0.0f;
      }
    } else {
      for (; j + 4 <= cols; j += 4) store4(outr + j, load4(xr + j) + load4(t->bias + j));
      for (; j < cols; j++) outr[j] = xr[j] + t->bias[j];
    }
  }
}

void nn_add_bias_rows(const float *x, const float *bias, int rows, int cols, float *out) {
  bias_task task = {x, bias, rows, cols, out, false};
  pool_run(bias_part, &task, parts_for((size_t)rows * cols));
}

void nn_add_bias_relu(const float *x, const float *bias, int rows, int cols, float *out) {
  bias_task task = {x, bias, rows, cols, out, true};
  pool_run(bias_part, &task, parts_for((size_t)rows * cols));
}

typedef struct {
  const float *x, *mask_source;
  size_t length;
  float *out;
} relu_task;

/* out = mask_source > 0 ? x : 0 (forward: mask_source = x; backward: y and gradOut). */
static void relu_part(const void *arguments, int part, int parts) {
  const relu_task *t = arguments;
  size_t i, end;
  part_range(t->length, part, parts, &i, &end);
  const v4f zero = splat(0.0f);
  for (; i + 4 <= end; i += 4) store4(t->out + i, select_or_zero(load4(t->mask_source + i) > zero, load4(t->x + i)));
  for (; i < end; i++) {
    float value = t->x[i];
    t->out[i] = t->mask_source[i] > 0.0f ? value : 0.0f;
  }
}

void nn_relu_forward(const float *x, size_t length, float *out) {
  relu_task task = {x, x, length, out};
  pool_run(relu_part, &task, parts_for(length));
}

void nn_relu_backward(const float *y, const float *grad_out, size_t length, float *grad_in) {
  relu_task task = {grad_out, y, length, grad_in};
  pool_run(relu_part, &task, parts_for(length));
}

/* ---- column sums (bias gradients), by column ranges ---- */

typedef struct {
  const float *x, *y; /* y: relu output for the fused backward, else NULL */
  int rows, cols;
  float *grad_in; /* fused backward only */
  float beta;
  float *out;
  size_t shift; /* first column that starts a cache line of grad_in (see below) */
} column_sum_task;

/* Columns summed per pass, in a stack accumulator: threads write `out` once, at the end, instead
   of sharing its cache lines on every row. */
#define COLUMN_BLOCK 512

/* out[j] = (beta == 0 ? 0 : beta * out[j]) + Σ_i g[i, j] summed in row order, where g = x, or
   relu'(y) x written to grad_in for the fused backward. */
static void column_sum_part(const void *arguments, int part, int parts) {
  const column_sum_task *t = arguments;
  size_t cols = (size_t)t->cols;
  size_t begin = 0, end = cols;
  if (parts > 1) {
    /* Parts start where a cache line of grad_in starts, in every row (cols is a multiple of 16),
       so no line is written by two threads. */
    part_range(cols - t->shift, part, parts, &begin, &end);
    if (part > 0) begin += t->shift;
    end += t->shift;
  }
  const v4f zero = splat(0.0f);
  float acc[COLUMN_BLOCK];
  for (size_t block = begin; block < end; block += COLUMN_BLOCK) {
    size_t width = end - block < COLUMN_BLOCK ? end - block : COLUMN_BLOCK;
    for (size_t j = 0; j < width; j++) acc[j] = t->beta == 0.0f ? 0.0f : t->out[block + j] * t->beta;
    for (int i = 0; i < t->rows; i++) {
      const float *xr = t->x + i * cols + block;
      size_t j = 0;
      if (t->y != NULL) {
        const float *yr = t->y + i * cols + block;
        float *gr = t->grad_in + i * cols + block;
        for (; j + 4 <= width; j += 4) {
          v4f g = select_or_zero(load4(yr + j) > zero, load4(xr + j));
          store4(gr + j, g);
          store4(acc + j, load4(acc + j) + g);
        }
        for (; j < width; j++) {
          float g = xr[j];
          g = yr[j] > 0.0f ? g : 0.0f;
          gr[j] = g;
          acc[j] += g;
        }
      } else {
        for (; j + 4 <= width; j += 4) store4(acc + j, load4(acc + j) + load4(xr + j));
        for (; j < width; j++) acc[j] += xr[j];
      }
    }
    memcpy(t->out + block, acc, width * sizeof(float));
  }
}

/* Parts for a column sum. The fused backward, which also writes the rows, stays on one thread:
   split by columns (even on cache-line boundaries) it measured 1.3-2x slower than one thread at
   1280x400, and a split by rows would change the summation order with the thread count. */
static int column_parts(int rows, int cols, bool writes_rows) {
  if (writes_rows || cols % ALIGN != 0) return 1;
  return parts_for((size_t)rows * cols);
}

/* Columns before the first one whose address in `data` starts a 64-byte cache line. */
static size_t line_shift(const float *data, int cols) {
  size_t shift = (ALIGN - ((uintptr_t)data / sizeof(float)) % ALIGN) % ALIGN;
  return shift < (size_t)cols ? shift : 0;
}

void nn_sum_rows(const float *x, int rows, int cols, float beta, float *out) {
  column_sum_task task = {x, NULL, rows, cols, NULL, beta, out, 0};
  pool_run(column_sum_part, &task, column_parts(rows, cols, false));
}

void nn_relu_backward_sum_rows(const float *y, const float *grad_out, int rows, int cols, float *grad_in,
                               float beta, float *bias_grad) {
  column_sum_task task = {grad_out, y, rows, cols, grad_in, beta, bias_grad, line_shift(grad_in, cols)};
  pool_run(column_sum_part, &task, column_parts(rows, cols, true));
}

/* ---- optimizer steps, by element ranges ---- */

typedef struct {
  float *param, *m, *v;
  const float *grad;
  size_t length;
  float beta1, one_minus_beta1, beta2, one_minus_beta2, eps, weight_decay, step_size, sqrt_bc2;
} adam_task;

/* torch.optim.Adam: g = grad + wd p; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g²;
   p -= step_size m / (sqrt(v) / sqrt_bc2 + eps). */
static void adam_part(const void *arguments, int part, int parts) {
  const adam_task *t = arguments;
  size_t i, end;
  part_range(t->length, part, parts, &i, &end);
  float *param = t->param, *m = t->m, *v = t->v;
  const float *grad = t->grad;
  const v4f vb1 = splat(t->beta1), vb1c = splat(t->one_minus_beta1);
  const v4f vb2 = splat(t->beta2), vb2c = splat(t->one_minus_beta2);
  const v4f veps = splat(t->eps), vwd = splat(t->weight_decay);
  const v4f vstep = splat(t->step_size), vbc2 = splat(t->sqrt_bc2);
  for (; i + 4 <= end; i += 4) {
    v4f p = load4(param + i);
    v4f g = load4(grad + i) + vwd * p;
    v4f mi = vb1 * load4(m + i) + vb1c * g;
    v4f vi = vb2 * load4(v + i) + vb2c * (g * g);
    v4f root;
    /* Correctly rounded per lane (sqrtps), like sqrtf. */
    for (int lane = 0; lane < 4; lane++) root[lane] = __builtin_sqrtf(vi[lane]);
    store4(m + i, mi);
    store4(v + i, vi);
    store4(param + i, p - (vstep * mi) / (root / vbc2 + veps));
  }
  for (; i < end; i++) {
    float p = param[i];
    float g = grad[i] + t->weight_decay * p;
    float mi = t->beta1 * m[i] + t->one_minus_beta1 * g;
    float vi = t->beta2 * v[i] + t->one_minus_beta2 * (g * g);
    m[i] = mi;
    v[i] = vi;
    param[i] = p - (t->step_size * mi) / (sqrtf(vi) / t->sqrt_bc2 + t->eps);
  }
}

void nn_adam_update(float *param, const float *grad, float *m, float *v, size_t length, float beta1,
                    float one_minus_beta1, float beta2, float one_minus_beta2, float eps,
                    float weight_decay, float step_size, float sqrt_bc2) {
  adam_task task = {param, m, v, grad, length, beta1, one_minus_beta1, beta2, one_minus_beta2,
                    eps, weight_decay, step_size, sqrt_bc2};
  pool_run(adam_part, &task, parts_for(length));
}

typedef struct {
  float *target;
  const float *source;
  size_t length;
  float keep, tau;
} polyak_task;

static void polyak_part(const void *arguments, int part, int parts) {
  const polyak_task *t = arguments;
  size_t i, end;
  part_range(t->length, part, parts, &i, &end);
  const v4f keep = splat(t->keep), tau = splat(t->tau);
  for (; i + 4 <= end; i += 4) store4(t->target + i, keep * load4(t->target + i) + tau * load4(t->source + i));
  for (; i < end; i++) t->target[i] = t->keep * t->target[i] + t->tau * t->source[i];
}

void nn_polyak_update(float *target, const float *source, size_t length, float keep, float tau) {
  polyak_task task = {target, source, length, keep, tau};
  pool_run(polyak_part, &task, parts_for(length));
}

/* ---- per-row group mixing (mixGroups), by rows ---- */

typedef struct {
  bool trans_w;
  int groups_out, groups_in, rows, features;
  const float *weights, *y; /* y: dOut for the weight gradient */
  const float *x;           /* the weight gradient's second operand (mixGroups' y) */
  float beta;
  float *out;
} mix_task;

/* out = beta == 0 ? acc : beta * out + acc, reading out only when beta != 0 (may hold NaN). */
static inline void mix_store4(float *out, v4f acc, float beta) {
  store4(out, beta == 0.0f ? acc : load4(out) * splat(beta) + acc);
}

/*
 * Rows [begin, end) of mix_rows: out row i of row b = Σ_j M_b[i, j] y row j in order of j, with
 * M_b = W_b or its transpose. Vectorised along the features, 16 at a time; every lane (and the
 * scalar tail) does the same arithmetic in the same order, so no value depends on where the
 * vector loop ends or on the split into parts.
 */
static void mix_rows_part(const void *arguments, int part, int parts) {
  const mix_task *t = arguments;
  size_t begin, end;
  part_range((size_t)t->rows, part, parts, &begin, &end);
  int out_groups = t->trans_w ? t->groups_in : t->groups_out;
  int sum_groups = t->trans_w ? t->groups_out : t->groups_in;
  /* M_b[i, j] = w[i * w_i + j * w_j] */
  size_t w_i = t->trans_w ? 1 : (size_t)t->groups_in;
  size_t w_j = t->trans_w ? (size_t)t->groups_in : 1;
  int features = t->features;
  size_t stride = (size_t)t->rows * features; /* between groups */
  float beta = t->beta;
  for (size_t b = begin; b < end; b++) {
    const float *w = t->weights + b * (size_t)t->groups_out * t->groups_in;
    const float *yb = t->y + b * features;
    for (int i = 0; i < out_groups; i++) {
      const float *wi = w + i * w_i;
      float *o = t->out + i * stride + b * features;
      int h = 0;
      for (; h + 16 <= features; h += 16) {
        v4f a0 = splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < sum_groups; j++) {
          v4f m = splat(wi[j * w_j]);
          const float *yr = yb + j * stride + h;
          a0 += m * load4(yr);
          a1 += m * load4(yr + 4);
          a2 += m * load4(yr + 8);
          a3 += m * load4(yr + 12);
        }
        mix_store4(o + h, a0, beta);
        mix_store4(o + h + 4, a1, beta);
        mix_store4(o + h + 8, a2, beta);
        mix_store4(o + h + 12, a3, beta);
      }
      for (; h + 4 <= features; h += 4) {
        v4f a = splat(0.0f);
        for (int j = 0; j < sum_groups; j++) a += splat(wi[j * w_j]) * load4(yb + j * stride + h);
        mix_store4(o + h, a, beta);
      }
      for (; h < features; h++) {
        float a = 0.0f;
        for (int j = 0; j < sum_groups; j++) a += wi[j * w_j] * yb[j * stride + h];
        o[h] = beta == 0.0f ? a : o[h] * beta + a;
      }
    }
  }
}

/*
 * Rows [begin, end) of mix_rows_weight_grad: dW_b[o, g] = dot(dOut row o, y row g) of row b, with
 * 16 partial sums per dot (4 vectors over the features, then a vector and a scalar tail) added
 * in a fixed order: the same for every row and part.
 */
static void mix_rows_weight_grad_part(const void *arguments, int part, int parts) {
  const mix_task *t = arguments;
  size_t begin, end;
  part_range((size_t)t->rows, part, parts, &begin, &end);
  int groups_out = t->groups_out, groups_in = t->groups_in, features = t->features;
  size_t stride = (size_t)t->rows * features;
  float beta = t->beta;
  for (size_t b = begin; b < end; b++) {
    float *dw = t->out + b * (size_t)groups_out * groups_in;
    for (int o = 0; o < groups_out; o++) {
      const float *d = t->y + o * stride + b * features;
      for (int g = 0; g < groups_in; g++) {
        const float *x = t->x + g * stride + b * features;
        v4f a0 = splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
        int h = 0;
        for (; h + 16 <= features; h += 16) {
          a0 += load4(d + h) * load4(x + h);
          a1 += load4(d + h + 4) * load4(x + h + 4);
          a2 += load4(d + h + 8) * load4(x + h + 8);
          a3 += load4(d + h + 12) * load4(x + h + 12);
        }
        for (; h + 4 <= features; h += 4) a0 += load4(d + h) * load4(x + h);
        v4f s = (a0 + a1) + (a2 + a3);
        float total = (s[0] + s[1]) + (s[2] + s[3]);
        for (; h < features; h++) total += d[h] * x[h];
        float *at = dw + o * groups_in + g;
        *at = beta == 0.0f ? total : *at * beta + total;
      }
    }
  }
}

/* Parts for `macs` multiply-adds over `rows` rows: whole blocks of ALIGN rows per thread. */
static int mix_parts(double macs, int rows) {
  return macs >= MIN_SPLIT_MACS && rows >= 2 * ALIGN ? pool_threads() : 1;
}

void nn_mix_rows(bool trans_w, int groups_out, int groups_in, int rows, int features, const float *weights,
                 const float *y, float beta, float *out) {
  mix_task task = {trans_w, groups_out, groups_in, rows, features, weights, y, NULL, beta, out};
  pool_run(mix_rows_part, &task, mix_parts((double)groups_out * groups_in * rows * features, rows));
}

void nn_mix_rows_weight_grad(int groups_out, int groups_in, int rows, int features, const float *d_out,
                             const float *y, float beta, float *d_weights) {
  mix_task task = {false, groups_out, groups_in, rows, features, NULL, d_out, y, beta, d_weights};
  pool_run(mix_rows_weight_grad_part, &task, mix_parts((double)groups_out * groups_in * rows * features, rows));
}

/* ---- FiLM (featureModulation): forward by rows; backward by rows or, with a row index, by tasks ---- */

typedef struct {
  int rows, features, width, offset;
  bool relu;
  const float *x, *gamma_beta, *out, *grad_out;
  const int32_t *row_index; /* NULL: row r reads gamma_beta row r */
  float beta_x;
  float *result; /* forward: out */
  float *grad_x; /* NULL: not wanted */
  bool overwrite_gb;
  float *grad_gamma_beta; /* NULL: not wanted */
  /* Backward by tasks: part p takes the rows whose gamma_beta row is in [task_cut[p], task_cut[p + 1]). */
  bool by_tasks;
  int task_cut[POOL_MAX_THREADS + 1];
} film_task;

/* v where v > 0, else +0 (also for NaN and -0), as the reference's `v > 0 ? v : 0`. */
static inline v4f relu4(v4f v) { return select_or_zero(v > splat(0.0f), v); }

/*
 * Rows [begin, end) of the forward: out = act((1 + gamma) x + beta), one float operation per step
 * in the reference's order (-ffp-contract=off keeps the product and the sum apart), so every lane
 * and the scalar tail give the js reference's bits.
 */
static void film_forward_part(const void *arguments, int part, int parts) {
  const film_task *t = arguments;
  size_t begin, end;
  part_range((size_t)t->rows, part, parts, &begin, &end);
  int features = t->features;
  const v4f one = splat(1.0f);
  for (size_t r = begin; r < end; r++) {
    size_t row = t->row_index != NULL ? (size_t)t->row_index[r] : r;
    const float *gamma = t->gamma_beta + row * t->width + t->offset;
    const float *beta = gamma + features;
    const float *x = t->x + r * features;
    float *out = t->result + r * features;
    int h = 0;
    for (; h + 8 <= features; h += 8) {
      v4f p0 = (one + load4(gamma + h)) * load4(x + h) + load4(beta + h);
      v4f p1 = (one + load4(gamma + h + 4)) * load4(x + h + 4) + load4(beta + h + 4);
      store4(out + h, t->relu ? relu4(p0) : p0);
      store4(out + h + 4, t->relu ? relu4(p1) : p1);
    }
    for (; h + 4 <= features; h += 4) {
      v4f p = (one + load4(gamma + h)) * load4(x + h) + load4(beta + h);
      store4(out + h, t->relu ? relu4(p) : p);
    }
    for (; h < features; h++) {
      float p = (1.0f + gamma[h]) * x[h] + beta[h];
      out[h] = t->relu ? (p > 0.0f ? p : 0.0f) : p;
    }
  }
}

/*
 * Rows [row_begin, row_end) of the backward whose gamma_beta row lies in [task_begin, task_end),
 * in row order: d = relu ? (out > 0 ? grad_out : 0) : grad_out; grad_x = beta_x grad_x + d (1 +
 * gamma); grad_gamma += d x and grad_beta += d at the row's gamma_beta row (stored, and the row's
 * other columns zeroed, when overwrite_gb: no row index and beta 0).
 */
static void film_backward_rows(const film_task *t, size_t row_begin, size_t row_end, size_t task_begin, size_t task_end) {
  int features = t->features, width = t->width, offset = t->offset;
  const v4f one = splat(1.0f);
  const v4f bx = splat(t->beta_x);
  bool add_x = t->beta_x != 0.0f;
  for (size_t r = row_begin; r < row_end; r++) {
    size_t row = t->row_index != NULL ? (size_t)t->row_index[r] : r;
    if (row < task_begin || row >= task_end) continue;
    const float *gamma = t->gamma_beta + row * width + offset;
    const float *x = t->x + r * features;
    const float *y = t->out + r * features;
    const float *g = t->grad_out + r * features;
    float *dx = t->grad_x != NULL ? t->grad_x + r * features : NULL;
    float *dgamma = t->grad_gamma_beta != NULL ? t->grad_gamma_beta + row * width + offset : NULL;
    float *dbeta = dgamma != NULL ? dgamma + features : NULL;
    if (dgamma != NULL && t->overwrite_gb) {
      float *whole = t->grad_gamma_beta + row * width;
      memset(whole, 0, (size_t)offset * sizeof(float));
      memset(whole + offset + 2 * features, 0, (size_t)(width - offset - 2 * features) * sizeof(float));
    }
    int h = 0;
    for (; h + 4 <= features; h += 4) {
      v4f d = load4(g + h);
      if (t->relu) d = select_or_zero(load4(y + h) > splat(0.0f), d);
      if (dx != NULL) {
        v4f value = d * (one + load4(gamma + h));
        store4(dx + h, add_x ? bx * load4(dx + h) + value : value);
      }
      if (dgamma != NULL) {
        v4f dg = d * load4(x + h);
        if (t->overwrite_gb) {
          store4(dgamma + h, dg);
          store4(dbeta + h, d);
        } else {
          store4(dgamma + h, load4(dgamma + h) + dg);
          store4(dbeta + h, load4(dbeta + h) + d);
        }
      }
    }
    for (; h < features; h++) {
      float d = t->relu ? (y[h] > 0.0f ? g[h] : 0.0f) : g[h];
      if (dx != NULL) {
        float value = d * (1.0f + gamma[h]);
        dx[h] = add_x ? t->beta_x * dx[h] + value : value;
      }
      if (dgamma != NULL) {
        float dg = d * x[h];
        if (t->overwrite_gb) {
          dgamma[h] = dg;
          dbeta[h] = d;
        } else {
          dgamma[h] += dg;
          dbeta[h] += d;
        }
      }
    }
  }
}

/* Part of the backward: a range of rows, or with a row index the rows of a range of tasks. */
static void film_backward_part(const void *arguments, int part, int parts) {
  const film_task *t = arguments;
  if (t->by_tasks) {
    film_backward_rows(t, 0, (size_t)t->rows, (size_t)t->task_cut[part], (size_t)t->task_cut[part + 1]);
  } else {
    size_t begin, end;
    part_range((size_t)t->rows, part, parts, &begin, &end);
    film_backward_rows(t, begin, end, 0, SIZE_MAX);
  }
}

/*
 * Cuts tasks [0, gamma_rows) into `parts` ranges of about rows / parts rows each (counted in
 * row_index): cut[p] .. cut[p + 1]. Returns `parts`, or 1 (no split) if the counts cannot be allocated.
 */
static int film_task_cuts(const int32_t *row_index, int rows, int gamma_rows, int parts, int *cut) {
  int *counts = calloc((size_t)gamma_rows, sizeof(int));
  if (counts == NULL) return 1;
  for (int r = 0; r < rows; r++) counts[row_index[r]]++;
  cut[0] = 0;
  int task = 0, below = 0; /* rows of tasks < task */
  for (int p = 1; p < parts; p++) {
    long target = (long)rows * p / parts;
    /* the first cut at or past the target, or the one before it when that is closer */
    while (task < gamma_rows && below + counts[task] <= target) below += counts[task++];
    if (task < gamma_rows && below + counts[task] - target < target - below) below += counts[task++];
    cut[p] = task;
  }
  cut[parts] = gamma_rows;
  free(counts);
  return parts;
}

void nn_film_forward(int rows, int features, int width, int offset, bool relu, const float *x,
                     const float *gamma_beta, const int32_t *row_index, float *out) {
  film_task task = {rows, features, width, offset, relu, x, gamma_beta, NULL, NULL, row_index, 0.0f, out,
                    NULL, false, NULL, false, {0}};
  pool_run(film_forward_part, &task, rows >= 2 * ALIGN ? parts_for((size_t)rows * features) : 1);
}

/*
 * Threads: without a row index (or without grad_gamma_beta) every gradient element belongs to one
 * row, and the rows are split. With one, several rows may add into one grad_gamma_beta element;
 * each thread takes the rows of a range of tasks, in row order, so every element is summed in
 * row order by one thread: the reference's bits for any thread count. Measured at 1280 x 400 with
 * 10 random tasks on one thread, the two halves of such a split cost 1.25x one pass over all rows
 * (each skips the other's rows); halves by columns, the other deterministic split, 1.45x
 * (each row read in two pieces defeats the prefetcher); halves by rows 1.0x, but their partial
 * sums would have to be added in another order than the reference's.
 */
void nn_film_backward(int rows, int features, int gamma_rows, int width, int offset, bool relu, const float *x,
                      const float *gamma_beta, bool indexed, const int32_t *row_index, const float *out, const float *grad_out,
                      float beta_x, float *grad_x, float beta_gb, float *grad_gamma_beta) {
  bool overwrite = beta_gb == 0.0f && !indexed;
  if (grad_gamma_beta != NULL && !overwrite && beta_gb != 1.0f) {
    /* Rows may share gamma_beta rows: beta applies to the whole buffer once, then every row adds. */
    size_t length = (size_t)gamma_rows * width;
    if (beta_gb == 0.0f) memset(grad_gamma_beta, 0, length * sizeof(float));
    else for (size_t i = 0; i < length; i++) grad_gamma_beta[i] *= beta_gb;
  }
  film_task task = {rows, features, width, offset, relu, x, gamma_beta, out, grad_out, row_index, beta_x, NULL,
                    grad_x, overwrite, grad_gamma_beta, false, {0}};
  int parts = parts_for((size_t)rows * features);
  if (indexed && grad_gamma_beta != NULL) {
    task.by_tasks = true;
    parts = parts > 1 && gamma_rows > 1 ? film_task_cuts(row_index, rows, gamma_rows, parts, task.task_cut) : 1;
    if (parts == 1) {
      task.task_cut[0] = 0;
      task.task_cut[1] = gamma_rows;
    }
  } else if (rows < 2 * ALIGN) {
    parts = 1;
  }
  pool_run(film_backward_part, &task, parts);
}
