/*
 * Fork-join over persistent worker threads, for the native kernels (kernels.c splits GEMMs by
 * blocks of C and elementwise kernels by ranges; every part computes exactly what it would alone,
 * so results do not depend on the number of threads).
 *
 * Protocol: one task slot and two sequence numbers per worker. The caller fills the slot, bumps
 * `request` (waking the worker if it sleeps), runs part 0 itself, then waits until every worker's
 * `done` reaches its request. A worker spins for a while after each part — in a training step
 * the next kernel call follows within microseconds, and waking a sleeping thread costs tens of
 * microseconds in a VM — then sleeps on a condition variable. Only one task at a time uses the
 * workers; a concurrent caller runs its parts itself rather than wait.
 */
#define _POSIX_C_SOURCE 200809L

#include "thread_pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

/* How long an idle worker spins for the next part before sleeping. */
#define WORKER_SPIN_NS 1000000LL

typedef struct {
  bool started;
  pool_task task;
  const void *arguments;
  int part, parts;
  atomic_uint request;
  atomic_uint done;
  atomic_int sleeping;
  pthread_mutex_t mutex;
  pthread_cond_t wake;
} pool_worker;

static pool_worker workers[POOL_MAX_THREADS - 1];
static int thread_count = 1;
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

static void *worker_main(void *argument) {
  pool_worker *worker = argument;
  /* start_worker set request to 0 before creating this thread. Reading it here instead would miss
     a request made before this thread first ran (pool_configure then an immediate pool_run): the
     worker would wait for a second request and the caller for the first forever. */
  unsigned seen = 0;
  for (;;) {
    unsigned request = atomic_load(&worker->request);
    long long deadline = now_ns() + WORKER_SPIN_NS;
    for (int spins = 1; request == seen; spins++) {
      /* Pure spinning only briefly: if the host has taken the other core and this thread shares
         one with the caller, yielding lets the caller run instead of waiting out a time slice. */
      if (spins > 2048) sched_yield();
      else cpu_relax();
      if ((spins & 255) == 0 && now_ns() > deadline) {
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
    worker->task(worker->arguments, worker->part, worker->parts);
    atomic_store(&worker->done, request);
  }
  return NULL;
}

static bool start_worker(pool_worker *worker) {
  atomic_init(&worker->request, 0);
  atomic_init(&worker->done, 0);
  atomic_init(&worker->sleeping, 0);
  if (pthread_mutex_init(&worker->mutex, NULL) != 0) return false;
  if (pthread_cond_init(&worker->wake, NULL) != 0) return false;
  pthread_attr_t attributes;
  pthread_t thread;
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  int failed = pthread_create(&thread, &attributes, worker_main, worker);
  pthread_attr_destroy(&attributes);
  worker->started = failed == 0;
  return worker->started;
}

int pool_configure(int threads) {
  if (threads < 1) threads = 1;
  if (threads > POOL_MAX_THREADS) threads = POOL_MAX_THREADS;
  int available = 1;
  while (available < threads && (workers[available - 1].started || start_worker(&workers[available - 1]))) available++;
  thread_count = available;
  return available;
}

int pool_threads(void) { return thread_count; }

void pool_run(pool_task task, const void *arguments, int parts) {
  if (parts > thread_count) parts = thread_count;
  if (parts <= 1) {
    task(arguments, 0, 1);
    return;
  }
  if (atomic_flag_test_and_set(&in_use)) {
    for (int part = 0; part < parts; part++) task(arguments, part, parts);
    return;
  }
  unsigned requests[POOL_MAX_THREADS];
  for (int part = 1; part < parts; part++) {
    pool_worker *worker = &workers[part - 1];
    worker->task = task;
    worker->arguments = arguments;
    worker->part = part;
    worker->parts = parts;
    requests[part] = atomic_load(&worker->request) + 1u;
    atomic_store(&worker->request, requests[part]);
    if (atomic_load(&worker->sleeping)) {
      pthread_mutex_lock(&worker->mutex);
      pthread_cond_signal(&worker->wake);
      pthread_mutex_unlock(&worker->mutex);
    }
  }
  task(arguments, 0, parts);
  for (int part = 1; part < parts; part++) {
    pool_worker *worker = &workers[part - 1];
    for (int spins = 0; atomic_load(&worker->done) != requests[part]; spins++) {
      /* The worker may have been preempted on a busy machine: let it have this core. */
      if (spins > 256) sched_yield();
      else cpu_relax();
    }
  }
  atomic_flag_clear(&in_use);
}
