/* Memory handed out in 16-byte-aligned pieces from 1 MiB blocks and freed all
 * at once: everything a dump keeps besides its arrays (stacks, frames,
 * strings) lives and dies with the dump. */
#ifndef GOLEASH_UTIL_ARENA_H
#define GOLEASH_UTIL_ARENA_H

#include <stddef.h>

typedef struct gl_arena_block gl_arena_block;

typedef struct gl_arena {
    gl_arena_block *head;
} gl_arena;

/* n bytes (not zeroed), NULL when out of memory. */
void *gl_arena_alloc(gl_arena *a, size_t n);
/* n zeroed bytes. */
void *gl_arena_calloc(gl_arena *a, size_t n);
void gl_arena_free(gl_arena *a);

#endif
