/* The wait-for graph (wait_for.h). */
#include "reports/wait_for.h"
#include "reports/graph_labels.h"
#include "reports/graph_svg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RESOURCES 4   /* per group: a select records at most four channels */
#define MAX_WAKERS 6      /* per resource, then "+N more" */

typedef enum res_kind { RES_CHAN, RES_OBJ, RES_NIL, RES_FOREVER, RES_UNKNOWN } res_kind;

/* Something a group's goroutines wait on, in dump di. */
typedef struct resource {
    size_t di;
    res_kind kind;
    uint64_t addr;
    gl_wait wait;
} resource;

typedef struct wf {
    gl_graph *g;
    const gl_report *r;
    const gl_members *m;
} wf;

static void group_key(char *buf, size_t len, int gi)
{
    snprintf(buf, len, "grp%d", gi);
}

/* The node of group gi, made when missing; -1 when there is no room. */
static int group_node(wf *w, int gi, char *key, size_t klen)
{
    char label[2048];
    group_key(key, klen, gi);
    const gl_leak_group *g = &w->r->groups[gi];
    gl_label_group(label, sizeof label, g, (size_t)gi, g->count);
    return gl_graph_node(w->g, key, label, GL_NODE_LEAKED, NULL, NULL);
}

/* The node of goroutine k of dump di: its group's when it is leaked. */
static int goroutine_node(wf *w, size_t di, size_t k, char *key, size_t klen)
{
    int gi = gl_members_group(w->m, di, k);
    if (gi >= 0)
        return group_node(w, gi, key, klen);
    const gl_goroutine *x = &w->m->dumps[di]->goroutines[k];
    char label[1024];
    snprintf(key, klen, "d%zu_g%lld", di, (long long)x->id);
    gl_label_goroutine(label, sizeof label, x);
    return gl_graph_node(w->g, key, label, gl_goroutine_style(x), NULL, NULL);
}

static int add_resource(resource *res, size_t *n, size_t *more, resource r)
{
    for (size_t i = 0; i < *n; i++)
        if (res[i].di == r.di && res[i].kind == r.kind && res[i].addr == r.addr)
            return 0;
    if (*n == MAX_RESOURCES) {
        (*more)++;
        return 0;
    }
    res[(*n)++] = r;
    return 1;
}

/* What the goroutines of group gi wait on, at most MAX_RESOURCES;
 * *more counts the rest. */
static size_t group_resources(const wf *w, int gi, resource *res, size_t *more)
{
    size_t n = 0;
    for (size_t di = 0; di < w->m->ndumps; di++) {
        const gl_dump *d = w->m->dumps[di];
        for (size_t k = 0; k < d->ngoroutines; k++) {
            if (gl_members_group(w->m, di, k) != gi)
                continue;
            const gl_goroutine *x = &d->goroutines[k];
            for (size_t c = 0; c < x->nchans; c++)
                add_resource(res, &n, more, (resource){di, RES_CHAN, x->chans[c], x->wait});
            if (x->nchans)
                continue;
            res_kind kind = x->wait == GL_WAIT_NILCHAN ? RES_NIL
                            : x->wait == GL_WAIT_FOREVER ? RES_FOREVER
                            : x->obj                     ? RES_OBJ
                                                         : RES_UNKNOWN;
            add_resource(res, &n, more, (resource){di, kind, kind == RES_OBJ ? x->obj : 0, x->wait});
        }
    }
    return n;
}

static const char *sync_name(gl_wait wait)
{
    switch (wait) {
    case GL_WAIT_MUTEX: return "sync.Mutex";
    case GL_WAIT_RWMUTEX: case GL_WAIT_RWMUTEX_R: return "sync.RWMutex";
    case GL_WAIT_WAITGROUP: return "sync.WaitGroup";
    case GL_WAIT_COND: return "sync.Cond";
    case GL_WAIT_ONCE: return "sync.Once";
    case GL_WAIT_SEMA: return "semaphore";
    default: return *gl_wait_name(wait) ? gl_wait_name(wait) : "object";
    }
}

static void site_text(char *buf, size_t len, const char *what, const gl_stack *s)
{
    const gl_frame *f = gl_rules_user_frame(s, NULL);
    if (!f || !f->function)
        snprintf(buf, len, "%s at an unknown site", what);
    else if (f->file && f->line > 0)
        snprintf(buf, len, "%s at %s\n%s:%d", what, f->function, strrchr(f->file, '/') ? strrchr(f->file, '/') + 1 : f->file,
                 f->line);
    else
        snprintf(buf, len, "%s at %s", what, f->function);
}

static void chan_label(char *buf, size_t len, const gl_chan *c, uint64_t addr)
{
    if (!c) {
        snprintf(buf, len, "channel 0x%llx", (unsigned long long)addr);
        return;
    }
    char cap[48], made[1024];
    if (c->cap > 0)
        snprintf(cap, sizeof cap, "buffer of %lld", (long long)c->cap);
    else
        snprintf(cap, sizeof cap, "unbuffered");
    site_text(made, sizeof made, "made", c->made);
    snprintf(buf, len, "channel 0x%llx%s%s\n%s, %s\n%s", (unsigned long long)addr, c->timer ? "\ntimer: " : "",
             c->timer ? gl_timer_kind_name(c->timer) : "", cap, c->closed ? "closed" : "never closed", made);
}

static void resource_key(char *buf, size_t len, const resource *res, int gi)
{
    if (res->kind == RES_CHAN || res->kind == RES_OBJ)
        snprintf(buf, len, "d%zu_%c%llx", res->di, res->kind == RES_CHAN ? 'c' : 'o', (unsigned long long)res->addr);
    else
        snprintf(buf, len, "grp%d_r%d", gi, (int)res->kind);
}

static void resource_label(char *buf, size_t len, const wf *w, const resource *res)
{
    const gl_dump *d = w->m->dumps[res->di];
    switch (res->kind) {
    case RES_CHAN:
        chan_label(buf, len, gl_dump_chan(d, res->addr), res->addr);
        return;
    case RES_OBJ:
        snprintf(buf, len, "%s 0x%llx", sync_name(res->wait), (unsigned long long)res->addr);
        return;
    case RES_NIL:
        snprintf(buf, len, "nil channel\nnever ready: nothing can wake it");
        return;
    case RES_FOREVER:
        snprintf(buf, len, "select {}\nno cases: nothing can wake it");
        return;
    case RES_UNKNOWN:
        snprintf(buf, len, "%s\nthe dump does not say on what", *gl_wait_name(res->wait) ? gl_wait_name(res->wait) : "a wait");
        return;
    }
}

/* An edge from the resource to goroutine goid of its dump, labelled with
 * how it relates; *n counts them, beyond MAX_WAKERS only counted. */
static void waker(wf *w, const resource *res, const char *rkey, int gi, int64_t goid, const char *how, size_t *n)
{
    const gl_dump *d = w->m->dumps[res->di];
    const gl_goroutine *x = gl_dump_goroutine(d, goid);
    if (!x || x->system)
        return;
    size_t k = (size_t)(x - d->goroutines);
    if (gi >= 0 && gl_members_group(w->m, res->di, k) == gi)
        return;
    if (++*n > MAX_WAKERS)
        return;
    char key[96];
    if (goroutine_node(w, res->di, k, key, sizeof key) >= 0)
        gl_graph_edge(w->g, rkey, key, how, 0);
}

static int references(const gl_goroutine *x, const resource *res)
{
    if (res->kind == RES_OBJ)
        return x->obj == res->addr;
    for (size_t c = 0; c < x->nchans; c++)
        if (x->chans[c] == res->addr)
            return 1;
    return 0;
}

static void context_of(wf *w, const resource *res, const gl_chan *c, const char *rkey)
{
    const gl_dump *d = w->m->dumps[res->di];
    const gl_context *x = c->ctx ? gl_dump_context(d, c->ctx) : NULL;
    if (!x)
        return;
    char key[96], label[1536], site[1024];
    snprintf(key, sizeof key, "d%zu_x%llx", res->di, (unsigned long long)x->addr);
    site_text(site, sizeof site, "created", x->created);
    snprintf(label, sizeof label, "context (%s) 0x%llx\n%s\n%s", x->kind, (unsigned long long)x->addr,
             x->cancelled ? "cancelled" : "cancel never called", site);
    if (gl_graph_node(w->g, key, label, GL_NODE_RESOURCE, NULL, NULL) < 0)
        return;
    gl_graph_edge(w->g, rkey, key, "Done() of", 0);
    size_t n = 0;
    if (x->creator)
        waker(w, res, key, -1, x->creator, "created it", &n);
}

/* The goroutines holding the lock res (the shim's holder records): an edge
 * to each one still in the dump, a note for each that exited holding it. */
static void holders_of(wf *w, const resource *res, const char *rkey, int gi, size_t *n)
{
    const gl_dump *d = w->m->dumps[res->di];
    const gl_lock *l = gl_dump_lock(d, res->addr);
    for (size_t i = 0; l && i < l->nholders; i++) {
        const gl_holder *h = &l->holders[i];
        char how[1100], site[1024];
        site_text(site, sizeof site, l->kind == GL_WAIT_ONCE ? "Once.Do" : "locked", h->site);
        const char *role = l->kind == GL_WAIT_ONCE ? "runs its function" : h->read ? "holds a read lock" : "holds it";
        gl_holder_state st;
        gl_holder_state_of(d, h, &st);
        if (!st.exited && st.g) {
            snprintf(how, sizeof how, "%s\n%s", role, site);
            waker(w, res, rkey, gi, h->goid, how, n);
            continue;
        }
        char key[128], label[1400];
        snprintf(key, sizeof key, "%s_h%zu", rkey, i);
        snprintf(label, sizeof label, "goroutine %lld %s\n%s\n%s", (long long)h->goid, role,
                 st.exited ? "and exited without unlocking" : "(not in the dump)", site);
        if (gl_graph_node(w->g, key, label, GL_NODE_NOTE, NULL, NULL) >= 0) {
            gl_graph_edge(w->g, rkey, key, NULL, 1);
            ++*n;
        }
    }
}

/* Who could wake the goroutines waiting on res: the goroutines that
 * reference it too, the last ones that touched it, its maker, its closer;
 * a lock's recorded holders. */
static void wakers(wf *w, const resource *res, const char *rkey, int gi)
{
    const gl_dump *d = w->m->dumps[res->di];
    size_t n = 0;
    if (res->kind == RES_OBJ)
        holders_of(w, res, rkey, gi, &n);
    if (res->kind == RES_CHAN || res->kind == RES_OBJ) {
        for (size_t k = 0; k < d->ngoroutines; k++)
            if (!d->goroutines[k].system && references(&d->goroutines[k], res))
                waker(w, res, rkey, gi, d->goroutines[k].id,
                      d->goroutines[k].state == GL_G_PARKED ? "also waits" : "references it", &n);
    }
    const gl_chan *c = res->kind == RES_CHAN ? gl_dump_chan(d, res->addr) : NULL;
    if (c) {
        char how[32];
        for (size_t t = 0; t < c->ntouches; t++) {
            snprintf(how, sizeof how, "last %s", c->touches[t].op);
            waker(w, res, rkey, gi, c->touches[t].goid, how, &n);
        }
        if (c->maker)
            waker(w, res, rkey, gi, c->maker, "made it", &n);
        if (c->closed && c->closer)
            waker(w, res, rkey, gi, c->closer, "closed it", &n);
        context_of(w, res, c, rkey);
    }
    if (res->kind != RES_CHAN && res->kind != RES_OBJ)
        return;
    char key[128], label[128];
    snprintf(key, sizeof key, "%s_note", rkey);
    if (n > MAX_WAKERS)
        snprintf(label, sizeof label, "+%zu more goroutine(s)", n - MAX_WAKERS);
    else if (n == 0)
        snprintf(label, sizeof label, res->kind == RES_CHAN ? "no other goroutine\nreferences it"
                                                            : "no other goroutine waits on it\n(its holder is not recorded)");
    else
        return;
    if (gl_graph_node(w->g, key, label, GL_NODE_NOTE, NULL, NULL) >= 0)
        gl_graph_edge(w->g, rkey, key, NULL, 1);
}

/* Group gi, what it waits on and who could wake that; -1 when the group's
 * own node found no room. */
static int draw_group(wf *w, int gi)
{
    char gkey[32], rkey[96], label[2048];
    if (group_node(w, gi, gkey, sizeof gkey) < 0)
        return -1;
    resource res[MAX_RESOURCES];
    size_t more = 0, n = group_resources(w, gi, res, &more);
    for (size_t i = 0; i < n; i++) {
        resource_key(rkey, sizeof rkey, &res[i], gi);
        resource_label(label, sizeof label, w, &res[i]);
        int made = gl_graph_node(w->g, rkey, label, GL_NODE_RESOURCE, NULL, NULL);
        if (made < 0)
            break;
        gl_graph_edge(w->g, gkey, rkey, "waits on", 0);
        if (made)
            wakers(w, &res[i], rkey, gi);
    }
    if (more) {
        snprintf(rkey, sizeof rkey, "%s_more", gkey);
        snprintf(label, sizeof label, "+%zu more channel(s) or object(s)", more);
        if (gl_graph_node(w->g, rkey, label, GL_NODE_NOTE, NULL, NULL) >= 0)
            gl_graph_edge(w->g, gkey, rkey, "waits on", 1);
    }
    return 0;
}

int gl_wait_for_graph(const gl_report *r, const gl_members *m, size_t max_nodes, gl_graph_out *out)
{
    *out = (gl_graph_out){0};
    wf w = {.g = gl_graph_new(1, max_nodes), .r = r, .m = m};
    if (!w.g)
        return -1;
    for (size_t gi = 0; gi < r->ngroups; gi++)
        if (draw_group(&w, (int)gi) != 0)
            out->omitted++;
    out->nodes = gl_graph_count(w.g);
    out->full = gl_graph_full(w.g) || out->omitted;
    if (out->nodes)
        out->svg = gl_graph_svg(w.g, &out->len);
    gl_graph_free(w.g);
    return 0;
}
