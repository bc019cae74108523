/*
 * Multi-threaded GEMM over a single-threaded BLAS.
 *
 * Why not the BLAS's own threads: measured on the 2-core dev machine with OpenBLAS 0.3.21, its
 * 2-thread sgemm reached only 1.5-1.9x on 1280x400x400 and was 1.2-4x *slower* than one thread on
 * the thin shapes of an MLP (1280x400x53, 1280x8x400: the first and last layers), while splitting
 * C in two halves computed by two single-threaded calls ran 1.95-2.05x faster on every shape.
 * OpenBLAS's threaded path also gives different bits from its single-threaded one (for
 * 1280x400x400 and others), whereas our split does not (checked on the SAC shapes: each element
 * of C is reduced over k the same way whichever block computes it, as long as blocks start on
 * multiples of the micro-kernel's tile), so thread count does not change results.
 *
 * Protocol: one job slot and two sequence numbers per worker. The caller fills the slot, bumps
 * `request` (and wakes the worker if it sleeps), computes block 0 itself, then waits for every
 * worker's `done` to reach the request. A worker spins briefly after each job (the next GEMM of a
 * training step usually follows within microseconds), then sleeps on a condition variable.
 * Only one GEMM at a time uses the workers; a concurrent caller (another JS thread) computes its
 * GEMM alone instead of waiting.
 */
#define _POSIX_C_SOURCE 200809L

#include "gemm_threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

/* Block boundaries fall on multiples of this many rows/columns of C: a multiple of the BLAS
   micro-kernels' tile sizes (OpenBLAS sgemm tiles are 4..16 wide), so a block computes its
   elements exactly as one whole call would. */
#define BLOCK_ALIGN 16
/* GEMMs below this many multiply-adds stay on the calling thread. */
#define MIN_SPLIT_MACS 65536.0
/* How long an idle worker spins for the next job before sleeping. */
#define WORKER_SPIN_NS 1000000L

typedef struct {
  bool trans_a, trans_b;
  int m, n, k;
  float alpha, beta;
  const float *a, *b;
  float *c;
  int lda, ldb, ldc;
} gemm_job;

typedef struct {
  pthread_t thread;
  bool started;
  const blas_library *blas;
  gemm_job job;
  atomic_int request;
  atomic_int done;
  atomic_int sleeping;
  pthread_mutex_t mutex;
  pthread_cond_t wake;
} gemm_worker;

static gemm_worker workers[GEMM_MAX_THREADS - 1];
static int thread_count = 1;
static bool splitting_allowed = false;
static atomic_flag in_use = ATOMIC_FLAG_INIT;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void run_job(const blas_library *blas, const gemm_job *job) {
  blas->sgemm(CBLAS_ROW_MAJOR, job->trans_a ? CBLAS_TRANS : CBLAS_NO_TRANS,
              job->trans_b ? CBLAS_TRANS : CBLAS_NO_TRANS, job->m, job->n, job->k, job->alpha,
              job->a, job->lda, job->b, job->ldb, job->beta, job->c, job->ldc);
}

static void *worker_main(void *argument) {
  gemm_worker *worker = argument;
  int seen = atomic_load(&worker->request);
  for (;;) {
    int request = atomic_load(&worker->request);
    long long deadline = now_ns() + WORKER_SPIN_NS;
    for (int spins = 0; request == seen; spins++) {
      cpu_relax();
      if ((spins & 255) == 255 && now_ns() > deadline) {
        pthread_mutex_lock(&worker->mutex);
        atomic_store(&worker->sleeping, 1);
        while ((request = atomic_load(&worker->request)) == seen) pthread_cond_wait(&worker->wake, &worker->mutex);
        atomic_store(&worker->sleeping, 0);
        pthread_mutex_unlock(&worker->mutex);
        break;
      }
      request = atomic_load(&worker->request);
    }
    seen = request;
    run_job(worker->blas, &worker->job);
    atomic_store(&worker->done, request);
  }
  return NULL;
}

/* Starts workers 0..count-1 that are not running yet; returns how many run. */
static int start_workers(const blas_library *blas, int count) {
  for (int i = 0; i < count; i++) {
    gemm_worker *worker = &workers[i];
    if (worker->started) continue;
    worker->blas = blas;
    atomic_init(&worker->request, 0);
    atomic_init(&worker->done, 0);
    atomic_init(&worker->sleeping, 0);
    if (pthread_mutex_init(&worker->mutex, NULL) != 0) return i;
    if (pthread_cond_init(&worker->wake, NULL) != 0) return i;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    int failed = pthread_create(&worker->thread, &attributes, worker_main, worker);
    pthread_attr_destroy(&attributes);
    if (failed != 0) return i;
    worker->started = true;
  }
  return count;
}

bool gemm_threads_configure(const blas_library *blas, int threads) {
  if (blas->set_num_threads == NULL) {
    splitting_allowed = false;
    thread_count = 1;
    return false;
  }
  blas->set_num_threads(1);
  if (threads < 1) threads = 1;
  if (threads > GEMM_MAX_THREADS) threads = GEMM_MAX_THREADS;
  thread_count = 1 + start_workers(blas, threads - 1);
  splitting_allowed = thread_count > 1;
  return true;
}

int gemm_threads_count(void) { return thread_count; }

static void post(gemm_worker *worker, const gemm_job *job, int request) {
  worker->job = *job;
  atomic_store(&worker->request, request);
  if (atomic_load(&worker->sleeping)) {
    pthread_mutex_lock(&worker->mutex);
    pthread_cond_signal(&worker->wake);
    pthread_mutex_unlock(&worker->mutex);
  }
}

static void wait_for(gemm_worker *worker, int request) {
  for (int spins = 0; atomic_load(&worker->done) != request; spins++) {
    /* The worker may have been preempted on a busy machine: let it have our core. */
    if (spins > 4096) sched_yield();
    else cpu_relax();
  }
}

void gemm_threads_sgemm(const blas_library *blas, bool trans_a, bool trans_b, int m, int n, int k,
                        float alpha, const float *a, int lda, const float *b, int ldb, float beta,
                        float *c, int ldc) {
  gemm_job whole = {trans_a, trans_b, m, n, k, alpha, beta, a, b, c, lda, ldb, ldc};
  /* Split the larger of C's dimensions; a vector (m or n = 1) goes to the BLAS's GEMV-like path,
     whose rounding depends on the length, so it is never split. */
  bool by_rows = m >= n;
  int length = by_rows ? m : n;
  int threads = thread_count;
  if (!splitting_allowed || m == 1 || n == 1 || (double)m * n * k < MIN_SPLIT_MACS || length < 2 * BLOCK_ALIGN ||
      atomic_flag_test_and_set(&in_use)) {
    run_job(blas, &whole);
    return;
  }
  int per_thread = (length + threads - 1) / threads;
  int block = (per_thread + BLOCK_ALIGN - 1) / BLOCK_ALIGN * BLOCK_ALIGN;
  int blocks = (length + block - 1) / block;
  int requests[GEMM_MAX_THREADS];
  for (int i = 1; i < blocks; i++) {
    int start = i * block;
    int size = length - start < block ? length - start : block;
    gemm_job part = whole;
    if (by_rows) {
      part.m = size;
      part.a = trans_a ? a + start : a + (size_t)start * lda;
      part.c = c + (size_t)start * ldc;
    } else {
      part.n = size;
      part.b = trans_b ? b + (size_t)start * ldb : b + start;
      part.c = c + start;
    }
    gemm_worker *worker = &workers[i - 1];
    requests[i] = (int)((unsigned)atomic_load(&worker->request) + 1u); /* wraps, never overflows */
    post(worker, &part, requests[i]);
  }
  gemm_job own = whole;
  if (by_rows) own.m = block < m ? block : m;
  else own.n = block < n ? block : n;
  run_job(blas, &own);
  for (int i = 1; i < blocks; i++) wait_for(&workers[i - 1], requests[i]);
  atomic_flag_clear(&in_use);
}
