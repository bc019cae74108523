/* A tiny fork-join pool for the native kernels: a task is split into parts, part 0 runs on the
   calling thread and part i on worker i - 1. See thread_pool.c. */
#ifndef MTRL_THREAD_POOL_H
#define MTRL_THREAD_POOL_H

#include <stdbool.h>

/* At most this many threads take part in one task (the caller plus workers). */
#define POOL_MAX_THREADS 8

/* Computes part `part` of `parts` of the task described by `arguments`. */
typedef void (*pool_task)(const void *arguments, int part, int parts);

/* Uses `threads` threads (clamped to 1..POOL_MAX_THREADS), starting workers as needed; returns
   the number actually available (fewer if a thread could not be created). */
int pool_configure(int threads);

/* Threads a task may be split over. */
int pool_threads(void);

/* Runs parts 0..parts-1 of `task` (parts <= pool_threads()) and returns when all are done. If the
   workers are busy with another caller's task (another JS thread), runs every part here, in order:
   the parts compute the same values either way. */
void pool_run(pool_task task, const void *arguments, int parts);

#endif
