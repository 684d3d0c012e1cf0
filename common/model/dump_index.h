/* Private to the dump reader and the model lookups: the hash tables that make
 * gl_dump_goroutine/chan/context O(1), and the string pool every string of a
 * dump lives in (so frames can share names and are freed in one sweep). */
#ifndef GOLEASH_DUMP_INDEX_H
#define GOLEASH_DUMP_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <uthash.h>

struct gl_dump;

typedef struct gl_index_entry {
    uint64_t key;          /* goroutine id (as uint64) or address */
    size_t idx;            /* position in the dump's array */
    UT_hash_handle hh;
} gl_index_entry;

typedef struct gl_pool_string {
    UT_hash_handle hh;
    char text[];           /* the key: NUL-terminated */
} gl_pool_string;

typedef struct gl_dump_index {
    gl_index_entry *goroutines;
    gl_index_entry *chans;
    gl_index_entry *contexts;
    gl_pool_string *strings;
    /* Dumps assembled by analyzer/dump_build.c index goroutines in an
     * open-addressing table instead (a uthash entry per goroutine costs more
     * than the goroutine itself at a million goroutines): slot i holds id
     * gid_keys[i] (0: empty) at position gid_pos[i]; gid_mask + 1 slots. */
    int64_t *gid_keys;
    size_t *gid_pos;
    size_t gid_mask;
    /* Such dumps keep their stacks and strings in memory of their own:
     * gl_dump_free calls release first, which frees that and clears the
     * fields pointing into it. NULL for goleash dumps. */
    void (*release)(struct gl_dump *d);
    void *owner;
} gl_dump_index;

/* The slot of a goroutine id in gid_keys. gc's ids are dense and mostly
 * rising: runs of 16 consecutive ids keep to one block of 16 slots (a
 * million inserts and lookups in dump order touch memory in order, a cache
 * line serves eight ids), while the blocks are spread by a multiplicative
 * hash so ids that share a stride do not cluster. */
static inline size_t gl_gid_slot(int64_t id, size_t mask)
{
    uint64_t h = ((uint64_t)id >> 4) * 0x9E3779B97F4A7C15ull;
    return (size_t)(((h ^ (h >> 29)) << 4) | ((uint64_t)id & 15)) & mask;
}

#endif
