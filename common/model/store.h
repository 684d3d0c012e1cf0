/* Private to common/model/: where a dump's memory lives (gl_dump.store_):
 * one arena for its stacks, frames and strings, the string pool that makes
 * equal strings one copy, and the lookup tables of gl_dump_goroutine,
 * gl_dump_chan and gl_dump_context. Every reader fills it through the
 * builder (build.h); gl_dump_free releases it. */
#ifndef GOLEASH_MODEL_STORE_H
#define GOLEASH_MODEL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/u64_map.h"

/* Byte strings by content: open addressing, at most half full. A slot is
 * 16 bytes, half what it was: on 500,000 goroutines with distinct stacks
 * the names' table (2 million slots) is 34 MB at the report's peak instead
 * of 67. A value, where a table needs one, is kept with the key (build.c). */
typedef struct gl_blob_slot {
    uint32_t hash;       /* the hash's low 32 bits: its place, and a first compare */
    uint32_t len;
    const char *key;     /* NULL: empty */
} gl_blob_slot;

/* The longest key a table holds. */
#define GL_BLOB_MAX_LEN UINT32_MAX

typedef struct gl_blob_table {
    gl_blob_slot *slots;
    size_t mask, n;
} gl_blob_table;

uint64_t gl_blob_hash(const void *p, size_t n);
/* The slot holding key, or the empty slot where it belongs (key NULL). The
 * table must have slots (gl_blob_grow once); len at most GL_BLOB_MAX_LEN. */
gl_blob_slot *gl_blob_find(gl_blob_table *t, uint64_t hash, const void *key, size_t len);
/* After an empty slot was filled: keeps the table half empty. -1 when out
 * of memory (the entry stays; later finds still work). */
int gl_blob_added(gl_blob_table *t);
int gl_blob_grow(gl_blob_table *t);

typedef struct gl_dump_store {
    gl_arena mem;
    gl_blob_table strings;
    gl_u64_map goroutines;   /* id -> position, ids filed by their reader */
    gl_u64_map chans;        /* address -> position */
    gl_u64_map contexts;     /* address -> position */
    gl_u64_map locks;        /* address -> position */
} gl_dump_store;

/* A NUL-terminated copy of s[0, len) in the store, shared by equal strings.
 * NULL when out of memory. */
const char *gl_store_intern(gl_dump_store *st, const char *s, size_t len);

#endif
