/* The dump's store (store.h). */
#include "model/store.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t h)
{
    h ^= h >> 31;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 29;
    return h;
}

/* Stack keys run to a kilobyte per goroutine, hashed once each: four
 * independent lanes of eight bytes keep the multiplier busy. */
uint64_t gl_blob_hash(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
    if (n >= 32) {
        uint64_t l0 = h, l1 = h ^ 0x243F6A8885A308D3ull, l2 = h ^ 0x13198A2E03707344ull,
                 l3 = h ^ 0xA4093822299F31D0ull;
        while (n >= 32) {
            uint64_t w[4];
            memcpy(w, s, 32);
            l0 = (l0 ^ w[0]) * 0xbf58476d1ce4e5b9ull;
            l1 = (l1 ^ w[1]) * 0xbf58476d1ce4e5b9ull;
            l2 = (l2 ^ w[2]) * 0xbf58476d1ce4e5b9ull;
            l3 = (l3 ^ w[3]) * 0xbf58476d1ce4e5b9ull;
            l0 ^= l0 >> 29;
            l1 ^= l1 >> 29;
            l2 ^= l2 >> 29;
            l3 ^= l3 >> 29;
            s += 32;
            n -= 32;
        }
        h = mix(l0) ^ mix(l1 + 1) * 3 ^ mix(l2 + 2) * 5 ^ mix(l3 + 3) * 7;
    }
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 27;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    if (n) /* s may be NULL for an empty key: memcpy forbids it */
        memcpy(&w, s, n);
    h = mix((h ^ w) * 0xbf58476d1ce4e5b9ull);
    return h + !h;
}

int gl_blob_grow(gl_blob_table *t)
{
    size_t cap = t->slots ? (t->mask + 1) * 2 : 1024;
    gl_blob_slot *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; t->slots && i <= t->mask; i++) {
        if (!t->slots[i].key)
            continue;
        size_t j = t->slots[i].hash & (cap - 1);
        while (s[j].key)
            j = (j + 1) & (cap - 1);
        s[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = s;
    t->mask = cap - 1;
    return 0;
}

gl_blob_slot *gl_blob_find(gl_blob_table *t, uint64_t hash, const void *key, size_t len)
{
    uint32_t h = (uint32_t)hash;
    for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
        gl_blob_slot *s = &t->slots[i];
        if (!s->key || (s->hash == h && s->len == len && (len == 0 || memcmp(s->key, key, len) == 0)))
            return s;
    }
}

int gl_blob_added(gl_blob_table *t)
{
    return ++t->n * 2 > t->mask ? gl_blob_grow(t) : 0;
}

const char *gl_store_intern(gl_dump_store *st, const char *s, size_t len)
{
    if ((!st->strings.slots && gl_blob_grow(&st->strings) != 0) || len > GL_BLOB_MAX_LEN)
        return NULL;
    uint64_t h = gl_blob_hash(s, len);
    gl_blob_slot *sl = gl_blob_find(&st->strings, h, s, len);
    if (sl->key)
        return sl->key;
    char *copy = gl_arena_alloc(&st->mem, len + 1);
    if (!copy)
        return NULL;
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    sl->hash = (uint32_t)h;
    sl->key = copy;
    sl->len = (uint32_t)len;
    if (gl_blob_added(&st->strings) != 0)
        return NULL;
    return copy;
}
