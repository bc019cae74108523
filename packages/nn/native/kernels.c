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

#include "kernel_support.h"

/* A split GEMM is always cut into this many blocks, whatever the number of threads (see the top). */
#define GEMM_BLOCKS 4


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
  pool_run(gemm_part, &task, worth_splitting ? GEMM_BLOCKS : 1);
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

typedef struct {
  const float *x;
  double factor, offset;
  size_t length;
  float *out;
} affine_task;

/* out = (float)(x·factor + offset) in double, the js reference's arithmetic (no FMA: -ffp-contract=off). */
static void affine_part(const void *arguments, int part, int parts) {
  const affine_task *t = arguments;
  size_t i, end;
  part_range(t->length, part, parts, &i, &end);
  for (; i < end; i++) t->out[i] = (float)((double)t->x[i] * t->factor + t->offset);
}

void nn_affine(const float *x, size_t length, double factor, double offset, float *out) {
  affine_task task = {x, factor, offset, length, out};
  pool_run(affine_part, &task, parts_for(length));
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
