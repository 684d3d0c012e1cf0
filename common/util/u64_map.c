#include "util/u64_map.h"

#include <stdlib.h>

static void place(gl_u64_map *m, uint64_t key, size_t pos)
{
    size_t i = gl_map_slot(m, key);
    while (m->keys[i])
        i = (i + 1) & m->mask;
    m->keys[i] = key;
    m->pos[i] = pos;
}

static int grow(gl_u64_map *m)
{
    size_t cap = m->keys ? m->mask + 1 : 0;
    size_t ncap = cap ? cap * 2 : 1024;
    uint64_t *keys = calloc(ncap, sizeof *keys);
    size_t *pos = malloc(ncap * sizeof *pos);
    if (!keys || !pos) {
        free(keys);
        free(pos);
        return -1;
    }
    uint64_t *old_keys = m->keys;
    size_t *old_pos = m->pos;
    m->keys = keys;
    m->pos = pos;
    m->mask = ncap - 1;
    for (size_t i = 0; i < cap; i++)
        if (old_keys[i])
            place(m, old_keys[i], old_pos[i]);
    free(old_keys);
    free(old_pos);
    return 0;
}

int gl_map_put(gl_u64_map *m, uint64_t key, size_t pos)
{
    if (key == 0) {
        if (m->has_zero)
            return 1;
        m->has_zero = true;
        m->zero_pos = pos;
        return 0;
    }
    if ((!m->keys || (m->n + 1) * 2 > m->mask) && grow(m) != 0)
        return -1;
    /* One probe both finds a duplicate and files a new key. */
    for (size_t i = gl_map_slot(m, key);; i = (i + 1) & m->mask) {
        if (m->keys[i] == key)
            return 1;
        if (m->keys[i] == 0) {
            m->keys[i] = key;
            m->pos[i] = pos;
            m->n++;
            return 0;
        }
    }
}

void gl_map_free(gl_u64_map *m)
{
    free(m->keys);
    free(m->pos);
    m->keys = NULL;
    m->pos = NULL;
    m->mask = m->n = 0;
    m->has_zero = false;
}
