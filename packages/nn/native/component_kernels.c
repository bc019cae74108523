/*
 * The native kernels of the multi-task components: per-row group mixing (mixture of experts, soft
 * modularization) and FiLM. Same conventions as kernels.c: vector-extension loops doing the scalar
 * arithmetic in the same order, split over the thread pool so that the thread count never changes
 * a result.
 */
#include "kernels.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_support.h"

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
