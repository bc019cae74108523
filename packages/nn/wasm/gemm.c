/*
 * Single-precision GEMM for WebAssembly SIMD128: C = alpha * op(A) op(B) + beta * C, row-major.
 *
 * Structure (Goto/BLIS): op(B) is packed into NR-wide column panels and op(A) into MR-high row
 * panels, both k-major, so one micro-kernel serves all four transpose combinations and reads
 * both operands with unit stride. The micro-kernel keeps an MR x NR block of C in registers.
 *
 * Why MR x NR = 4 x 8: V8 on x64 allocates at most 15 SIMD registers (xmm15 is its scratch).
 * 4 x 8 needs 8 accumulators + 2 B vectors + 1 broadcast A + 1 product = 12 registers, so
 * TurboFan never spills inside the k-loop. Measured (GFLOP/s at 128x400x400, Node 20, Zen 4):
 * 4x8 42, 2x16 40, 5x8 29, 4x12 27, 3x12 24, 6x8 24, 8x4 21 (before the addressing fix
 * below). Unrolling the k-loop (which lets clang hoist the next step's loads, raising register
 * pressure) costs 30-40%, so it is left rolled. Baseline SIMD128 has no fused multiply-add, so each k step is 8 mul + 8 add.
 *
 * Addressing: clang 14 emits `i32.add` for constant offsets such as pa+1..3 and pb+4 instead of
 * folding them into the load's offset immediate (it cannot prove the add does not wrap), and V8
 * then emits an extra instruction per load: a k step was ~28 x86 instructions for 16
 * multiply/adds, past the 6-wide dispatch, and the kernel ran at 76-78% of the mul+add ceiling.
 * Reading the packed panels through structs (a_step, b_step) with loop strength reduction off
 * folds every offset; measured 42 -> 47 GFLOP/s (85% of the 55 GFLOP/s ceiling), same arithmetic.
 *
 * Determinism: every element of C is reduced over k in the same order (k blocks of KC, in
 * order; within a block, sequential k in one SIMD lane) whatever MR/NR tile or thread computed
 * it. The JS layer splits work between threads by rows of C only, never along k, so results are
 * bit-identical for any thread count.
 *
 * No libc, no stack arrays, no globals: the caller passes a per-thread workspace (see
 * GEMM_WORKSPACE_FLOATS) so that two threads can run this code over one shared memory.
 */
#include <wasm_simd128.h>

#define MR 4
#define NR 8
/* Block sizes: a KC x NR panel of B (16 KiB) stays in L1 while the MR x KC panels of A stream
   from L2. Measured on the 128/1280 x 400 x 400 shapes, KC in 256..512, MC in 32..128 and NC in
   128..512 are all within 3% of each other; the micro-kernel shape is what matters. Whole
   reductions up to k = 512 stay in one pass, so C is written once. */
#define KC 512
#define MC 128
#define NC 512

#define EXPORT(name) __attribute__((export_name(#name)))

/* Packed A block + packed B panel + one MR x NR scratch tile for ragged edges. */
#define GEMM_WORKSPACE_FLOATS (MC * KC + KC * NC + MR * NR)

EXPORT(gemm_workspace_floats) int gemm_workspace_floats(void) { return GEMM_WORKSPACE_FLOATS; }

/* Packs rows [0, mc) x k-range [0, kc) of op(A) into MR-high panels: panel[p * MR + r]. */
static void pack_a(int trans, int mc, int kc, const float *a, int lda, float *packed) {
  for (int i = 0; i < mc; i += MR) {
    int rows = mc - i < MR ? mc - i : MR;
    float *dst = packed + i * kc;
    if (trans) {
      /* op(A)[i + r][p] = a[p * lda + i + r]: the MR values of one k step are contiguous. */
      const float *src = a + i;
      if (rows == MR) {
        for (int p = 0; p < kc; p++) wasm_v128_store(dst + p * MR, wasm_v128_load(src + p * lda));
      } else {
        for (int p = 0; p < kc; p++)
          for (int r = 0; r < MR; r++) dst[p * MR + r] = r < rows ? src[p * lda + r] : 0.0f;
      }
    } else {
      /* op(A)[i + r][p] = a[(i + r) * lda + p]: transpose 4 x 4 blocks with shuffles. */
      const float *src = a + i * lda;
      if (rows == MR) {
        const float *r0 = src, *r1 = src + lda, *r2 = src + 2 * lda, *r3 = src + 3 * lda;
        int p = 0;
        for (; p + 4 <= kc; p += 4) {
          v128_t x0 = wasm_v128_load(r0 + p), x1 = wasm_v128_load(r1 + p);
          v128_t x2 = wasm_v128_load(r2 + p), x3 = wasm_v128_load(r3 + p);
          v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5);
          v128_t t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
          v128_t t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7);
          v128_t t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
          wasm_v128_store(dst + (p + 0) * MR, wasm_i64x2_shuffle(t0, t1, 0, 2));
          wasm_v128_store(dst + (p + 1) * MR, wasm_i64x2_shuffle(t0, t1, 1, 3));
          wasm_v128_store(dst + (p + 2) * MR, wasm_i64x2_shuffle(t2, t3, 0, 2));
          wasm_v128_store(dst + (p + 3) * MR, wasm_i64x2_shuffle(t2, t3, 1, 3));
        }
        for (; p < kc; p++) {
          dst[p * MR + 0] = r0[p];
          dst[p * MR + 1] = r1[p];
          dst[p * MR + 2] = r2[p];
          dst[p * MR + 3] = r3[p];
        }
      } else {
        for (int p = 0; p < kc; p++)
          for (int r = 0; r < MR; r++) dst[p * MR + r] = r < rows ? src[r * lda + p] : 0.0f;
      }
    }
  }
}

/* Packs k-range [0, kc) x columns [0, nc) of op(B) into NR-wide panels: panel[p * NR + c]. */
static void pack_b(int trans, int kc, int nc, const float *b, int ldb, float *packed) {
  if (!trans) {
    /* op(B)[p][j + c] = b[p * ldb + j + c]: row by row, so each row of B is read as one
       contiguous stream (a column panel at a time would touch kc rows, each on its own page, for
       every 8 columns: with the convolutions' wide unfolded inputs, ldb is ~10^4-10^5 floats and
       that walk cost TLB misses on every load). The packed block stays in L2 meanwhile. */
    int full = nc / NR * NR;
    for (int p = 0; p < kc; p++) {
      const float *src = b + p * ldb;
      float *dst = packed + p * NR;
      for (int j = 0; j < full; j += NR) {
        wasm_v128_store(dst + j * kc, wasm_v128_load(src + j));
        wasm_v128_store(dst + j * kc + 4, wasm_v128_load(src + j + 4));
      }
      for (int c = 0; c < NR && full < nc; c++) dst[full * kc + c] = full + c < nc ? src[full + c] : 0.0f;
    }
    return;
  }
  for (int j = 0; j < nc; j += NR) {
    int cols = nc - j < NR ? nc - j : NR;
    float *dst = packed + j * kc;
    if (!trans) {
      /* op(B)[p][j + c] = b[p * ldb + j + c]: contiguous. */
      const float *src = b + j;
      if (cols == NR) {
        for (int p = 0; p < kc; p++) {
          wasm_v128_store(dst + p * NR, wasm_v128_load(src + p * ldb));
          wasm_v128_store(dst + p * NR + 4, wasm_v128_load(src + p * ldb + 4));
        }
      } else {
        for (int p = 0; p < kc; p++)
          for (int c = 0; c < NR; c++) dst[p * NR + c] = c < cols ? src[p * ldb + c] : 0.0f;
      }
    } else {
      /* op(B)[p][j + c] = b[(j + c) * ldb + p]: transpose 4 x 4 blocks, two per k quad. */
      const float *src = b + j * ldb;
      if (cols == NR) {
        int p = 0;
        for (; p + 4 <= kc; p += 4) {
          for (int half = 0; half < 2; half++) {
            const float *s = src + half * 4 * ldb + p;
            v128_t x0 = wasm_v128_load(s), x1 = wasm_v128_load(s + ldb);
            v128_t x2 = wasm_v128_load(s + 2 * ldb), x3 = wasm_v128_load(s + 3 * ldb);
            v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5);
            v128_t t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
            v128_t t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7);
            v128_t t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
            float *d = dst + p * NR + half * 4;
            wasm_v128_store(d + 0 * NR, wasm_i64x2_shuffle(t0, t1, 0, 2));
            wasm_v128_store(d + 1 * NR, wasm_i64x2_shuffle(t0, t1, 1, 3));
            wasm_v128_store(d + 2 * NR, wasm_i64x2_shuffle(t2, t3, 0, 2));
            wasm_v128_store(d + 3 * NR, wasm_i64x2_shuffle(t2, t3, 1, 3));
          }
        }
        for (; p < kc; p++)
          for (int c = 0; c < NR; c++) dst[p * NR + c] = src[c * ldb + p];
      } else {
        for (int p = 0; p < kc; p++)
          for (int c = 0; c < NR; c++) dst[p * NR + c] = c < cols ? src[c * ldb + p] : 0.0f;
      }
    }
  }
}

/* Writes one accumulated tile row: c = alpha * acc + (first ? beta * c : c), never reading c
   when first && beta == 0 (C may hold NaN then). */
static inline v128_t update(v128_t acc, const float *c, v128_t valpha, v128_t vbeta, int mode) {
  v128_t scaled = wasm_f32x4_mul(acc, valpha);
  if (mode == 0) return scaled;                                              /* C = alpha AB */
  if (mode == 1) return wasm_f32x4_add(wasm_v128_load(c), scaled);          /* C += alpha AB */
  return wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(c), vbeta), scaled);  /* general beta */
}

/* One k step of the packed panels, as structs: clang 14 folds a struct field's constant offset
   into the load's offset immediate (an inbounds field offset cannot wrap), which it does not do
   for pa + 1 ... pa + 3 on a float pointer. With loop strength reduction off (build flag
   -disable-lsr), the k-loop then loads at pa+0/4/8/12 and pb+0/16 from two incremented pointers:
   6 loads, 16 multiply/adds and 4 loop instructions per step instead of 6 more address adds. */
typedef struct { float r0, r1, r2, r3; } a_step;
typedef struct { v128_t lo, hi; } b_step;

/*
 * The MR x NR micro-kernel over one packed k-panel. `mode` 0: overwrite, 1: accumulate,
 * 2: scale C by beta first. Ragged tiles (rows < MR or cols < NR) go through `tile`.
 */
static void micro_kernel(int kc, const float *restrict packed_a, const float *restrict packed_b,
                         float *c, int ldc, int rows, int cols,
                         float alpha, float beta, int mode, float *tile) {
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const a_step *pa = (const a_step *)packed_a;
  const b_step *pb = (const b_step *)packed_b;
#pragma clang loop unroll(disable)
  for (const a_step *end = pa + kc; pa != end; pa++, pb++) {
    v128_t b0 = pb->lo, b1 = pb->hi;
    v128_t a;
    a = wasm_v128_load32_splat(&pa->r0);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(&pa->r1);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(&pa->r2);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(&pa->r3);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a, b1));
  }
  v128_t valpha = wasm_f32x4_splat(alpha), vbeta = wasm_f32x4_splat(beta);
  if (rows == MR && cols == NR) {
    float *c0 = c, *c1 = c + ldc, *c2 = c + 2 * ldc, *c3 = c + 3 * ldc;
    wasm_v128_store(c0, update(c00, c0, valpha, vbeta, mode));
    wasm_v128_store(c0 + 4, update(c01, c0 + 4, valpha, vbeta, mode));
    wasm_v128_store(c1, update(c10, c1, valpha, vbeta, mode));
    wasm_v128_store(c1 + 4, update(c11, c1 + 4, valpha, vbeta, mode));
    wasm_v128_store(c2, update(c20, c2, valpha, vbeta, mode));
    wasm_v128_store(c2 + 4, update(c21, c2 + 4, valpha, vbeta, mode));
    wasm_v128_store(c3, update(c30, c3, valpha, vbeta, mode));
    wasm_v128_store(c3 + 4, update(c31, c3 + 4, valpha, vbeta, mode));
    return;
  }
  /* Ragged edge: same arithmetic, element by element, so edge and interior round alike. */
  wasm_v128_store(tile + 0, c00); wasm_v128_store(tile + 4, c01);
  wasm_v128_store(tile + 8, c10); wasm_v128_store(tile + 12, c11);
  wasm_v128_store(tile + 16, c20); wasm_v128_store(tile + 20, c21);
  wasm_v128_store(tile + 24, c30); wasm_v128_store(tile + 28, c31);
  for (int r = 0; r < rows; r++) {
    for (int j = 0; j < cols; j++) {
      float scaled = tile[r * NR + j] * alpha;
      float *out = c + r * ldc + j;
      *out = mode == 0 ? scaled : mode == 1 ? *out + scaled : *out * beta + scaled;
    }
  }
}

/* c = alpha * acc + beta * c, reading c only when beta != 0 (it may hold NaN then). */
static inline float finish(float acc, float alpha, float beta, const float *c) {
  return beta == 0.0f ? acc * alpha : *c * beta + acc * alpha;
}

/*
 * Vector-shaped products, where packing into 4 x 8 tiles would waste most of the work (an MLP's
 * scalar output layer: forward X·wᵀ, its input gradient dz·w and weight gradient dzᵀ·X):
 *   n == 1 with op(A) rows contiguous: one dot product per row of C;
 *   m == 1 with op(B) rows contiguous: C's row accumulates alpha-free rows of op(B), 16 columns
 *   at a time in registers;
 *   k == 1: an outer product (the same arithmetic as the general path: acc = a * b).
 * Each element is reduced the same way whichever thread computes it (threads split C's rows or
 * columns, and these loops never depend on where a block starts).
 */
static int gemm_vector_shapes(int trans_a, int trans_b, int m, int n, int k, float alpha,
                              const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
  if (n == 1 && !trans_a) {
    int stride = trans_b ? 1 : ldb;
    for (int i = 0; i < m; i++) {
      const float *row = a + i * lda;
      float total;
      if (stride == 1) {
        v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p + 16 <= k; p += 16) {
          s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(row + p), wasm_v128_load(b + p)));
          s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(row + p + 4), wasm_v128_load(b + p + 4)));
          s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(row + p + 8), wasm_v128_load(b + p + 8)));
          s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(row + p + 12), wasm_v128_load(b + p + 12)));
        }
        v128_t s = wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3));
        total = (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) +
                (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
        for (; p < k; p++) total += row[p] * b[p];
      } else {
        total = 0.0f;
        for (int p = 0; p < k; p++) total += row[p] * b[p * stride];
      }
      c[i * ldc] = finish(total, alpha, beta, c + i * ldc);
    }
    return 1;
  }
  if (m == 1 && !trans_b) {
    int stride = trans_a ? lda : 1;
    int j = 0;
    v128_t valpha = wasm_f32x4_splat(alpha), vbeta = wasm_f32x4_splat(beta);
    for (; j + 16 <= n; j += 16) {
      v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
      for (int p = 0; p < k; p++) {
        v128_t x = wasm_v128_load32_splat(a + p * stride);
        const float *row = b + p * ldb + j;
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(x, wasm_v128_load(row)));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(x, wasm_v128_load(row + 4)));
        s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(x, wasm_v128_load(row + 8)));
        s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(x, wasm_v128_load(row + 12)));
      }
      int mode = beta == 0.0f ? 0 : 2;
      wasm_v128_store(c + j, update(s0, c + j, valpha, vbeta, mode));
      wasm_v128_store(c + j + 4, update(s1, c + j + 4, valpha, vbeta, mode));
      wasm_v128_store(c + j + 8, update(s2, c + j + 8, valpha, vbeta, mode));
      wasm_v128_store(c + j + 12, update(s3, c + j + 12, valpha, vbeta, mode));
    }
    for (; j < n; j++) {
      float total = 0.0f;
      for (int p = 0; p < k; p++) total += a[p * stride] * b[p * ldb + j];
      c[j] = finish(total, alpha, beta, c + j);
    }
    return 1;
  }
  if (k == 1) {
    for (int i = 0; i < m; i++) {
      float x = trans_a ? a[i] : a[i * lda];
      float *row = c + i * ldc;
      for (int j = 0; j < n; j++) row[j] = finish(x * (trans_b ? b[j * ldb] : b[j]), alpha, beta, row + j);
    }
    return 1;
  }
  return 0;
}

/*
 * C[m x n] = alpha * op(A) op(B) + beta * C. Pointers are byte offsets into linear memory.
 * `work` must hold GEMM_WORKSPACE_FLOATS floats and belong to the calling thread alone.
 */
EXPORT(gemm)
void gemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
          const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc,
          float *work) {
  if (m <= 0 || n <= 0) return;
  float *packed_a = work, *packed_b = work + MC * KC, *tile = packed_b + KC * NC;
  if (k <= 0) {
    /* Empty reduction: C = beta * C (and exactly 0 when beta == 0, even over NaN). */
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) c[i * ldc + j] = beta == 0.0f ? 0.0f : c[i * ldc + j] * beta;
    return;
  }
  if (gemm_vector_shapes(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) return;
  for (int jc = 0; jc < n; jc += NC) {
    int nc = n - jc < NC ? n - jc : NC;
    for (int pc = 0; pc < k; pc += KC) {
      int kc = k - pc < KC ? k - pc : KC;
      int mode = pc > 0 ? 1 : beta == 0.0f ? 0 : beta == 1.0f ? 1 : 2;
      const float *b_block = trans_b ? b + jc * ldb + pc : b + pc * ldb + jc;
      pack_b(trans_b, kc, nc, b_block, ldb, packed_b);
      for (int ic = 0; ic < m; ic += MC) {
        int mc = m - ic < MC ? m - ic : MC;
        const float *a_block = trans_a ? a + pc * lda + ic : a + ic * lda + pc;
        pack_a(trans_a, mc, kc, a_block, lda, packed_a);
        for (int jr = 0; jr < nc; jr += NR) {
          int cols = nc - jr < NR ? nc - jr : NR;
          for (int ir = 0; ir < mc; ir += MR) {
            int rows = mc - ir < MR ? mc - ir : MR;
            micro_kernel(kc, packed_a + ir * kc, packed_b + jr * kc,
                         c + (ic + ir) * ldc + jc + jr, ldc, rows, cols, alpha, beta, mode, tile);
          }
        }
      }
    }
  }
}
