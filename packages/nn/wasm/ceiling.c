/*
 * Measures this machine's SIMD128 ceiling for the benchmark, so GEMM speed can be reported as a
 * fraction of what WebAssembly can reach here rather than of a nominal CPU peak.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/*
 * Register-only multiply/add loop used by the benchmark to measure this machine's SIMD128
 * ceiling: 12 independent mul -> add chains, as many as V8 keeps in registers, enough to hide
 * latency so only the mul and add throughputs bound it. Returns a value so nothing is elided.
 * Performs 12 chains * 8 flops (4 lanes * (mul + add)) = 96 flops per iteration.
 */
EXPORT(simd_peak)
float simd_peak(int iterations, float scale, float shift) {
  v128_t s = wasm_f32x4_splat(scale), t = wasm_f32x4_splat(shift);
  v128_t x0 = wasm_f32x4_splat(0.1f), x1 = wasm_f32x4_splat(0.2f), x2 = wasm_f32x4_splat(0.3f);
  v128_t x3 = wasm_f32x4_splat(0.4f), x4 = wasm_f32x4_splat(0.5f), x5 = wasm_f32x4_splat(0.6f);
  v128_t x6 = wasm_f32x4_splat(0.7f), x7 = wasm_f32x4_splat(0.8f), x8 = wasm_f32x4_splat(0.9f);
  v128_t x9 = wasm_f32x4_splat(1.1f), x10 = wasm_f32x4_splat(1.2f), x11 = wasm_f32x4_splat(1.3f);
  for (int i = 0; i < iterations; i++) {
    x0 = wasm_f32x4_add(wasm_f32x4_mul(x0, s), t);
    x1 = wasm_f32x4_add(wasm_f32x4_mul(x1, s), t);
    x2 = wasm_f32x4_add(wasm_f32x4_mul(x2, s), t);
    x3 = wasm_f32x4_add(wasm_f32x4_mul(x3, s), t);
    x4 = wasm_f32x4_add(wasm_f32x4_mul(x4, s), t);
    x5 = wasm_f32x4_add(wasm_f32x4_mul(x5, s), t);
    x6 = wasm_f32x4_add(wasm_f32x4_mul(x6, s), t);
    x7 = wasm_f32x4_add(wasm_f32x4_mul(x7, s), t);
    x8 = wasm_f32x4_add(wasm_f32x4_mul(x8, s), t);
    x9 = wasm_f32x4_add(wasm_f32x4_mul(x9, s), t);
    x10 = wasm_f32x4_add(wasm_f32x4_mul(x10, s), t);
    x11 = wasm_f32x4_add(wasm_f32x4_mul(x11, s), t);
  }
  v128_t sum = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(x0, x1), wasm_f32x4_add(x2, x3)),
                              wasm_f32x4_add(wasm_f32x4_add(x4, x5), wasm_f32x4_add(x6, x7)));
  sum = wasm_f32x4_add(sum, wasm_f32x4_add(wasm_f32x4_add(x8, x9), wasm_f32x4_add(x10, x11)));
  return wasm_f32x4_extract_lane(sum, 0) + wasm_f32x4_extract_lane(sum, 1) +
         wasm_f32x4_extract_lane(sum, 2) + wasm_f32x4_extract_lane(sum, 3);
}
