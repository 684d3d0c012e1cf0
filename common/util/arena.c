#include "util/arena.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_FIRST_BLOCK (1u << 16)
#define ARENA_BLOCK (1u << 20)

struct gl_arena_block {
    gl_arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

void *gl_arena_alloc(gl_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    gl_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        /* A big request gets a block of its own behind the current one, so
         * the space left in the current block is not wasted. */
        size_t grow = a->next_block ? a->next_block : ARENA_FIRST_BLOCK;
        int own = n > grow / 4;
        size_t size = own ? n : grow;
        gl_arena_block *nb = malloc(sizeof *nb + size);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->size = size;
        if (b && own) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
            if (!own && grow < ARENA_BLOCK)
                a->next_block = grow * 2;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void *gl_arena_calloc(gl_arena *a, size_t n)
{
    void *p = gl_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

void gl_arena_free(gl_arena *a)
{
    for (gl_arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    a->head = NULL;
    a->next_block = 0;
}
