/*
 * Memory for futures, which a busy run makes and frees by the million (see
 * future_mem.c).  Internal to the runtime: future.c is its one caller.
 */
#ifndef CV_FUTURE_MEM_H
#define CV_FUTURE_MEM_H

#include <stdbool.h>
#include <stddef.h>

/* Blocks this big or smaller come from the huge-page blocks; bigger ones
 * from malloc.  A future and the pool's queue node fit. */
#define CV_FUTURE_MEM_BLOCK 192

/* `bytes` of uninitialised memory aligned to 16 (to 64 for a block), or NULL; *pooled says
 * which kind it is, to be handed back to cv_future__free. */
void *cv_future__alloc(size_t bytes, bool *pooled);
/* Frees p (any thread may free what another allocated). */
void cv_future__free(void *p, bool pooled);

#endif
