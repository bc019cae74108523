/*
 * The elementwise and reduction kernels of the Kernels interface, SIMD128 with scalar tails.
 * Pointers are byte offsets into linear memory; lengths are in floats. Each loop reads and
 * writes every index exactly once at the same position, so in-place calls (out == x) are safe.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* out[i, j] = x[i, j] + bias[j] */
EXPORT(add_bias_rows)
void add_bias_rows(const float *x, const float *bias, int rows, int cols, float *out) {
  for (int i = 0; i < rows; i++) {
    const float *xr = x + i * cols;
    float *outr = out + i * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4)
      wasm_v128_store(outr + j, wasm_f32x4_add(wasm_v128_load(xr + j), wasm_v128_load(bias + j)));
    for (; j < cols; j++) outr[j] = xr[j] + bias[j];
  }
}

/* out[i, j] = relu(x[i, j] + bias[j]): add_bias_rows then relu_forward in one pass. */
EXPORT(add_bias_relu)
void add_bias_relu(const float *x, const float *bias, int rows, int cols, float *out) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  for (int i = 0; i < rows; i++) {
    const float *xr = x + i * cols;
    float *outr = out + i * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4) {
      v128_t v = wasm_f32x4_add(wasm_v128_load(xr + j), wasm_v128_load(bias + j));
      wasm_v128_store(outr + j, wasm_v128_and(v, wasm_f32x4_gt(v, zero)));
    }
    for (; j < cols; j++) {
      float v = xr[j] + bias[j];
      outr[j] = v > 0.0f ? v : 0.0f;
    }
  }
}

/* out = x > 0 ? x : 0, as the reference (so NaN and -0 become +0). */
EXPORT(relu_forward)
void relu_forward(const float *x, int length, float *out) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= length; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    wasm_v128_store(out + i, wasm_v128_and(v, wasm_f32x4_gt(v, zero)));
  }
  for (; i < length; i++) out[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

/* out = (float)(x·factor + offset) in double, the js reference's arithmetic. */
EXPORT(affine)
void affine(const float *x, int length, double factor, double offset, float *out) {
  for (int i = 0; i < length; i++) out[i] = (float)((double)x[i] * factor + offset);
}

/* grad_in = y > 0 ? grad_out : 0 */
EXPORT(relu_backward)
void relu_backward(const float *y, const float *grad_out, int length, float *grad_in) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= length; i += 4) {
    v128_t mask = wasm_f32x4_gt(wasm_v128_load(y + i), zero);
    wasm_v128_store(grad_in + i, wasm_v128_and(wasm_v128_load(grad_out + i), mask));
  }
  for (; i < length; i++) grad_in[i] = y[i] > 0.0f ? grad_out[i] : 0.0f;
}

/* out[j] = beta * out[j] + acc[j], the end of a column sum (beta = 0 ignores out: may be NaN). */
static inline void finish_sum(float *out, v128_t acc, float beta) {
  v128_t prev = beta == 0.0f ? wasm_f32x4_splat(0.0f) : wasm_f32x4_mul(wasm_v128_load(out), wasm_f32x4_splat(beta));
  wasm_v128_store(out, wasm_f32x4_add(prev, acc));
}

/*
 * out[j] = beta * out[j] + sum_i x[i, j], summing rows in order from zero (deterministic).
 * 16 columns (one cache line) at a time, so each line of x is read once.
 */
EXPORT(sum_rows)
void sum_rows(const float *x, int rows, int cols, float beta, float *out) {
  int j = 0;
  for (; j + 16 <= cols; j += 16) {
    v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    for (int i = 0; i < rows; i++) {
      const float *xr = x + i * cols + j;
      a0 = wasm_f32x4_add(a0, wasm_v128_load(xr));
      a1 = wasm_f32x4_add(a1, wasm_v128_load(xr + 4));
      a2 = wasm_f32x4_add(a2, wasm_v128_load(xr + 8));
      a3 = wasm_f32x4_add(a3, wasm_v128_load(xr + 12));
    }
    finish_sum(out + j, a0, beta);
    finish_sum(out + j + 4, a1, beta);
    finish_sum(out + j + 8, a2, beta);
    finish_sum(out + j + 12, a3, beta);
  }
  for (; j + 4 <= cols; j += 4) {
    v128_t acc = wasm_f32x4_splat(0.0f);
    for (int i = 0; i < rows; i++) acc = wasm_f32x4_add(acc, wasm_v128_load(x + i * cols + j));
    finish_sum(out + j, acc, beta);
  }
  for (; j < cols; j++) {
    float acc = 0.0f;
    for (int i = 0; i < rows; i++) acc += x[i * cols + j];
    out[j] = (beta == 0.0f ? 0.0f : out[j] * beta) + acc;
  }
}

/* y > 0 ? g : 0 for four lanes. */
static inline v128_t relu_mask(const float *y, const float *g) {
  return wasm_v128_and(wasm_v128_load(g), wasm_f32x4_gt(wasm_v128_load(y), wasm_f32x4_splat(0.0f)));
}

/*
 * relu_backward then sum_rows of its result into bias_grad, in one pass and with the same
 * arithmetic (columns summed over rows in order from zero, then combined with beta * bias_grad).
 */
EXPORT(relu_backward_sum_rows)
void relu_backward_sum_rows(const float *y, const float *grad_out, int rows, int cols, float *grad_in,
                            float beta, float *bias_grad) {
  int j = 0;
  for (; j + 16 <= cols; j += 16) {
    v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    for (int i = 0; i < rows; i++) {
      int at = i * cols + j;
      v128_t g0 = relu_mask(y + at, grad_out + at), g1 = relu_mask(y + at + 4, grad_out + at + 4);
      v128_t g2 = relu_mask(y + at + 8, grad_out + at + 8), g3 = relu_mask(y + at + 12, grad_out + at + 12);
      wasm_v128_store(grad_in + at, g0);
      wasm_v128_store(grad_in + at + 4, g1);
      wasm_v128_store(grad_in + at + 8, g2);
      wasm_v128_store(grad_in + at + 12, g3);
      a0 = wasm_f32x4_add(a0, g0);
      a1 = wasm_f32x4_add(a1, g1);
      a2 = wasm_f32x4_add(a2, g2);
      a3 = wasm_f32x4_add(a3, g3);
    }
    finish_sum(bias_grad + j, a0, beta);
    finish_sum(bias_grad + j + 4, a1, beta);
    finish_sum(bias_grad + j + 8, a2, beta);
    finish_sum(bias_grad + j + 12, a3, beta);
  }
  for (; j + 4 <= cols; j += 4) {
    v128_t acc = wasm_f32x4_splat(0.0f);
    for (int i = 0; i < rows; i++) {
      int at = i * cols + j;
      v128_t g = relu_mask(y + at, grad_out + at);
      wasm_v128_store(grad_in + at, g);
      acc = wasm_f32x4_add(acc, g);
    }
    finish_sum(bias_grad + j, acc, beta);
  }
  for (; j < cols; j++) {
    float acc = 0.0f;
    for (int i = 0; i < rows; i++) {
      int at = i * cols + j;
      float g = grad_out[at];
      g = y[at] > 0.0f ? g : 0.0f;
      grad_in[at] = g;
      acc += g;
    }
    bias_grad[j] = (beta == 0.0f ? 0.0f : bias_grad[j] * beta) + acc;
  }
}

/*
 * One Adam step with L2 weight decay (torch.optim.Adam):
 *   g = grad + wd * param;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   param -= step_size * m / (sqrt(v) / sqrt_bc2 + eps)
 * with step_size = lr / (1 - b1^t), sqrt_bc2 = sqrt(1 - b2^t), and 1 - b1, 1 - b2 computed by
 * the caller in float64 (as torch does: 1 - 0.999f in float32 is off by 1.3e-5 relative).
 */
EXPORT(adam_update)
void adam_update(float *param, const float *grad, float *m, float *v, int length,
                 float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                 float eps, float weight_decay, float step_size, float sqrt_bc2) {
  v128_t vb1 = wasm_f32x4_splat(beta1), vb1c = wasm_f32x4_splat(one_minus_beta1);
  v128_t vb2 = wasm_f32x4_splat(beta2), vb2c = wasm_f32x4_splat(one_minus_beta2);
  v128_t veps = wasm_f32x4_splat(eps), vwd = wasm_f32x4_splat(weight_decay);
  v128_t vstep = wasm_f32x4_splat(step_size), vbc2 = wasm_f32x4_splat(sqrt_bc2);
  int i = 0;
  for (; i + 4 <= length; i += 4) {
    v128_t p = wasm_v128_load(param + i);
    v128_t g = wasm_f32x4_add(wasm_v128_load(grad + i), wasm_f32x4_mul(vwd, p));
    v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(vb1, wasm_v128_load(m + i)), wasm_f32x4_mul(vb1c, g));
    v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(vb2, wasm_v128_load(v + i)),
                               wasm_f32x4_mul(vb2c, wasm_f32x4_mul(g, g)));
    v128_t denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(vi), vbc2), veps);
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    wasm_v128_store(param + i, wasm_f32x4_sub(p, wasm_f32x4_div(wasm_f32x4_mul(vstep, mi), denom)));
  }
  for (; i < length; i++) {
    float p = param[i];
    float g = grad[i] + weight_decay * p;
    float mi = beta1 * m[i] + one_minus_beta1 * g;
    float vi = beta2 * v[i] + one_minus_beta2 * (g * g);
    m[i] = mi;
    v[i] = vi;
    param[i] = p - (step_size * mi) / (__builtin_sqrtf(vi) / sqrt_bc2 + eps);
  }
}

/* target = keep target + tau source, keep = 1 - tau computed by the caller in float64. */
EXPORT(polyak_update)
void polyak_update(float *target, const float *source, int length, float keep_weight, float tau) {
  v128_t keep = wasm_f32x4_splat(keep_weight), take = wasm_f32x4_splat(tau);
  int i = 0;
  for (; i + 4 <= length; i += 4) {
    v128_t t = wasm_f32x4_mul(keep, wasm_v128_load(target + i));
    wasm_v128_store(target + i, wasm_f32x4_add(t, wasm_f32x4_mul(take, wasm_v128_load(source + i))));
  }
  for (; i < length; i++) target[i] = keep_weight * target[i] + tau * source[i];
}
