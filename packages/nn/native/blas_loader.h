/* Finds a CBLAS at run time with dlopen, so the addon builds without BLAS headers or libraries
   and works with whichever BLAS the machine has (OpenBLAS, reference BLAS, MKL). */
#ifndef MTRL_BLAS_LOADER_H
#define MTRL_BLAS_LOADER_H

/* cblas_sgemm's ABI (LP64): enums are ints with the CBLAS values below. */
enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };
typedef void (*cblas_sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k,
                               float alpha, const float *a, int lda, const float *b, int ldb,
                               float beta, float *c, int ldc);

typedef struct {
  cblas_sgemm_fn sgemm;
  /* Optional OpenBLAS extras (NULL elsewhere). */
  void (*set_num_threads)(int);
  int (*get_num_threads)(void);
  char *(*get_corename)(void);
  const char *library; /* the name that dlopen accepted */
} blas_library;

/* Tries each name in turn; returns 0 and fills `out` on success, else -1 with a message in
   `error` listing every name tried and why it failed. */
int blas_load(const char *const *names, int count, blas_library *out, char *error, int error_size);

#endif
