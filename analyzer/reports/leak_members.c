/* The leak group of every goroutine (leak_members.h). */
#include "reports/leak_members.h"

#include <stdlib.h>

static int has_pid(const gl_leak_group *g, int64_t pid)
{
    for (size_t i = 0; i < g->npids; i++)
        if (g->pids[i] == pid)
            return 1;
    return g->npids == 0;
}

/* Claims goroutine goid for group gi in the first dump, from *cursor on,
 * of one of the group's processes that holds it parked and unclaimed. The
 * ids come in dump order, so the cursor only moves forward; from the start
 * again when that finds nothing. */
static void claim(gl_members *m, const gl_leak_group *g, int gi, int64_t goid, size_t *cursor)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t di = pass ? 0 : *cursor; di < m->ndumps; di++) {
            const gl_dump *d = m->dumps[di];
            if (!has_pid(g, d->pid))
                continue;
            const gl_goroutine *x = gl_dump_goroutine(d, goid);
            if (!x || x->state != GL_G_PARKED)
                continue;
            int *slot = &m->group[m->first[di] + (size_t)(x - d->goroutines)];
            if (*slot >= 0)
                continue;
            *slot = gi;
            *cursor = di;
            return;
        }
    }
}

int gl_members_init(gl_members *m, const gl_report *r, gl_dump *const *dumps, size_t ndumps)
{
    *m = (gl_members){.dumps = dumps, .ndumps = ndumps};
    size_t total = 0;
    if (!(m->first = malloc((ndumps ? ndumps : 1) * sizeof *m->first)))
        return -1;
    for (size_t di = 0; di < ndumps; di++) {
        m->first[di] = total;
        total += dumps[di]->ngoroutines;
    }
    if (!(m->group = malloc((total ? total : 1) * sizeof *m->group))) {
        gl_members_free(m);
        return -1;
    }
    for (size_t i = 0; i < total; i++)
        m->group[i] = -1;
    for (size_t gi = 0; gi < r->ngroups; gi++) {
        const gl_leak_group *g = &r->groups[gi];
        size_t cursor = gl_members_dump_index(m, g->dump);
        if (cursor == ndumps)
            cursor = 0;
        for (size_t k = 0; k < g->ngoids; k++)
            claim(m, g, (int)gi, g->goids[k], &cursor);
    }
    return 0;
}

void gl_members_free(gl_members *m)
{
    free(m->first);
    free(m->group);
    m->first = NULL, m->group = NULL;
}

int gl_members_group(const gl_members *m, size_t di, size_t k)
{
    return m->group[m->first[di] + k];
}

size_t gl_members_dump_index(const gl_members *m, const gl_dump *d)
{
    for (size_t di = 0; di < m->ndumps; di++)
        if (m->dumps[di] == d)
            return di;
    return m->ndumps;
}
