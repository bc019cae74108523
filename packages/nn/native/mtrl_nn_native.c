/*
 * The native backend of @mtrl/nn, N-API glue: GEMM through a system CBLAS found at run time (see
 * blas_loader.c) and the elementwise kernels in C (kernels.c), over Float32Array data in place,
 * split over a small thread pool (thread_pool.c).
 *
 * Argument shapes and bounds are checked once in TypeScript (native-kernels.ts) before every
 * call; here we only check types, so a wrong call fails with a JS exception, never a crash.
 */
#define _DEFAULT_SOURCE /* posix_memalign, madvise */
#include <math.h>
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "blas_loader.h"
#include "conv_bindings.h"
#include "kernels.h"
#include "napi_args.h"
#include "thread_pool.h"

static blas_library blas;
static bool blas_loaded = false;
/* Whether GEMMs may be split over the pool: only when the BLAS can be pinned to one thread of
   its own (OpenBLAS); a BLAS without openblas_set_num_threads (MKL) threads itself. */
static bool gemm_split = false;

/* Uses `threads` threads for the kernels and pins OpenBLAS to one thread inside each block. */
static int configure_threads(int threads) {
  gemm_split = blas.set_num_threads != NULL;
  if (gemm_split) blas.set_num_threads(1);
  return pool_configure(threads);
}

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
  /* Threads default to what OpenBLAS would have used (its core count, or OPENBLAS_NUM_THREADS if
     the user set it); a later load keeps the count set since (setThreads is process-wide). */
  static bool configured = false;
  int threads = configured ? pool_threads() : blas.get_num_threads != NULL ? blas.get_num_threads() : 1;
  configure_threads(threads);
  configured = true;
  napi_value result;
  CHECK(env, napi_create_string_utf8(env, blas.library, NAPI_AUTO_LENGTH, &result));
  return result;
}

/* blasInfo(): { library, threads, core } — kernel threads (-1 when the BLAS threads its GEMMs
   itself) and OpenBLAS's kernel family ("" elsewhere). */
static napi_value blas_info(napi_env env, napi_callback_info info) {
  if (!blas_loaded) THROW(env, "mtrl_nn_native: loadBlas() first");
  napi_value result, library, threads, core;
  CHECK(env, napi_create_object(env, &result));
  CHECK(env, napi_create_string_utf8(env, blas.library, NAPI_AUTO_LENGTH, &library));
  CHECK(env, napi_create_int32(env, gemm_split ? pool_threads() : -1, &threads));
  const char *core_name = blas.get_corename != NULL ? blas.get_corename() : "";
  CHECK(env, napi_create_string_utf8(env, core_name != NULL ? core_name : "", NAPI_AUTO_LENGTH, &core));
  CHECK(env, napi_set_named_property(env, result, "library", library));
  CHECK(env, napi_set_named_property(env, result, "threads", threads));
  CHECK(env, napi_set_named_property(env, result, "core", core));
  return result;
}

/* setThreads(n): boolean — threads of the kernels (see kernels.c); false when the BLAS has no
   openblas_set_num_threads (it threads its GEMMs itself). Uses the library's call, never the
   OPENBLAS_* environment. */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  ARGS(1);
  INT(0, threads);
  if (blas_loaded && threads > 0) configure_threads(threads);
  bool supported = blas_loaded && threads > 0 && gemm_split;
  napi_value result;
  CHECK(env, napi_get_boolean(env, supported, &result));
  return result;
}

/* pauseWorkersForTest(paused): test hook, see pool_pause_workers_for_test. */
static napi_value pause_workers_for_test(napi_env env, napi_callback_info info) {
  ARGS(1);
  bool paused = false;
  CHECK(env, napi_get_value_bool(env, argv[0], &paused));
  pool_pause_workers_for_test(paused);
  return NULL;
}

static void free_aligned(napi_env env, void *data, void *hint) { free(data); }

/*
 * allocate(floats): a zeroed Float32Array over memory aligned to 2 MiB (large blocks; 64 bytes for
 * small ones), with transparent huge pages requested for large blocks (granted only where the
 * kernel has them; the dev VM did not). Ordinary typed arrays put the arena's blocks at addresses
 * that vary from run to run (malloc's), so cache-set and 4K-aliasing effects between parameter,
 * gradient and moment arrays varied too; aligned blocks give every run the same layout.
 */
static napi_value allocate(napi_env env, napi_callback_info info) {
  ARGS(1);
  NUMBER(0, floats_d);
  if (!(floats_d >= 0) || floats_d > 1e12) THROW(env, "mtrl_nn_native: allocate() needs a float count >= 0");
  size_t bytes = (size_t)floats_d * sizeof(float);
  size_t huge = (size_t)2 << 20;
  size_t alignment = bytes >= huge ? huge : 64;
  size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  if (rounded == 0) rounded = alignment;
  void *data = NULL;
  if (posix_memalign(&data, alignment, rounded) != 0 || data == NULL) THROW(env, "mtrl_nn_native: out of memory");
#ifdef MADV_HUGEPAGE
  if (alignment == huge) madvise(data, rounded, MADV_HUGEPAGE);
#endif
  memset(data, 0, rounded);
  napi_value buffer, array;
  if (napi_create_external_arraybuffer(env, data, rounded, free_aligned, NULL, &buffer) != napi_ok) {
    free(data);
    THROW(env, "mtrl_nn_native: napi_create_external_arraybuffer failed");
  }
  CHECK(env, napi_create_typedarray(env, napi_float32_array, (size_t)floats_d, buffer, 0, &array));
  return array;
}

/* The address range of a reservation, for its finalizer (the data pointer alone does not give the length). */
typedef struct {
  void *start;
  size_t bytes;
} reservation;

static void unmap_reservation(napi_env env, void *data, void *hint) {
  reservation *r = (reservation *)hint;
  munmap(r->start, r->bytes);
  free(r);
}

/*
 * reserve(floats): a Float32Array of `floats` zeros over address space only: the pages are
 * mapped without a commit charge (MAP_NORESERVE) and take memory when first written, so the
 * arena's step-scoped region can be one block that "grows" by handing out a longer view of the
 * same range, instead of a chain of blocks that each later phase of a step partly skips (that
 * waste was ~40% of a pixel update's step memory). Aligned to 2 MiB like allocate's large blocks.
 * Returns null where the kernel refuses the mapping (e.g. strict overcommit), so the caller falls
 * back to allocate.
 */
static napi_value reserve(napi_env env, napi_callback_info info) {
  ARGS(1);
  NUMBER(0, floats_d);
  /* Node makes no external ArrayBuffer over 4 GiB. */
  if (!(floats_d >= 1) || floats_d > 1073741824.0) THROW(env, "mtrl_nn_native: reserve() needs a float count in [1, 2^30]");
  size_t huge = (size_t)2 << 20;
  size_t bytes = ((size_t)floats_d * sizeof(float) + huge - 1) / huge * huge;
  size_t mapped = bytes + huge;
  char *base = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  napi_value result;
  if (base == MAP_FAILED) {
    CHECK(env, napi_get_null(env, &result));
    return result;
  }
  /* Trim the mapping to a 2 MiB-aligned range of `bytes`. */
  char *start = (char *)(((uintptr_t)base + huge - 1) / huge * huge);
  if (start > base) munmap(base, (size_t)(start - base));
  char *end = start + bytes;
  if (base + mapped > end) munmap(end, (size_t)(base + mapped - end));
  reservation *r = malloc(sizeof *r);
  if (r == NULL) {
    munmap(start, bytes);
    THROW(env, "mtrl_nn_native: out of memory");
  }
  r->start = start;
  r->bytes = bytes;
  napi_value buffer;
  /* On failure Node may already have run the finalizer (it does for buffers over its 4 GiB
     limit), so nothing is freed here: the bound above keeps this path unreachable. */
  CHECK(env, napi_create_external_arraybuffer(env, start, bytes, unmap_reservation, r, &buffer));
  CHECK(env, napi_create_typedarray(env, napi_float32_array, (size_t)floats_d, buffer, 0, &result));
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
  nn_gemm(&blas, gemm_split, trans_a, trans_b, m, n, k, (float)alpha, a, lda > min_lda ? lda : min_lda,
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
  nn_add_bias_rows(x, bias, rows, cols, out);
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
  nn_add_bias_relu(x, bias, rows, cols, out);
  return NULL;
}

/* reluForward(x, out): x > 0 ? x : 0, as the reference (NaN and -0 become +0). */
static napi_value relu_forward(napi_env env, napi_callback_info info) {
  ARGS(2);
  FLOATS(0, x);
  FLOATS(1, out);
  nn_relu_forward(x, x_length, out);
  return NULL;
}

/* affine(x, factor, offset, out): out = float32(x·factor + offset), computed in float64. */
static napi_value affine(napi_env env, napi_callback_info info) {
  ARGS(4);
  FLOATS(0, x);
  NUMBER(1, factor);
  NUMBER(2, offset);
  FLOATS(3, out);
  nn_affine(x, x_length, factor, offset, out);
  return NULL;
}

/* reluBackward(y, gradOut, gradIn) */
static napi_value relu_backward(napi_env env, napi_callback_info info) {
  ARGS(3);
  FLOATS(0, y);
  FLOATS(1, grad_out);
  FLOATS(2, grad_in);
  nn_relu_backward(y, grad_out, y_length, grad_in);
  return NULL;
}

/* sumRows(x, rows, cols, beta, out): rows summed in order, so results are deterministic. */
static napi_value sum_rows(napi_env env, napi_callback_info info) {
  ARGS(5);
  FLOATS(0, x);
  INT(1, rows);
  INT(2, cols);
  NUMBER(3, beta);
  FLOATS(4, out);
  nn_sum_rows(x, rows, cols, (float)beta, out);
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
  NUMBER(5, beta);
  FLOATS(6, bias_grad);
  nn_relu_backward_sum_rows(y, grad_out, rows, cols, grad_in, (float)beta, bias_grad);
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
  NUMBER(4, beta1);
  NUMBER(5, one_minus_beta1);
  NUMBER(6, beta2);
  NUMBER(7, one_minus_beta2);
  NUMBER(8, eps);
  NUMBER(9, weight_decay);
  NUMBER(10, step_size);
  NUMBER(11, sqrt_bc2);
  nn_adam_update(param, grad, m, v, param_length, (float)beta1, (float)one_minus_beta1, (float)beta2,
                 (float)one_minus_beta2, (float)eps, (float)weight_decay, (float)step_size, (float)sqrt_bc2);
  return NULL;
}

/* polyakUpdate(target, source, keep, tau): keep = 1 - tau, computed in float64 by the caller. */
static napi_value polyak_update(napi_env env, napi_callback_info info) {
  ARGS(4);
  FLOATS(0, target);
  FLOATS(1, source);
  NUMBER(2, keep);
  NUMBER(3, tau);
  nn_polyak_update(target, source, target_length, (float)keep, (float)tau);
  return NULL;
}

/* mixRows(transW, groupsOut, groupsIn, rows, features, weights, y, beta, out): one call for the
   per-row products of mixGroups (forward, and the input gradient with transW). */
static napi_value mix_rows(napi_env env, napi_callback_info info) {
  ARGS(9);
  BOOL(0, trans_w);
  INT(1, groups_out);
  INT(2, groups_in);
  INT(3, rows);
  INT(4, features);
  FLOATS(5, weights);
  FLOATS(6, y);
  NUMBER(7, beta);
  FLOATS(8, out);
  nn_mix_rows(trans_w, groups_out, groups_in, rows, features, weights, y, (float)beta, out);
  return NULL;
}

/* mixRowsWeightGrad(groupsOut, groupsIn, rows, features, dOut, y, beta, dWeights) */
static napi_value mix_rows_weight_grad(napi_env env, napi_callback_info info) {
  ARGS(8);
  INT(0, groups_out);
  INT(1, groups_in);
  INT(2, rows);
  INT(3, features);
  FLOATS(4, d_out);
  FLOATS(5, y);
  NUMBER(6, beta);
  FLOATS(7, d_weights);
  nn_mix_rows_weight_grad(groups_out, groups_in, rows, features, d_out, y, (float)beta, d_weights);
  return NULL;
}

/* filmForward(rows, features, width, offset, relu, x, gammaBeta, rowIndex | null, out) */
static napi_value film_forward(napi_env env, napi_callback_info info) {
  ARGS(9);
  INT(0, rows);
  INT(1, features);
  INT(2, width);
  INT(3, offset);
  BOOL(4, relu);
  FLOATS(5, x);
  FLOATS(6, gamma_beta);
  OPTIONAL_INTS(7, row_index);
  FLOATS(8, out);
  (void)row_index_given; /* no rows to read when an empty index has no data */
  nn_film_forward(rows, features, width, offset, relu, x, gamma_beta, row_index, out);
  return NULL;
}

/* filmBackward(rows, features, gammaRows, width, offset, relu, x, gammaBeta, rowIndex | null, out,
   gradOut, betaX, gradX | null, betaGammaBeta, gradGammaBeta | null) */
static napi_value film_backward(napi_env env, napi_callback_info info) {
  ARGS(15);
  INT(0, rows);
  INT(1, features);
  INT(2, gamma_rows);
  INT(3, width);
  INT(4, offset);
  BOOL(5, relu);
  FLOATS(6, x);
  FLOATS(7, gamma_beta);
  OPTIONAL_INTS(8, row_index);
  FLOATS(9, out);
  FLOATS(10, grad_out);
  NUMBER(11, beta_x);
  OPTIONAL_FLOATS(12, grad_x);
  NUMBER(13, beta_gb);
  OPTIONAL_FLOATS(14, grad_gamma_beta);
  nn_film_backward(rows, features, gamma_rows, width, offset, relu, x, gamma_beta, row_index_given, row_index, out, grad_out,
                   (float)beta_x, grad_x, (float)beta_gb, grad_gamma_beta);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"loadBlas", NULL, load_blas, NULL, NULL, NULL, napi_default, NULL},
      {"blasInfo", NULL, blas_info, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"pauseWorkersForTest", NULL, pause_workers_for_test, NULL, NULL, NULL, napi_default, NULL},
      {"allocate", NULL, allocate, NULL, NULL, NULL, napi_default, NULL},
      {"reserve", NULL, reserve, NULL, NULL, NULL, napi_default, NULL},
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
      {"addBiasRows", NULL, add_bias_rows, NULL, NULL, NULL, napi_default, NULL},
      {"addBiasRelu", NULL, add_bias_relu, NULL, NULL, NULL, napi_default, NULL},
      {"reluBackwardSumRows", NULL, relu_backward_sum_rows, NULL, NULL, NULL, napi_default, NULL},
      {"reluForward", NULL, relu_forward, NULL, NULL, NULL, napi_default, NULL},
      {"affine", NULL, affine, NULL, NULL, NULL, napi_default, NULL},
      {"reluBackward", NULL, relu_backward, NULL, NULL, NULL, napi_default, NULL},
      {"sumRows", NULL, sum_rows, NULL, NULL, NULL, napi_default, NULL},
      {"adamUpdate", NULL, adam_update, NULL, NULL, NULL, napi_default, NULL},
      {"polyakUpdate", NULL, polyak_update, NULL, NULL, NULL, napi_default, NULL},
      {"mixRows", NULL, mix_rows, NULL, NULL, NULL, napi_default, NULL},
      {"mixRowsWeightGrad", NULL, mix_rows_weight_grad, NULL, NULL, NULL, napi_default, NULL},
      {"filmForward", NULL, film_forward, NULL, NULL, NULL, napi_default, NULL},
      {"filmBackward", NULL, film_backward, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok)
    return NULL;
  if (nn_define_conv_bindings(env, exports) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
