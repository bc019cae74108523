/*
 * The native backend of @mtrl/nn: GEMM through a system CBLAS found at run time (see
 * blas_loader.c) and the elementwise kernels in plain C, over Float32Array data in place.
 *
 * Argument shapes and bounds are checked once in TypeScript (native-kernels.ts) before every
 * call; here we only check types, so a wrong call fails with a JS exception, never a crash.
 */
#include <math.h>
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "blas_loader.h"
#include "gemm_threads.h"

static blas_library blas;
static bool blas_loaded = false;

/*
 * The elementwise kernels use GCC/Clang vector extensions (4 floats: SSE on x86-64, NEON on
 * arm64) instead of relying on the auto-vectorizer, which gives up on in-place calls (gradIn ==
 * gradOut) and turns `y > 0 ? g : 0` into a branch that mispredicts half the time on ReLU masks.
 * Each lane does exactly the scalar arithmetic, so results do not depend on the vector width.
 */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

static inline v4f load4(const float *p) {
  v4f v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline void store4(float *p, v4f v) { memcpy(p, &v, sizeof v); }

/* v where mask (all ones) is set, +0 elsewhere. */
static inline v4f select_or_zero(v4i mask, v4f v) { return (v4f)((v4i)v & mask); }

/* Throws a JS Error and makes the calling function return NULL. */
#define THROW(env, message)                     \
  do {                                          \
    napi_throw_error((env), NULL, (message));   \
    return NULL;                                \
  } while (0)

#define CHECK(env, call)                                          \
  do {                                                            \
    if ((call) != napi_ok) THROW((env), "mtrl_nn_native: " #call " failed"); \
  } while (0)

static bool get_floats(napi_env env, napi_value value, float **data, size_t *length) {
  bool is_typed_array = false;
  if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok || !is_typed_array) return false;
  napi_typedarray_type type;
  void *raw = NULL;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok) return false;
  if (type != napi_float32_array) return false;
  *data = (float *)raw;
  return true;
}

#define ARGS(count)                                                         \
  size_t argc = (count);                                                    \
  napi_value argv[(count)];                                                 \
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));         \
  if (argc < (count)) THROW(env, "mtrl_nn_native: expected " #count " arguments")

#define FLOATS(index, name)                                                 \
  float *name = NULL;                                                       \
  size_t name##_length = 0;                                                 \
  if (!get_floats(env, argv[(index)], &name, &name##_length))              \
    THROW(env, "mtrl_nn_native: argument " #index " (" #name ") must be a Float32Array"); \
  (void)name##_length

#define INT(index, name)  \
  int32_t name = 0;       \
  CHECK(env, napi_get_value_int32(env, argv[(index)], &name))

#define NUMBER(index, name) \
  double name = 0;          \
  CHECK(env, napi_get_value_double(env, argv[(index)], &name))

#define BOOL(index, name) \
  bool name = false;      \
  CHECK(env, napi_get_value_bool(env, argv[(index)], &name))

/* loadBlas(names: string[]): string — the library that was loaded; throws if none works. */
static napi_value load_blas(napi_env env, napi_callback_info info) {
  ARGS(1);
  uint32_t count = 0;
  CHECK(env, napi_get_array_length(env, argv[0], &count));
  if (count > 16) THROW(env, "mtrl_nn_native: at most 16 BLAS names");
  static char storage[16][256];
  const char *names[16];
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    CHECK(env, napi_get_element(env, argv[0], i, &element));
    size_t written = 0;
    CHECK(env, napi_get_value_string_utf8(env, element, storage[i], sizeof storage[i], &written));
    names[i] = storage[i];
  }
  char error[2048];
  if (blas_load(names, (int)count, &blas, error, sizeof error) != 0) THROW(env, error);
  blas_loaded = true;
  /* GEMM threads default to what OpenBLAS would have used (its core count, or OPENBLAS_NUM_THREADS
     if the user set it); OpenBLAS itself then runs single-threaded inside each block. */
  static int first_thread_count = 0;
  if (first_thread_count == 0) first_thread_count = blas.get_num_threads != NULL ? blas.get_num_threads() : 1;
  /* A later load keeps the count set since (setThreads is process-wide, like the BLAS's own). */
  static bool configured = false;
  gemm_threads_configure(&blas, configured ? gemm_threads_count() : first_thread_count);
  configured = true;
  napi_value result;
  CHECK(env, napi_create_string_utf8(env, blas.library, NAPI_AUTO_LENGTH, &result));
  return result;
}

/* blasInfo(): { library, threads, core } — GEMM threads (-1 when the BLAS threads itself) and
   OpenBLAS's kernel family ("" elsewhere). */
static napi_value blas_info(napi_env env, napi_callback_info info) {
  if (!blas_loaded) THROW(env, "mtrl_nn_native: loadBlas() first");
  napi_value result, library, threads, core;
  CHECK(env, napi_create_object(env, &result));
  CHECK(env, napi_create_string_utf8(env, blas.library, NAPI_AUTO_LENGTH, &library));
  CHECK(env, napi_create_int32(env, blas.set_num_threads != NULL ? gemm_threads_count() : -1, &threads));
  const char *core_name = blas.get_corename != NULL ? blas.get_corename() : "";
  CHECK(env, napi_create_string_utf8(env, core_name != NULL ? core_name : "", NAPI_AUTO_LENGTH, &core));
  CHECK(env, napi_set_named_property(env, result, "library", library));
  CHECK(env, napi_set_named_property(env, result, "threads", threads));
  CHECK(env, napi_set_named_property(env, result, "core", core));
  return result;
}

/* setThreads(n): boolean — GEMM threads (see gemm_threads.c); false when the BLAS has no
   openblas_set_num_threads (it threads itself). Uses the library's call, never the OPENBLAS_*
   environment. */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  ARGS(1);
  INT(0, threads);
  bool supported = blas_loaded && threads > 0 && gemm_threads_configure(&blas, threads);
  napi_value result;
  CHECK(env, napi_get_boolean(env, supported, &result));
  return result;
}

/* gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) */
static napi_value gemm(napi_env env, napi_callback_info info) {
  ARGS(13);
  BOOL(0, trans_a);
  BOOL(1, trans_b);
  INT(2, m);
  INT(3, n);
  INT(4, k);
  NUMBER(5, alpha);
  FLOATS(6, a);
  INT(7, lda);
  FLOATS(8, b);
  INT(9, ldb);
  NUMBER(10, beta);
  FLOATS(11, c);
  INT(12, ldc);
  if (!blas_loaded) THROW(env, "mtrl_nn_native: loadBlas() first");
  if (m <= 0 || n <= 0) return NULL;
  if (k <= 0) {
    /* BLAS rejects lda < 1 for an empty reduction; the result is just beta * C. */
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0.0f : c[i * ldc + j] * (float)beta;
    return NULL;
  }
  /* BLAS also insists on ld >= max(1, columns) even where a stride is never used. */
  int min_lda = trans_a ? m : k, min_ldb = trans_b ? k : n;
  gemm_threads_sgemm(&blas, trans_a, trans_b, m, n, k, (float)alpha, a, lda > min_lda ? lda : min_lda,
                     b, ldb > min_ldb ? ldb : min_ldb, (float)beta, c, ldc > n ? ldc : n);
  return NULL;
}

/* addBiasRows(x, bias, rows, cols, out) */
static napi_value add_bias_rows(napi_env env, napi_callback_info info) {
  ARGS(5);
  FLOATS(0, x);
  FLOATS(1, bias);
  INT(2, rows);
  INT(3, cols);
  FLOATS(4, out);
  for (int i = 0; i < rows; i++) {
    const float *xr = x + (size_t)i * cols;
    float *outr = out + (size_t)i * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4) store4(outr + j, load4(xr + j) + load4(bias + j));
    for (; j < cols; j++) outr[j] = xr[j] + bias[j];
  }
  return NULL;
}

/* addBiasRelu(x, bias, rows, cols, out): max(x + bias, 0) with relu's NaN/-0 rule, one pass. */
static napi_value add_bias_relu(napi_env env, napi_callback_info info) {
  ARGS(5);
  FLOATS(0, x);
  FLOATS(1, bias);
  INT(2, rows);
  INT(3, cols);
  FLOATS(4, out);
  const v4f zero = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int i = 0; i < rows; i++) {
    const float *xr = x + (size_t)i * cols;
    float *outr = out + (size_t)i * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4) {
      v4f v = load4(xr + j) + load4(bias + j);
      store4(outr + j, select_or_zero(v > zero, v));
    }
    for (; j < cols; j++) {
      float v = xr[j] + bias[j];
      outr[j] = v > 0.0f ? v : 0.0f;
    }
  }
  return NULL;
}

/* reluForward(x, out): x > 0 ? x : 0, as the reference (NaN and -0 become +0). */
static napi_value relu_forward(napi_env env, napi_callback_info info) {
  ARGS(2);
  FLOATS(0, x);
  FLOATS(1, out);
  const v4f zero = {0.0f, 0.0f, 0.0f, 0.0f};
  size_t i = 0;
  for (; i + 4 <= x_length; i += 4) {
    v4f v = load4(x + i);
    store4(out + i, select_or_zero(v > zero, v));
  }
  for (; i < x_length; i++) {
    float v = x[i];
    out[i] = v > 0.0f ? v : 0.0f;
  }
  return NULL;
}

/* reluBackward(y, gradOut, gradIn) */
static napi_value relu_backward(napi_env env, napi_callback_info info) {
  ARGS(3);
  FLOATS(0, y);
  FLOATS(1, grad_out);
  FLOATS(2, grad_in);
  const v4f zero = {0.0f, 0.0f, 0.0f, 0.0f};
  size_t i = 0;
  for (; i + 4 <= y_length; i += 4) store4(grad_in + i, select_or_zero(load4(y + i) > zero, load4(grad_out + i)));
  for (; i < y_length; i++) {
    float g = grad_out[i];
    grad_in[i] = y[i] > 0.0f ? g : 0.0f;
  }
  return NULL;
}

/* out[j] = beta == 0 ? 0 : out[j] * beta, the start of a bias-gradient sum. */
static void scale_sums(float *out, int cols, float beta) {
  for (int j = 0; j < cols; j++) out[j] = beta == 0.0f ? 0.0f : out[j] * beta;
}

/* sumRows(x, rows, cols, beta, out): rows summed in order, so results are deterministic. */
static napi_value sum_rows(napi_env env, napi_callback_info info) {
  ARGS(5);
  FLOATS(0, x);
  INT(1, rows);
  INT(2, cols);
  NUMBER(3, beta_d);
  FLOATS(4, out);
  scale_sums(out, cols, (float)beta_d);
  for (int i = 0; i < rows; i++) {
    const float *xr = x + (size_t)i * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4) store4(out + j, load4(out + j) + load4(xr + j));
    for (; j < cols; j++) out[j] += xr[j];
  }
  return NULL;
}

/* reluBackwardSumRows(y, gradOut, rows, cols, gradIn, beta, biasGrad): reluBackward, then
   sumRows of the result into biasGrad, in one pass over the rows (same arithmetic as the two). */
static napi_value relu_backward_sum_rows(napi_env env, napi_callback_info info) {
  ARGS(7);
  FLOATS(0, y);
  FLOATS(1, grad_out);
  INT(2, rows);
  INT(3, cols);
  FLOATS(4, grad_in);
  NUMBER(5, beta_d);
  FLOATS(6, bias_grad);
  scale_sums(bias_grad, cols, (float)beta_d);
  const v4f zero = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int i = 0; i < rows; i++) {
    const float *yr = y + (size_t)i * cols;
    const float *gor = grad_out + (size_t)i * cols;
    float *gir = grad_in + (size_t)i * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4) {
      v4f g = select_or_zero(load4(yr + j) > zero, load4(gor + j));
      store4(gir + j, g);
      store4(bias_grad + j, load4(bias_grad + j) + g);
    }
    for (; j < cols; j++) {
      float g = gor[j];
      g = yr[j] > 0.0f ? g : 0.0f;
      gir[j] = g;
      bias_grad[j] += g;
    }
  }
  return NULL;
}

/* adamUpdate(param, grad, m, v, beta1, beta2, eps, weightDecay, stepSize, sqrtBc2): the
   torch.optim.Adam step; the caller folds the bias corrections into stepSize and invSqrtBc2. */
static napi_value adam_update(napi_env env, napi_callback_info info) {
  ARGS(12);
  FLOATS(0, param);
  FLOATS(1, grad);
  FLOATS(2, m);
  FLOATS(3, v);
  NUMBER(4, beta1_d);
  NUMBER(5, one_minus_beta1_d);
  NUMBER(6, beta2_d);
  NUMBER(7, one_minus_beta2_d);
  NUMBER(8, eps_d);
  NUMBER(9, weight_decay_d);
  NUMBER(10, step_size_d);
  NUMBER(11, sqrt_bc2_d);
  float beta1 = (float)beta1_d, beta2 = (float)beta2_d, eps = (float)eps_d;
  float one_minus_beta1 = (float)one_minus_beta1_d, one_minus_beta2 = (float)one_minus_beta2_d;
  float weight_decay = (float)weight_decay_d, step_size = (float)step_size_d;
  float sqrt_bc2 = (float)sqrt_bc2_d;
  const v4f vb1 = {beta1, beta1, beta1, beta1}, vb1c = {one_minus_beta1, one_minus_beta1, one_minus_beta1, one_minus_beta1};
  const v4f vb2 = {beta2, beta2, beta2, beta2}, vb2c = {one_minus_beta2, one_minus_beta2, one_minus_beta2, one_minus_beta2};
  const v4f veps = {eps, eps, eps, eps}, vwd = {weight_decay, weight_decay, weight_decay, weight_decay};
  const v4f vstep = {step_size, step_size, step_size, step_size}, vbc2 = {sqrt_bc2, sqrt_bc2, sqrt_bc2, sqrt_bc2};
  size_t i = 0;
  for (; i + 4 <= param_length; i += 4) {
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
  for (; i < param_length; i++) {
    float p = param[i];
    float g = grad[i] + weight_decay * p;
    float mi = beta1 * m[i] + one_minus_beta1 * g;
    float vi = beta2 * v[i] + one_minus_beta2 * (g * g);
    m[i] = mi;
    v[i] = vi;
    param[i] = p - (step_size * mi) / (sqrtf(vi) / sqrt_bc2 + eps);
  }
  return NULL;
}

/* polyakUpdate(target, source, keep, tau): keep = 1 - tau, computed in float64 by the caller. */
static napi_value polyak_update(napi_env env, napi_callback_info info) {
  ARGS(4);
  FLOATS(0, target);
  FLOATS(1, source);
  NUMBER(2, keep_d);
  NUMBER(3, tau_d);
  float keep = (float)keep_d, tau = (float)tau_d;
  const v4f vkeep = {keep, keep, keep, keep}, vtau = {tau, tau, tau, tau};
  size_t i = 0;
  for (; i + 4 <= target_length; i += 4) store4(target + i, vkeep * load4(target + i) + vtau * load4(source + i));
  for (; i < target_length; i++) target[i] = keep * target[i] + tau * source[i];
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"loadBlas", NULL, load_blas, NULL, NULL, NULL, napi_default, NULL},
      {"blasInfo", NULL, blas_info, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
      {"addBiasRows", NULL, add_bias_rows, NULL, NULL, NULL, napi_default, NULL},
      {"addBiasRelu", NULL, add_bias_relu, NULL, NULL, NULL, napi_default, NULL},
      {"reluBackwardSumRows", NULL, relu_backward_sum_rows, NULL, NULL, NULL, napi_default, NULL},
      {"reluForward", NULL, relu_forward, NULL, NULL, NULL, napi_default, NULL},
      {"reluBackward", NULL, relu_backward, NULL, NULL, NULL, napi_default, NULL},
      {"sumRows", NULL, sum_rows, NULL, NULL, NULL, napi_default, NULL},
      {"adamUpdate", NULL, adam_update, NULL, NULL, NULL, napi_default, NULL},
      {"polyakUpdate", NULL, polyak_update, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok)
    return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
