/* A tiny fork-join pool for the native kernels: a task is split into pieces, which the calling
   thread and the awake workers claim one at a time. See thread_pool.c. */
#ifndef MTRL_THREAD_POOL_H
#define MTRL_THREAD_POOL_H

#include <stdbool.h>

/* At most this many threads take part in one task (the caller plus workers). */
#define POOL_MAX_THREADS 8

/* Computes piece `part` of `parts` of the task described by `arguments`; any thread may run any
   piece, so a piece's result must depend only on (part, parts). */
typedef void (*pool_task)(const void *arguments, int part, int parts);

/* Uses `threads` threads (clamped to 1..POOL_MAX_THREADS), starting workers as needed; returns
   the number actually available (fewer if a thread could not be created). */
int pool_configure(int threads);

/* Threads a task may be split over (callers size their pieces by it). */
int pool_threads(void);

/* Runs pieces 0..parts-1 of `task` (parts < 65536, any number relative to the threads) and returns
   when all are done. Workers that are not running take no piece, so the caller never waits for a
   descheduled thread unless it had already claimed a piece. If the workers are busy with another
   caller's task (another JS thread), runs every piece here, in order: the pieces compute the same
   values either way. */
void pool_run(pool_task task, const void *arguments, int parts);

/* Test hook: paused workers take no piece, as if another process had their cores (the caller then
   runs every piece; results are the same). */
void pool_pause_workers_for_test(bool paused);

#endif
