/* Positions by 64-bit key (goroutine ids, addresses, PCs): open addressing,
 * at most half full, one array of keys probed in order. A uthash entry per
 * goroutine costs more than the goroutine itself at a million goroutines;
 * this costs two words a slot. */
#ifndef GOLEASH_UTIL_U64_MAP_H
#define GOLEASH_UTIL_U64_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How keys are spread over the slots. */
typedef enum gl_map_keys {
    /* gc's goroutine ids are dense and mostly rising: runs of 16 consecutive
     * ids keep to one block of 16 slots (a million inserts and lookups in
     * dump order touch memory in order, a cache line serves eight ids),
     * while the blocks are spread by a multiplicative hash so ids that share
     * a stride do not cluster. */
    GL_MAP_IDS,
    /* Addresses: aligned, so their low bits say nothing; fully mixed. */
    GL_MAP_ADDRESSES,
} gl_map_keys;

typedef struct gl_u64_map {
    gl_map_keys spread;
    uint64_t *keys;       /* 0: empty slot */
    size_t *pos;
    size_t mask;          /* slots - 1; no slots while keys is NULL */
    size_t n;             /* keys in the slots */
    bool has_zero;        /* key 0 cannot mark itself: it is kept aside */
    size_t zero_pos;
} gl_u64_map;

static inline size_t gl_map_slot(const gl_u64_map *m, uint64_t key)
{
    if (m->spread == GL_MAP_IDS) {
        uint64_t h = (key >> 4) * 0x9E3779B97F4A7C15ull;
        return (size_t)(((h ^ (h >> 29)) << 4) | (key & 15)) & m->mask;
    }
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 29)) & m->mask;
}

/* The position filed under key, NULL when none. */
static inline const size_t *gl_map_find(const gl_u64_map *m, uint64_t key)
{
    if (key == 0)
        return m->has_zero ? &m->zero_pos : NULL;
    if (!m->keys)
        return NULL;
    for (size_t i = gl_map_slot(m, key);; i = (i + 1) & m->mask) {
        if (m->keys[i] == key)
            return &m->pos[i];
        if (m->keys[i] == 0)
            return NULL;
    }
}

/* Files pos under key: 0, or 1 when key is already there (its position is
 * kept), -1 when out of memory. */
int gl_map_put(gl_u64_map *m, uint64_t key, size_t pos);

void gl_map_free(gl_u64_map *m);

#endif
