/* Lookups into a parsed dump and the names of the wait classifications. */
#include "model/model.h"
#include "model/dump_index.h"

#include <string.h>

static const gl_index_entry *find_entry(gl_index_entry *table, uint64_t key)
{
    gl_index_entry *e = NULL;
    HASH_FIND(hh, table, &key, sizeof key, e);
    return e;
}

gl_goroutine *gl_dump_goroutine(const gl_dump *d, int64_t id)
{
    if (!d || !d->index_)
        return NULL;
    const gl_dump_index *ix = d->index_;
    if (ix->gid_keys) {
        if (id == 0)
            return NULL;
        for (size_t i = gl_gid_slot(id, ix->gid_mask);; i = (i + 1) & ix->gid_mask) {
            if (ix->gid_keys[i] == id)
                return &d->goroutines[ix->gid_pos[i]];
            if (ix->gid_keys[i] == 0)
                return NULL;
        }
    }
    const gl_index_entry *e = find_entry(ix->goroutines, (uint64_t)id);
    return e ? &d->goroutines[e->idx] : NULL;
}

gl_chan *gl_dump_chan(const gl_dump *d, uint64_t addr)
{
    if (!d || !d->index_)
        return NULL;
    const gl_dump_index *ix = d->index_;
    const gl_index_entry *e = find_entry(ix->chans, addr);
    return e ? &d->chans[e->idx] : NULL;
}

gl_context *gl_dump_context(const gl_dump *d, uint64_t addr)
{
    if (!d || !d->index_)
        return NULL;
    const gl_dump_index *ix = d->index_;
    const gl_index_entry *e = find_entry(ix->contexts, addr);
    return e ? &d->contexts[e->idx] : NULL;
}

/* Indexed by gl_wait; the spelling is the dump's `wait=` value. */
static const char *const wait_names[] = {
    [GL_WAIT_NONE] = "",
    [GL_WAIT_CHAN] = "chan",
    [GL_WAIT_SELECT] = "select",
    [GL_WAIT_NILCHAN] = "nilchan",
    [GL_WAIT_FOREVER] = "forever",
    [GL_WAIT_MUTEX] = "mutex",
    [GL_WAIT_RWMUTEX] = "rwmutex",
    [GL_WAIT_RWMUTEX_R] = "rwmutex-r",
    [GL_WAIT_WAITGROUP] = "waitgroup",
    [GL_WAIT_COND] = "cond",
    [GL_WAIT_SEMA] = "sema",
    [GL_WAIT_SLEEP] = "sleep",
    [GL_WAIT_IO] = "io",
    [GL_WAIT_OTHER] = "other",
};

const char *gl_wait_name(gl_wait w)
{
    if ((int)w < 0 || (size_t)w >= sizeof wait_names / sizeof wait_names[0])
        return "other";
    return wait_names[w];
}

gl_wait gl_wait_from_name(const char *s)
{
    if (!s || !*s)
        return GL_WAIT_OTHER;
    for (size_t i = 1; i < sizeof wait_names / sizeof wait_names[0]; i++)
        if (strcmp(s, wait_names[i]) == 0)
            return (gl_wait)i;
    return GL_WAIT_OTHER;
}
