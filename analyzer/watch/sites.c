/* The sites and their counts over the window (sites.h). */
#include "watch/sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gl_sites_init(gl_sites *s, size_t window)
{
    *s = (gl_sites){.window = window < 2 ? 2 : window};
}

unsigned gl_sites_key_flags(const gl_report *r, int exact)
{
    unsigned flags = GL_KEY_USER_PART | (exact ? 0 : GL_KEY_LOOSE);
    if (r->source && strncmp(r->source, "pprof", 5) == 0)
        flags |= GL_KEY_NO_CREATION;
    return flags;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* "main.worker at main.go:22": the function and the file's base name, so
 * labels stay short; NULL out of memory. */
static char *site_label(const gl_frame *f)
{
    const char *fn = f && f->function ? f->function : "an unknown function";
    char *label = NULL;
    int n;
    if (f && f->file && f->line > 0)
        n = asprintf(&label, "%s at %s:%d", fn, base_name(f->file), f->line);
    else if (f && f->file)
        n = asprintf(&label, "%s at %s", fn, base_name(f->file));
    else
        n = asprintf(&label, "%s", fn);
    return n < 0 ? NULL : label;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void free_site_text(gl_site *e)
{
    free(e->label);
    free(e->function);
    free(e->file);
    free(e->created);
}

/* The site's words from g, the latest group seen: a new build's lines win. */
static int describe(gl_site *e, const gl_leak_group *g)
{
    free_site_text(e);
    e->label = site_label(g->blocked_at);
    e->function = dup_or_null(g->blocked_at ? g->blocked_at->function : NULL);
    e->file = dup_or_null(g->blocked_at ? g->blocked_at->file : NULL);
    e->line = g->blocked_at ? g->blocked_at->line : 0;
    e->created = g->created_at ? site_label(g->created_at) : NULL;
    e->category = gl_category_name(g->category);
    return e->label && (!g->created_at || e->created) ? 0 : -1;
}

static gl_site *new_site(gl_sites *s, const char *key, size_t len)
{
    gl_site *e = calloc(1, sizeof *e + len);
    if (!e || !(e->counts = calloc(s->window, sizeof *e->counts))) {
        free(e);
        return NULL;
    }
    memcpy(e->key, key, len);
    e->keylen = len;
    HASH_ADD_KEYPTR(hh, s->table, e->key, e->keylen, e);
    return e;
}

static void drop_site(gl_sites *s, gl_site *e)
{
    HASH_DEL(s->table, e);
    free_site_text(e);
    free(e->counts);
    free(e);
}

/* Makes room for the new sample at counts[s->n - 1], 0 for every site. */
static void shift(gl_sites *s)
{
    int full = s->n == s->window;
    if (!full)
        s->n++;
    for (gl_site *e = s->table; e; e = e->hh.next) {
        if (full)
            memmove(e->counts, e->counts + 1, (s->window - 1) * sizeof *e->counts);
        e->counts[s->n - 1] = 0;
    }
}

static int add_group(gl_sites *s, const gl_leak_group *g, unsigned flags)
{
    size_t len;
    char *key = gl_rules_group_key(g, flags, &len);
    if (!key)
        return -1;
    gl_site *e = NULL;
    HASH_FIND(hh, s->table, key, len, e);
    if (!e)
        e = new_site(s, key, len);
    free(key);
    if (!e || describe(e, g) != 0)
        return -1;
    e->counts[s->n - 1] += (int64_t)g->count;
    return 0;
}

int gl_sites_add(gl_sites *s, const gl_report *r, unsigned key_flags)
{
    shift(s);
    s->taken++;
    for (size_t i = 0; i < r->ngroups; i++)
        if (add_group(s, &r->groups[i], key_flags) != 0)
            return -1;
    gl_site *e, *next;
    HASH_ITER(hh, s->table, e, next) {
        int64_t any = 0;
        for (size_t i = 0; i < s->n && !any; i++)
            any = e->counts[i];
        if (!any)
            drop_site(s, e);
    }
    return 0;
}

void gl_sites_judge(gl_sites *s, const gl_growth_opts *o)
{
    for (gl_site *e = s->table; e; e = e->hh.next)
        gl_growth_judge(e->counts, s->n, o, &e->growth);
}

int64_t gl_site_count(const gl_sites *s, const gl_site *site)
{
    return s->n ? site->counts[s->n - 1] : 0;
}

static int compare_sites(const void *pa, const void *pb, void *ctx)
{
    const gl_site *a = *(const gl_site *const *)pa, *b = *(const gl_site *const *)pb;
    size_t latest = *(const size_t *)ctx - 1;
    if (a->growth.growing != b->growth.growing)
        return a->growth.growing ? -1 : 1;
    int64_t ca = a->counts[latest], cb = b->counts[latest];
    if (ca != cb)
        return ca > cb ? -1 : 1;
    int c = strcmp(a->label, b->label);
    if (c)
        return c;
    /* Keys are unique: a total order, so output never depends on qsort. */
    size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
    c = memcmp(a->key, b->key, n);
    return c ? c : a->keylen < b->keylen ? -1 : a->keylen > b->keylen;
}

gl_site **gl_sites_sorted(const gl_sites *s, size_t *n)
{
    *n = HASH_COUNT(s->table);
    if (!*n || !s->n)
        return *n = 0, NULL;
    gl_site **v = malloc(*n * sizeof *v);
    if (!v)
        return *n = 0, NULL;
    size_t k = 0;
    for (gl_site *e = s->table; e; e = e->hh.next)
        v[k++] = e;
    size_t samples = s->n;
    qsort_r(v, *n, sizeof *v, compare_sites, &samples);
    return v;
}

void gl_sites_free(gl_sites *s)
{
    gl_site *e, *next;
    HASH_ITER(hh, s->table, e, next)
        drop_site(s, e);
    *s = (gl_sites){0};
}
