/* Multi-threaded GEMM over a single-threaded BLAS: C is split into row (or column) blocks, one
   per thread, each computed by an ordinary cblas_sgemm call. See gemm_threads.c for why. */
#ifndef MTRL_GEMM_THREADS_H
#define MTRL_GEMM_THREADS_H

#include <stdbool.h>

#include "blas_loader.h"

/* At most this many threads take part in one GEMM (the caller plus workers). */
#define GEMM_MAX_THREADS 8

/* Sets how many threads GEMMs use (clamped to 1..GEMM_MAX_THREADS) and pins the BLAS to one
   thread of its own. Without openblas_set_num_threads the BLAS threads itself (MKL) or is
   single-threaded anyway, and GEMMs are never split: returns false then. */
bool gemm_threads_configure(const blas_library *blas, int threads);

/* Threads a large GEMM uses. */
int gemm_threads_count(void);

/* C = alpha op(A) op(B) + beta C (row-major, as cblas_sgemm), split across threads when large
   enough; arguments already validated (m, n, k >= 1, leading dimensions legal). */
void gemm_threads_sgemm(const blas_library *blas, bool trans_a, bool trans_b, int m, int n, int k,
                        float alpha, const float *a, int lda, const float *b, int ldb, float beta,
                        float *c, int ldc);

#endif
