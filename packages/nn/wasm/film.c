/*
 * FiLM (the featureModulation op), SIMD128: out = act((1 + gamma) x + beta) for x [rows, features],
 * gamma and beta read in place from row t of gamma_beta [., width] at columns [offset, offset +
 * features) and [offset + features, offset + 2 features), t = row_index[r] (row_index 0: t = r).
 * act is the identity or ReLU (other activations stay in the js reference).
 *
 * Every step is one float32 operation in the order of the js reference (1 + gamma, times x, plus
 * beta; SIMD128 has no fused multiply-add), and every lane and the scalar tail do the same, so the
 * results are the reference's bits whatever the vector width, the row range or the thread.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* v where v > 0, else +0 (also for NaN and -0), as the reference's `v > 0 ? v : 0`. */
static inline v128_t relu4(v128_t v) { return wasm_v128_and(v, wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f))); }

static inline float relu1(float v) { return v > 0.0f ? v : 0.0f; }

/*
 * Rows [0, rows) of the forward; a caller splitting the rows passes a part's x, out and row_index
 * (or, without row_index, gamma_beta) pointers advanced to its first row.
 */
EXPORT(film_forward)
void film_forward(int rows, int features, int width, int offset, int relu, const float *x,
                  const float *gamma_beta, const int *row_index, float *out) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  for (int r = 0; r < rows; r++) {
    const float *gamma = gamma_beta + (row_index != 0 ? row_index[r] : r) * width + offset;
    const float *beta = gamma + features;
    const float *xr = x + r * features;
    float *o = out + r * features;
    int h = 0;
    for (; h + 8 <= features; h += 8) {
      v128_t p0 = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_add(one, wasm_v128_load(gamma + h)), wasm_v128_load(xr + h)), wasm_v128_load(beta + h));
      v128_t p1 = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_add(one, wasm_v128_load(gamma + h + 4)), wasm_v128_load(xr + h + 4)), wasm_v128_load(beta + h + 4));
      wasm_v128_store(o + h, relu ? relu4(p0) : p0);
      wasm_v128_store(o + h + 4, relu ? relu4(p1) : p1);
    }
    for (; h + 4 <= features; h += 4) {
      v128_t p = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_add(one, wasm_v128_load(gamma + h)), wasm_v128_load(xr + h)), wasm_v128_load(beta + h));
      wasm_v128_store(o + h, relu ? relu4(p) : p);
    }
    for (; h < features; h++) {
      float p = (1.0f + gamma[h]) * xr[h] + beta[h];
      o[h] = relu ? relu1(p) : p;
    }
  }
}

/*
 * Rows [0, rows) of the backward whose gamma_beta row t lies in [task_begin, task_end), in row order:
 *   d = relu ? (out > 0 ? grad_out : 0) : grad_out
 *   grad_x = beta_x == 0 ? d (1 + gamma) : beta_x grad_x + d (1 + gamma)        (grad_x 0: skipped)
 *   grad_gamma += d x, grad_beta += d  at row t of grad_gamma_beta             (0: skipped)
 * With overwrite_gb (only without row_index: every row writes its own gamma_beta row) the gamma
 * and beta gradients are stored instead of added, and the row's other columns are zeroed.
 * Otherwise the caller has applied beta to grad_gamma_beta.
 *
 * Threads: without row_index the rows are split (pointers advanced as for the forward, all tasks);
 * with it each thread takes the rows of a range of tasks, so that each grad_gamma_beta element,
 * which several rows may share, is summed in row order by one thread: the same bits as one thread
 * and as the reference (see nn_film_backward in native/kernels.c for the alternatives measured).
 */
EXPORT(film_backward)
void film_backward(int rows, int features, int width, int offset, int task_begin, int task_end, int relu,
                   const float *x, const float *gamma_beta, const int *row_index, const float *out,
                   const float *grad_out, float beta_x, float *grad_x, int overwrite_gb, float *grad_gamma_beta) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const v128_t bx = wasm_f32x4_splat(beta_x);
  for (int r = 0; r < rows; r++) {
    int t = row_index != 0 ? row_index[r] : r;
    if (t < task_begin || t >= task_end) continue;
    const float *gamma = gamma_beta + t * width + offset;
    const float *xr = x + r * features;
    const float *yr = out + r * features;
    const float *gr = grad_out + r * features;
    float *dxr = grad_x != 0 ? grad_x + r * features : 0;
    float *dgamma = grad_gamma_beta != 0 ? grad_gamma_beta + t * width + offset : 0;
    float *dbeta = dgamma != 0 ? dgamma + features : 0;
    if (dgamma != 0 && overwrite_gb) {
      float *row = grad_gamma_beta + t * width;
      for (int c = 0; c < offset; c++) row[c] = 0.0f;
      for (int c = offset + 2 * features; c < width; c++) row[c] = 0.0f;
    }
    int h = 0;
    for (; h + 4 <= features; h += 4) {
      v128_t g = wasm_v128_load(gr + h);
      v128_t d = relu ? wasm_v128_and(g, wasm_f32x4_gt(wasm_v128_load(yr + h), zero)) : g;
      if (dxr != 0) {
        v128_t dx = wasm_f32x4_mul(d, wasm_f32x4_add(one, wasm_v128_load(gamma + h)));
        if (beta_x != 0.0f) dx = wasm_f32x4_add(wasm_f32x4_mul(bx, wasm_v128_load(dxr + h)), dx);
        wasm_v128_store(dxr + h, dx);
      }
      if (dgamma != 0) {
        v128_t dg = wasm_f32x4_mul(d, wasm_v128_load(xr + h));
        if (overwrite_gb) {
          wasm_v128_store(dgamma + h, dg);
          wasm_v128_store(dbeta + h, d);
        } else {
          wasm_v128_store(dgamma + h, wasm_f32x4_add(wasm_v128_load(dgamma + h), dg));
          wasm_v128_store(dbeta + h, wasm_f32x4_add(wasm_v128_load(dbeta + h), d));
        }
      }
    }
    for (; h < features; h++) {
      float d = relu ? (yr[h] > 0.0f ? gr[h] : 0.0f) : gr[h];
      if (dxr != 0) {
        float dx = d * (1.0f + gamma[h]);
        dxr[h] = beta_x == 0.0f ? dx : beta_x * dxr[h] + dx;
      }
      if (dgamma != 0) {
        float dg = d * xr[h];
        if (overwrite_gb) {
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
