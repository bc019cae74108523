/*
 * Fork-join over persistent worker threads, for the native kernels (kernels.c splits GEMMs into
 * fixed blocks of C and elementwise kernels into ranges; every piece computes exactly what it
 * would alone, so results do not depend on which thread runs it, nor on how many threads there are).
 *
 * Pieces are claimed, not assigned. The caller publishes a job (task, arguments, number of pieces)
 * and then claims pieces itself, one after another, while awake workers claim the others. When a
 * worker is not running — asleep, or preempted because another process has the core — the caller
 * simply takes every piece: the job never waits for a thread that is not there. The caller only
 * waits for pieces a worker has claimed and not finished, spinning briefly and then sleeping on a
 * futex the worker wakes. This is what keeps two training processes on two cores, or a run beside
 * a busy neighbour, from collapsing: the old fixed assignment made every kernel wait for a
 * descheduled sibling, and workers that spun for a millisecond after each piece took the core the
 * other process needed.
 *
 * Idle workers spin for a short while (the next kernel of a training step follows within
 * microseconds, and waking a sleeping thread costs tens of microseconds in a VM), then sleep on a
 * futex. No wait is unbounded spinning. Only one job at a time uses the workers; a concurrent
 * caller (another JS thread) runs its pieces itself.
 *
 * The claim word packs the job's generation with the next unclaimed piece, so a worker that wakes
 * late cannot claim a piece of a job that has already finished and gone.
 */
#define _GNU_SOURCE

#include "thread_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* How long an idle worker spins for the next job before sleeping (MTRL_THREAD_SPIN_US overrides). */
#define DEFAULT_WORKER_SPIN_NS 100000LL
/* How long the caller spins for a worker's piece before sleeping. */
#define CALLER_SPIN_NS 200000LL

typedef struct {
  pool_task task;
  const void *arguments;
} pool_job;

static pool_job job;
/* (generation << 32) | (pieces << 16) | next unclaimed piece. */
static _Atomic uint64_t claims;
/* The current job's generation; idle workers sleep on it. */
static atomic_uint generation;
/* Pieces of the current job finished by workers; the caller sleeps on it. */
static atomic_uint finished_by_workers;
static atomic_int sleeping_workers;
/* Test hook: while 1, workers take no piece (as if another process had their cores). */
static atomic_uint workers_paused;
static atomic_int caller_sleeping;

static atomic_int thread_count = 1;
static int started_workers = 0;
static long long worker_spin_ns = DEFAULT_WORKER_SPIN_NS;
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

/* Sleeps while *word == expected (returns early on a wake-up, a signal or a spurious wake). */
static void wait_on(atomic_uint *word, unsigned expected) {
#ifdef __linux__
  syscall(SYS_futex, (unsigned *)word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
#else
  (void)word;
  (void)expected;
  struct timespec pause = {0, 50000};
  nanosleep(&pause, NULL);
#endif
}

static void wake(atomic_uint *word, int count) {
#ifdef __linux__
  syscall(SYS_futex, (unsigned *)word, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
#else
  (void)word;
  (void)count;
#endif
}

/* Spins until *word != value or `spin_ns` passed; returns whether it changed. */
static bool spin_while_equal(atomic_uint *word, unsigned value, long long spin_ns) {
  long long deadline = now_ns() + spin_ns;
  for (int spins = 1;; spins++) {
    if (atomic_load_explicit(word, memory_order_acquire) != value) return true;
    cpu_relax();
    if ((spins & 63) == 0 && now_ns() > deadline) return false;
  }
}

/* Claims and runs pieces of job `gen` until none is left; returns how many this thread ran. */
static unsigned run_pieces(unsigned gen) {
  unsigned ran = 0;
  uint64_t word = atomic_load(&claims);
  for (;;) {
    if ((unsigned)(word >> 32) != gen) return ran;
    int next = (int)(word & 0xffff), pieces = (int)((word >> 16) & 0xffff);
    if (next >= pieces) return ran;
    if (!atomic_compare_exchange_weak(&claims, &word, word + 1)) continue;
    /* The job cannot finish before this piece does, so its fields are still this generation's. */
    job.task(job.arguments, next, pieces);
    ran++;
    word = atomic_load(&claims);
  }
}

static void *worker_main(void *argument) {
  /* Worker i (from 1) takes part only while the pool is configured for more than i threads. */
  int index = (int)(intptr_t)argument;
  unsigned seen = atomic_load(&generation);
  for (;;) {
    if (!spin_while_equal(&generation, seen, worker_spin_ns)) {
      atomic_fetch_add(&sleeping_workers, 1);
      while (atomic_load(&generation) == seen) wait_on(&generation, seen);
      atomic_fetch_sub(&sleeping_workers, 1);
    }
    seen = atomic_load(&generation);
    if (index >= atomic_load(&thread_count)) continue;
    while (atomic_load(&workers_paused)) wait_on(&workers_paused, 1);
    unsigned ran = run_pieces(seen);
    if (ran == 0) continue;
    atomic_fetch_add(&finished_by_workers, ran);
    if (atomic_load(&caller_sleeping)) wake(&finished_by_workers, 1);
  }
  return NULL;
}

static bool start_worker(int index) {
  pthread_attr_t attributes;
  pthread_t thread;
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  int failed = pthread_create(&thread, &attributes, worker_main, (void *)(intptr_t)index);
  pthread_attr_destroy(&attributes);
  return failed == 0;
}

int pool_configure(int threads) {
  if (threads < 1) threads = 1;
  if (threads > POOL_MAX_THREADS) threads = POOL_MAX_THREADS;
  /* Validated in TypeScript (select.ts parseThreadSpin) before the addon loads. */
  const char *spin = getenv("MTRL_THREAD_SPIN_US");
  if (spin != NULL && *spin != '\0' && atoll(spin) >= 0) worker_spin_ns = atoll(spin) * 1000LL;
  /* Workers are shared by all jobs and never stopped: fewer threads only means smaller jobs. */
  while (started_workers < threads - 1 && start_worker(started_workers + 1)) started_workers++;
  thread_count = started_workers + 1 < threads ? started_workers + 1 : threads;
  return thread_count;
}

int pool_threads(void) { return thread_count; }

void pool_pause_workers_for_test(bool paused) {
  atomic_store(&workers_paused, paused ? 1u : 0u);
  if (!paused) wake(&workers_paused, POOL_MAX_THREADS);
}

void pool_run(pool_task task, const void *arguments, int pieces) {
  if (pieces <= 1 || thread_count <= 1 || atomic_flag_test_and_set(&in_use)) {
    for (int piece = 0; piece < pieces; piece++) task(arguments, piece, pieces);
    return;
  }
  job.task = task;
  job.arguments = arguments;
  atomic_store(&finished_by_workers, 0);
  unsigned gen = atomic_load(&generation) + 1u;
  atomic_store(&claims, ((uint64_t)gen << 32) | ((uint64_t)pieces << 16));
  atomic_store(&generation, gen);
  if (atomic_load(&sleeping_workers) > 0) wake(&generation, thread_count - 1);
  unsigned by_workers = (unsigned)pieces - run_pieces(gen);
  /* Wait for the pieces workers claimed: briefly spinning, then asleep until a worker wakes us. */
  long long deadline = now_ns() + CALLER_SPIN_NS;
  for (int spins = 1; atomic_load(&finished_by_workers) != by_workers; spins++) {
    cpu_relax();
    if ((spins & 63) == 0 && now_ns() > deadline) {
      atomic_store(&caller_sleeping, 1);
      unsigned finished;
      while ((finished = atomic_load(&finished_by_workers)) != by_workers) wait_on(&finished_by_workers, finished);
      atomic_store(&caller_sleeping, 0);
      break;
    }
  }
  atomic_flag_clear(&in_use);
}
