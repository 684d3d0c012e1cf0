/* Memory handed out in 16-byte-aligned pieces from blocks and freed all at
 * once: everything a dump keeps besides its arrays (stacks, frames,
 * strings) lives and dies with the dump. Blocks start at 64 KiB and double
 * up to 1 MiB, so an input of many small dumps costs what they hold. */
#ifndef GOLEASH_UTIL_ARENA_H
#define GOLEASH_UTIL_ARENA_H

#include <stddef.h>

typedef struct gl_arena_block gl_arena_block;

typedef struct gl_arena {
    gl_arena_block *head;
    size_t next_block;   /* size of the next block, 0: the first */
} gl_arena;

/* n bytes (not zeroed), NULL when out of memory. */
void *gl_arena_alloc(gl_arena *a, size_t n);
/* n zeroed bytes. */
void *gl_arena_calloc(gl_arena *a, size_t n);
void gl_arena_free(gl_arena *a);

#endif
