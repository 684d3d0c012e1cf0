/* Lookups into a parsed dump. */
#include "model/model.h"
#include "model/dump_index.h"


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
