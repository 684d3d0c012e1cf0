/* The leak report as a gzipped pprof profile (pprof_out.h), encoded with
 * the reader's own profile.proto (readers/proto) through protobuf-c.
 * Strings, functions and locations are each stored once: pprof readers
 * expect the tables deduplicated, and a thousand goroutines of one group
 * share their frames anyway. */
#include "reports/pprof_out.h"
#include "pprof_profile.pb-c.h"
#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>
#include <zlib.h>

/* Bytes to a number from 0 or 1 up, the same bytes the same number. */
typedef struct tab_entry {
    UT_hash_handle hh;
    uint64_t id;
    size_t len;
    char key[];   /* len bytes, then a NUL (strings are used in place) */
} tab_entry;

/* A growing array of pointers to protobuf messages or strings. */
typedef struct ptr_vec {
    void **v;
    size_t n, cap;
} ptr_vec;

typedef struct pp {
    gl_arena arena;
    tab_entry *strings, *functions, *locations;
    ptr_vec string_v, function_v, location_v, sample_v;
    int oom;
} pp;

static int vec_push(ptr_vec *p, void *x)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        void **v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return -1;
        p->v = v, p->cap = cap;
    }
    p->v[p->n++] = x;
    return 0;
}

/* The entry for key in *tab, made (id next_id, *made set) when absent. */
static tab_entry *tab_get(pp *p, tab_entry **tab, const void *key, size_t len, uint64_t next_id, int *made)
{
    tab_entry *e;
    *made = 0;
    HASH_FIND(hh, *tab, key, len, e);
    if (e)
        return e;
    if (!(e = gl_arena_alloc(&p->arena, sizeof *e + len + 1))) {
        p->oom = 1;
        return NULL;
    }
    e->id = next_id, e->len = len;
    memcpy(e->key, key, len);
    e->key[len] = '\0';
    HASH_ADD(hh, *tab, key, len, e);
    *made = 1;
    return e;
}

/* The string table index of s (index 0 is ""). */
static int64_t str_id(pp *p, const char *s)
{
    int made;
    tab_entry *e = tab_get(p, &p->strings, s, strlen(s), p->string_v.n, &made);
    if (!e)
        return 0;
    if (made && vec_push(&p->string_v, e->key) != 0)
        p->oom = 1;
    return (int64_t)e->id;
}

/* The key of a function or location: its fields, NUL-separated. */
static size_t make_key(char *buf, size_t len, uint64_t pc, const char *fn, const char *file, int line)
{
    int n = snprintf(buf, len, "%llx%c%s%c%s%c%d", (unsigned long long)pc, 0, fn, 0, file, 0, line);
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

static uint64_t function_id(pp *p, const char *fn, const char *file)
{
    char key[8192];
    size_t len = make_key(key, sizeof key, 0, fn, file, 0);
    int made;
    tab_entry *e = tab_get(p, &p->functions, key, len, p->function_v.n + 1, &made);
    if (!e || !made)
        return e ? e->id : 0;
    Glpprof__Function *f = gl_arena_alloc(&p->arena, sizeof *f);
    if (!f || vec_push(&p->function_v, f) != 0) {
        p->oom = 1;
        return 0;
    }
    glpprof__function__init(f);
    f->id = e->id;
    f->name = f->system_name = str_id(p, fn);
    f->filename = str_id(p, file);
    return e->id;
}

/* A frame's function as pprof shows it: its name, else its pc. */
static const char *frame_name(const gl_frame *f, char *buf, size_t len)
{
    if (f->function)
        return f->function;
    snprintf(buf, len, "0x%llx", (unsigned long long)f->pc);
    return buf;
}

/* One location per distinct frame (pc, function, file:line): gc's inlined
 * calls share a pc but are frames of their own in the model. */
static uint64_t location_id(pp *p, const gl_frame *fr)
{
    char name[32], key[8192];
    const char *fn = frame_name(fr, name, sizeof name);
    const char *file = fr->file ? fr->file : "";
    size_t len = make_key(key, sizeof key, fr->pc, fn, file, fr->line);
    int made;
    tab_entry *e = tab_get(p, &p->locations, key, len, p->location_v.n + 1, &made);
    if (!e || !made)
        return e ? e->id : 0;
    Glpprof__Location *l = gl_arena_alloc(&p->arena, sizeof *l);
    Glpprof__Line *line = gl_arena_alloc(&p->arena, sizeof *line);
    Glpprof__Line **lines = gl_arena_alloc(&p->arena, sizeof *lines);
    if (!l || !line || !lines || vec_push(&p->location_v, l) != 0) {
        p->oom = 1;
        return 0;
    }
    glpprof__location__init(l);
    glpprof__line__init(line);
    l->id = e->id;
    l->address = fr->pc;
    line->function_id = function_id(p, fn, file);
    line->line = fr->line;
    lines[0] = line;
    l->line = lines, l->n_line = 1;
    return e->id;
}

static Glpprof__Label *label(pp *p, const char *key, const char *str, int64_t num, const char *unit)
{
    Glpprof__Label *l = gl_arena_alloc(&p->arena, sizeof *l);
    if (!l) {
        p->oom = 1;
        return NULL;
    }
    glpprof__label__init(l);
    l->key = str_id(p, key);
    if (str)
        l->str = str_id(p, str);
    else
        l->num = num;
    if (unit)
        l->num_unit = str_id(p, unit);
    return l;
}

/* category, test, wait_reason, created_by, blocked_for and
 * blocked_for_max (nanoseconds; left out where the park time is unknown). */
static size_t group_labels(pp *p, const gl_leak_group *g, Glpprof__Label **out)
{
    size_t n = 0;
    const char *reason = gl_group_reason(g);
    out[n++] = label(p, "category", gl_category_name(g->category), 0, NULL);
    if (g->test)
        out[n++] = label(p, "test", g->test, 0, NULL);
    out[n++] = label(p, "wait_reason", *reason ? reason : gl_wait_name(g->wait), 0, NULL);
    if (g->created_at && g->created_at->function)
        out[n++] = label(p, "created_by", g->created_at->function, 0, NULL);
    if (g->parked_min_ns >= 0) {
        out[n++] = label(p, "blocked_for", NULL, g->parked_min_ns, "nanoseconds");
        out[n++] = label(p, "blocked_for_max", NULL, g->parked_max_ns, "nanoseconds");
    }
    return n;
}

#define MAX_LABELS 6

/* The group's sample: its park stack, innermost first, and its count. A
 * group without a stack gets one location named after what is known. */
static void add_sample(pp *p, const gl_leak_group *g)
{
    Glpprof__Sample *s = gl_arena_alloc(&p->arena, sizeof *s);
    size_t nframes = g->stack && g->stack->n ? g->stack->n : 1;
    uint64_t *locs = gl_arena_alloc(&p->arena, nframes * sizeof *locs);
    int64_t *value = gl_arena_alloc(&p->arena, sizeof *value);
    Glpprof__Label **labels = gl_arena_alloc(&p->arena, MAX_LABELS * sizeof *labels);
    if (!s || !locs || !value || !labels || vec_push(&p->sample_v, s) != 0) {
        p->oom = 1;
        return;
    }
    glpprof__sample__init(s);
    if (g->stack && g->stack->n) {
        for (size_t i = 0; i < nframes; i++)
            locs[i] = location_id(p, &g->stack->frames[i]);
    } else {
        const char *fn = g->first && g->first->start_function ? g->first->start_function : "(stack unknown)";
        gl_frame unknown = {.function = (char *)fn};
        locs[0] = location_id(p, &unknown);
    }
    *value = (int64_t)g->count;
    s->location_id = locs, s->n_location_id = nframes;
    s->value = value, s->n_value = 1;
    s->label = labels;
    s->n_label = group_labels(p, g, labels);
}

static Glpprof__ValueType *goroutine_count(pp *p)
{
    Glpprof__ValueType *t = gl_arena_alloc(&p->arena, sizeof *t);
    if (!t) {
        p->oom = 1;
        return NULL;
    }
    glpprof__value_type__init(t);
    t->type = str_id(p, "goroutine");
    t->unit = str_id(p, "count");
    return t;
}

/* gzip (RFC 1952) of the packed profile, as Go's runtime/pprof writes it. */
static int write_gzip(FILE *out, const uint8_t *buf, size_t len)
{
    z_stream z = {0};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    size_t cap = deflateBound(&z, (uLong)len);
    uint8_t *gz = malloc(cap);
    int rc = -1;
    if (gz) {
        z.next_in = (Bytef *)buf, z.avail_in = (uInt)len;
        z.next_out = gz, z.avail_out = (uInt)cap;
        if (deflate(&z, Z_FINISH) == Z_STREAM_END && fwrite(gz, 1, z.total_out, out) == z.total_out)
            rc = 0;
    }
    deflateEnd(&z);
    free(gz);
    return rc;
}

static int pack_and_write(FILE *out, pp *p, Glpprof__Profile *prof)
{
    prof->string_table = (char **)p->string_v.v, prof->n_string_table = p->string_v.n;
    prof->function = (Glpprof__Function **)p->function_v.v, prof->n_function = p->function_v.n;
    prof->location = (Glpprof__Location **)p->location_v.v, prof->n_location = p->location_v.n;
    prof->sample = (Glpprof__Sample **)p->sample_v.v, prof->n_sample = p->sample_v.n;
    size_t len = glpprof__profile__get_packed_size(prof);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -1;
    glpprof__profile__pack(prof, buf);
    int rc = write_gzip(out, buf, len);
    free(buf);
    return rc;
}

int gl_report_pprof(FILE *out, const gl_report *r, gl_dump *const *dumps, size_t ndumps)
{
    pp p = {0};
    Glpprof__Profile prof = GLPPROF__PROFILE__INIT;
    str_id(&p, "");
    Glpprof__ValueType *type = goroutine_count(&p);
    Glpprof__ValueType *types[1] = {type};
    prof.sample_type = types, prof.n_sample_type = 1;
    prof.period_type = goroutine_count(&p);
    prof.period = 1;
    prof.time_nanos = ndumps && dumps[0]->wall_ns > 0 ? dumps[0]->wall_ns : 0;
    for (size_t i = 0; i < r->ngroups && !p.oom; i++)
        add_sample(&p, &r->groups[i]);
    int rc = p.oom ? -1 : pack_and_write(out, &p, &prof);
    HASH_CLEAR(hh, p.strings);
    HASH_CLEAR(hh, p.functions);
    HASH_CLEAR(hh, p.locations);
    free(p.string_v.v);
    free(p.function_v.v);
    free(p.location_v.v);
    free(p.sample_v.v);
    gl_arena_free(&p.arena);
    return rc;
}
