/* Lookups into a dump, its strings, and its end. */
#include "model/model.h"
#include "model/store.h"

#include <stdlib.h>
#include <string.h>

gl_goroutine *gl_dump_goroutine(const gl_dump *d, int64_t id)
{
    const size_t *pos = d && d->store_ ? gl_map_find(&((const gl_dump_store *)d->store_)->goroutines, (uint64_t)id)
                                       : NULL;
    return pos ? &d->goroutines[*pos] : NULL;
}

gl_chan *gl_dump_chan(const gl_dump *d, uint64_t addr)
{
    const size_t *pos = d && d->store_ ? gl_map_find(&((const gl_dump_store *)d->store_)->chans, addr) : NULL;
    return pos ? &d->chans[*pos] : NULL;
}

gl_context *gl_dump_context(const gl_dump *d, uint64_t addr)
{
    const size_t *pos = d && d->store_ ? gl_map_find(&((const gl_dump_store *)d->store_)->contexts, addr) : NULL;
    return pos ? &d->contexts[*pos] : NULL;
}

gl_lock *gl_dump_lock(const gl_dump *d, uint64_t addr)
{
    const size_t *pos = d && d->store_ ? gl_map_find(&((const gl_dump_store *)d->store_)->locks, addr) : NULL;
    return pos ? &d->locks[*pos] : NULL;
}

const gl_module *gl_dump_module(const gl_dump *d, int id)
{
    for (size_t i = 0; d && i < d->nmodules; i++)
        if (d->modules[i].id == id)
            return &d->modules[i];
    return NULL;
}

const char *gl_dump_intern(gl_dump *d, const char *s)
{
    if (!d || !s || !d->store_)
        return NULL;
    return gl_store_intern(d->store_, s, strlen(s));
}

void gl_dump_free(gl_dump *d)
{
    if (!d)
        return;
    gl_dump_store *st = d->store_;
    if (st) {
        gl_arena_free(&st->mem);
        free(st->strings.slots);
        gl_map_free(&st->goroutines);
        gl_map_free(&st->chans);
        gl_map_free(&st->contexts);
        gl_map_free(&st->locks);
        free(st);
    }
    free(d->stacks);
    free(d->goroutines);
    free(d->chans);
    free(d->contexts);
    free(d->locks);
    free(d->modules);
    free(d->tests);
    free(d);
}
