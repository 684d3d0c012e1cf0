#include "diff.h"
#include "memory_limit.h"
#include "util/escape.h"

#include "format/dump_read.h"
#include "reports/json.h"
#include "text_report/text_report.h"
#include "rules/rules.h"
#include "util/hash.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One group identity seen in either report. */
typedef struct diff_entry {
    size_t before, after;
    const gl_leak_group *grp;   /* from AFTER when present there, else BEFORE */
    UT_hash_handle hh;
    size_t keylen;
    char key[];
} diff_entry;

typedef struct side {
    const char *path;
    gl_dump_list dumps;
    gl_report *report;      /* its source: the input's format, "mixed" when it holds several */
} side;

/* The two sides and their groups matched. */
typedef struct diff {
    side sides[2];              /* BEFORE, AFTER */
    int64_t min_growth;
    diff_entry *table;          /* by group key */
    diff_entry **order;         /* growth first (compare_entries) */
    size_t n;
    size_t flagged;             /* groups that grew by min_growth or more */
    int64_t flagged_growth;     /* ... and by how much in all */
} diff;

static int has_no_creation(const side *s)
{
    for (size_t i = 0; i < s->dumps.n; i++)
        if (strncmp(s->dumps.v[i]->source, "pprof", 5) == 0)
            return 1;
    return 0;
}

static int64_t growth(const diff_entry *e)
{
    return (int64_t)e->after - (int64_t)e->before;
}

static int add_groups(diff_entry **table, const gl_report *r, unsigned key_flags, int is_after)
{
    for (size_t i = 0; i < r->ngroups; i++) {
        const gl_leak_group *g = &r->groups[i];
        size_t len;
        char *key = gl_rules_group_key(g, key_flags, &len);
        if (!key)
            return -1;
        diff_entry *e = NULL;
        HASH_FIND(hh, *table, key, len, e);
        if (!e) {
            e = calloc(1, sizeof *e + len);
            if (!e) {
                free(key);
                return -1;
            }
            memcpy(e->key, key, len);
            e->keylen = len;
            HASH_ADD_KEYPTR(hh, *table, e->key, e->keylen, e);
        }
        free(key);
        if (is_after) {
            e->after += g->count;
            e->grp = g;
        } else {
            e->before += g->count;
            if (!e->grp)
                e->grp = g;
        }
    }
    return 0;
}

static int compare_entries(const void *pa, const void *pb)
{
    const diff_entry *a = *(const diff_entry *const *)pa, *b = *(const diff_entry *const *)pb;
    if (growth(a) != growth(b))
        return growth(a) > growth(b) ? -1 : 1;
    if (a->after != b->after)
        return a->after > b->after ? -1 : 1;
    /* Keys are unique, so this is a total order: output never depends on qsort. */
    size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
    int c = memcmp(a->key, b->key, n);
    return c ? c : a->keylen < b->keylen ? -1 : a->keylen > b->keylen;
}

static void site_text(char *buf, size_t len, const gl_leak_group *g, const gl_frame *f)
{
    if (f)
        gl_format_frame(buf, len, g->dump, f);
    else
        snprintf(buf, len, "an unknown site");
}

static size_t total_goroutines(const gl_report *r)
{
    return r->goroutines;
}

static int write_text(FILE *out, const diff *d)
{
    const side *b = &d->sides[0], *a = &d->sides[1];
    diff_entry *const *order = d->order;
    size_t n = d->n, flagged = d->flagged;
    int64_t min_growth = d->min_growth, flagged_growth = d->flagged_growth;
    char site[1024];
    fprintf(out, "goleash diff: %s (%zu goroutines, %zu blocked) -> %s (%zu goroutines, %zu blocked)\n", b->path,
            total_goroutines(b->report), b->report->leaked, a->path, total_goroutines(a->report),
            a->report->leaked);
    if (n)
        fprintf(out, "\n%8s %8s %8s  %s\n", "before", "after", "growth", "group");
    for (size_t i = 0; i < n; i++) {
        const diff_entry *e = order[i];
        const gl_leak_group *g = e->grp;
        int64_t d = growth(e);
        site_text(site, sizeof site, g, g->blocked_at);
        fprintf(out, "%8zu %8zu %+8lld  %s%s [%s]\n", e->before, e->after, (long long)d,
                d >= min_growth ? "GREW " : "", site, gl_category_name(g->category));
        if (g->created_at) {
            site_text(site, sizeof site, g, g->created_at);
            fprintf(out, "%27s   created by %s\n", "", site);
        }
        if (g->test) {
            fprintf(out, "%27s   test ", "");
            gl_fput_escaped(out, g->test);
            fputs("\n", out);
        }
    }
    if (flagged)
        fprintf(out, "\nSUMMARY: goleash: %zu group(s) grew by at least %lld goroutine(s), +%lld goroutine(s) in all.\n",
                flagged, (long long)min_growth, (long long)flagged_growth);
    else
        fprintf(out, "\ngoleash: no group grew by %lld goroutine(s) or more.\n", (long long)min_growth);
    return ferror(out) ? -1 : 0;
}

static json_t *site_json(const gl_frame *f)
{
    if (!f)
        return json_null();
    json_t *fn = f->function ? json_string(f->function) : NULL;
    json_t *file = f->file ? json_string(f->file) : NULL;
    return json_pack("{s:o, s:o, s:i}", "function", fn ? fn : json_null(), "file", file ? file : json_null(), "line",
                     f->line);
}

static json_t *side_json(const side *s)
{
    return json_pack("{s:s, s:s, s:I, s:I}", "path", s->path, "source", s->report->source, "goroutines",
                     (json_int_t)total_goroutines(s->report), "blocked", (json_int_t)s->report->leaked);
}

static int write_json(FILE *out, const diff *d)
{
    const side *b = &d->sides[0], *a = &d->sides[1];
    diff_entry *const *order = d->order;
    size_t n = d->n, flagged = d->flagged;
    int64_t min_growth = d->min_growth, flagged_growth = d->flagged_growth;
    json_t *groups = json_array();
    for (size_t i = 0; groups && i < n; i++) {
        const diff_entry *e = order[i];
        const gl_leak_group *g = e->grp;
        json_t *test = g->test ? json_string(g->test) : json_null();
        json_array_append_new(
            groups, json_pack("{s:I, s:I, s:I, s:b, s:s, s:o, s:o, s:o}", "before", (json_int_t)e->before, "after",
                              (json_int_t)e->after, "growth", (json_int_t)growth(e), "grew", growth(e) >= min_growth,
                              "category", gl_category_name(g->category), "blocked_at", site_json(g->blocked_at),
                              "created_at", site_json(g->created_at), "test", test ? test : json_null()));
    }
    json_t *root = json_pack("{s:i, s:s, s:o, s:o, s:I, s:{s:I, s:I}, s:o}", "version", 1, "tool",
                             "goleash " GOLEASH_VERSION, "before", side_json(b), "after", side_json(a), "min_growth",
                             (json_int_t)min_growth, "summary", "grown_groups", (json_int_t)flagged, "growth",
                             (json_int_t)flagged_growth, "groups", groups);
    if (!root)
        return -1;
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc == 0 && fputc('\n', out) == EOF)
        rc = -1;
    return rc;
}

/* Formats differ in what they show: gc text hides runtime frames and
 * prints arguments, pprof has no creation site. Across formats, groups are
 * matched on what both show: the user part of the park stack, loosely. */
static unsigned key_flags(const diff *d, int loose)
{
    const char *src0 = d->sides[0].report->source, *src1 = d->sides[1].report->source;
    unsigned flags = loose ? GL_KEY_LOOSE : 0;
    if (strcmp(src0, src1) != 0 || strcmp(src0, "mixed") == 0)
        flags |= GL_KEY_LOOSE | GL_KEY_USER_PART;
    for (int i = 0; i < 2; i++)
        if (has_no_creation(&d->sides[i]))
            flags |= GL_KEY_NO_CREATION;
    return flags;
}

/* The groups of both sides by key, sorted, the grown ones counted. */
static int match_groups(diff *d, unsigned flags)
{
    for (int i = 0; i < 2; i++)
        if (add_groups(&d->table, d->sides[i].report, flags, i) != 0)
            return -1;
    d->n = HASH_COUNT(d->table);
    d->order = malloc((d->n ? d->n : 1) * sizeof *d->order);
    if (!d->order)
        return -1;
    size_t k = 0;
    for (diff_entry *e = d->table; e; e = e->hh.next) {
        d->order[k++] = e;
        if (growth(e) >= d->min_growth) {
            d->flagged++;
            d->flagged_growth += growth(e);
        }
    }
    qsort(d->order, d->n, sizeof *d->order, compare_entries);
    return 0;
}

/* Writes the diff where o says; returns the exit status. */
static int write_diff(const gl_diff_opts *o, const diff *d)
{
    FILE *out = stdout;
    if (o->report.output && !(out = fopen(o->report.output, "w"))) {
        fprintf(stderr, "goleash: %s: %s\n", o->report.output, strerror(errno));
        return GL_EXIT_USAGE;
    }
    int rc = o->report.format == GL_FORMAT_JSON ? write_json(out, d) : write_text(out, d);
    if (fflush(out) != 0)
        rc = -1;
    if (out != stdout && fclose(out) != 0)
        rc = -1;
    if (rc != 0) {
        fprintf(stderr, "goleash: %s: cannot write the diff\n", o->report.output ? o->report.output : "stdout");
        return GL_EXIT_USAGE;
    }
    return d->flagged ? GL_EXIT_LEAKS : GL_EXIT_CLEAN;
}

static void free_diff(diff *d)
{
    free(d->order);
    GL_HASH_FREE(d->table);
    for (int i = 0; i < 2; i++) {
        gl_report_free(d->sides[i].report);
        gl_dump_list_free(&d->sides[i].dumps);
    }
}

int gl_diff(const gl_diff_opts *o, const char *before, const char *after)
{
    gl_warnings w = {0};
    diff d = {.sides = {{.path = before}, {.path = after}}, .min_growth = o->min_growth};
    gl_rules_opts ro = {.min_park_ns = o->report.min_park_ns >= 0 ? o->report.min_park_ns : 0,
                        .loose = o->report.loose};
    int exit_code = GL_EXIT_USAGE;
    int loaded = 1;
    for (int i = 0; i < 2 && loaded; i++)
        loaded = gl_analyze_load(d.sides[i].path, o->report.fetch, &d.sides[i].dumps, &w) == 0;
    if (loaded) {
        int ok = 1;
        for (int i = 0; i < 2 && ok; i++)
            ok = (d.sides[i].report = gl_rules_run(d.sides[i].dumps.v, d.sides[i].dumps.n, &ro)) != NULL;
        if (ok && match_groups(&d, key_flags(&d, ro.loose)) == 0)
            exit_code = write_diff(o, &d);
        else
            gl_memory_oom("comparing the dumps");
    }
    free_diff(&d);
    gl_warnings_free(&w);
    return exit_code;
}
