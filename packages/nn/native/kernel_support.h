/*
 * What the native kernel files share: split thresholds, the 4-float vector type and its helpers,
 * and how work is cut into aligned parts for the thread pool (see kernels.c for why).
 */
#ifndef MTRL_NN_KERNEL_SUPPORT_H
#define MTRL_NN_KERNEL_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
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
static inline void part_range(size_t length, int part, int parts, size_t *begin, size_t *end) {
  size_t chunks = (length + ALIGN - 1) / ALIGN;
  size_t per_part = (chunks + (size_t)parts - 1) / (size_t)parts;
  *begin = (size_t)part * per_part * ALIGN;
  *end = *begin + per_part * ALIGN;
  if (*begin > length) *begin = length;
  if (*end > length) *end = length;
}

/* How many parts `floats` of elementwise work is worth. */
static inline int parts_for(size_t floats) { return floats >= MIN_SPLIT_FLOATS ? pool_threads() : 1; }

#endif
