/*
 * Per-row mixing of groups (the mixGroups op: mixture-of-experts combine, soft-modularization
 * routing), SIMD128. For every row b, W_b = weights[b] is a small groups_out x groups_in matrix
 * and y[:, b, :] a groups x features block whose rows lie group_stride floats apart ([groups,
 * rows, features] tensors, so group_stride is rows x features of the whole tensor; a caller that
 * splits the rows between threads passes a part's rows and pointers with the whole stride).
 *
 * These are thousands of 4x4-by-4x128 products per call; as separate GEMM calls their per-call
 * cost dominated. Every lane (and the scalar tail) does the scalar arithmetic in the same order,
 * so no value depends on where the vector loop ends or on which thread computes the row.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* out = beta == 0 ? acc : beta * out + acc, reading out only when beta != 0 (may hold NaN). */
static inline void store_mixed(float *out, v128_t acc, float beta) {
  if (beta != 0.0f) acc = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(out), wasm_f32x4_splat(beta)), acc);
  wasm_v128_store(out, acc);
}

/*
 * For every row b: out[:, b, :] = beta out[:, b, :] + M_b y[:, b, :], with M_b = W_b, or its
 * transpose when trans_w (then y has groups_out groups and out groups_in).
 */
EXPORT(mix_rows)
void mix_rows(int trans_w, int groups_out, int groups_in, int rows, int features, int group_stride,
              const float *weights, const float *y, float beta, float *out) {
  int out_groups = trans_w ? groups_in : groups_out;
  int sum_groups = trans_w ? groups_out : groups_in;
  /* M_b[i, j] = w[i * w_i + j * w_j] */
  int w_i = trans_w ? 1 : groups_in;
  int w_j = trans_w ? groups_in : 1;
  for (int b = 0; b < rows; b++) {
    const float *w = weights + b * groups_out * groups_in;
    const float *yb = y + b * features;
    for (int i = 0; i < out_groups; i++) {
      const float *wi = w + i * w_i;
      float *o = out + i * group_stride + b * features;
      int h = 0;
      for (; h + 16 <= features; h += 16) {
        v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < sum_groups; j++) {
          v128_t m = wasm_f32x4_splat(wi[j * w_j]);
          const float *yr = yb + j * group_stride + h;
          a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(m, wasm_v128_load(yr)));
          a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(m, wasm_v128_load(yr + 4)));
          a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(m, wasm_v128_load(yr + 8)));
          a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(m, wasm_v128_load(yr + 12)));
        }
        store_mixed(o + h, a0, beta);
        store_mixed(o + h + 4, a1, beta);
        store_mixed(o + h + 8, a2, beta);
        store_mixed(o + h + 12, a3, beta);
      }
      for (; h + 4 <= features; h += 4) {
        v128_t a = wasm_f32x4_splat(0.0f);
        for (int j = 0; j < sum_groups; j++)
          a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_f32x4_splat(wi[j * w_j]), wasm_v128_load(yb + j * group_stride + h)));
        store_mixed(o + h, a, beta);
      }
      for (; h < features; h++) {
        float a = 0.0f;
        for (int j = 0; j < sum_groups; j++) a += wi[j * w_j] * yb[j * group_stride + h];
        o[h] = beta == 0.0f ? a : o[h] * beta + a;
      }
    }
  }
}

/*
 * For every row b: dW_b = beta dW_b + d_out[:, b, :] y[:, b, :]^T, each element a dot product over
 * the features with 16 partial sums (4 vectors, then a vector and a scalar tail) added in a fixed
 * order.
 */
EXPORT(mix_rows_weight_grad)
void mix_rows_weight_grad(int groups_out, int groups_in, int rows, int features, int group_stride,
                          const float *d_out, const float *y, float beta, float *d_weights) {
  for (int b = 0; b < rows; b++) {
    float *dw = d_weights + b * groups_out * groups_in;
    for (int o = 0; o < groups_out; o++) {
      const float *d = d_out + o * group_stride + b * features;
      for (int g = 0; g < groups_in; g++) {
        const float *x = y + g * group_stride + b * features;
        v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
        int h = 0;
        for (; h + 16 <= features; h += 16) {
          a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(d + h), wasm_v128_load(x + h)));
          a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(d + h + 4), wasm_v128_load(x + h + 4)));
          a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load(d + h + 8), wasm_v128_load(x + h + 8)));
          a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load(d + h + 12), wasm_v128_load(x + h + 12)));
        }
        for (; h + 4 <= features; h += 4)
          a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(d + h), wasm_v128_load(x + h)));
        v128_t s = wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3));
        float total = (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) +
                      (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
        for (; h < features; h++) total += d[h] * x[h];
        float *at = dw + o * groups_in + g;
        *at = beta == 0.0f ? total : *at * beta + total;
      }
    }
  }
}
