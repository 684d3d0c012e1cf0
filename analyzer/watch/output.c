/* The watch's output (output.h). */
#include "watch/output.h"

#include <jansson.h>
#include <stdlib.h>
#include <time.h>

/* "+1", "+0.5", "-2": a slope the way a person reads it. */
static void put_slope(FILE *f, double slope)
{
    fprintf(f, "%+.2g", slope);
}

static void put_growing(FILE *f, gl_site *const *v, size_t n)
{
    size_t shown = 0;
    for (size_t i = 0; i < n && v[i]->growth.growing; i++) {
        fprintf(f, "%s%s (", shown++ ? "; " : "", v[i]->label);
        put_slope(f, v[i]->growth.slope);
        fprintf(f, "/sample, %lld\u2192%lld)", (long long)v[i]->growth.from, (long long)v[i]->growth.to);
    }
    if (!shown)
        fputs("none", f);
}

static void text_line(gl_watch_out *o, const gl_sites *s, gl_site *const *v, size_t n, uint64_t sample,
                      size_t goroutines)
{
    int64_t blocked = 0;
    for (size_t i = 0; i < n; i++)
        blocked += gl_site_count(s, v[i]);
    fprintf(o->f, "sample %llu: %zu goroutines, %lld blocked at %zu site%s, growing: ", (unsigned long long)sample,
            goroutines, (long long)blocked, n, n == 1 ? "" : "s");
    put_growing(o->f, v, n);
    fputc('\n', o->f);
}

static void summary(gl_watch_out *o, const gl_sites *s, gl_site *const *v, size_t n)
{
    fprintf(o->f, "%8s %10s  %s\n", "count", "per sample", "site");
    o->drawn = 1;
    for (size_t i = 0; i < n && i < GL_WATCH_SUMMARY_SITES; i++, o->drawn++) {
        fprintf(o->f, "%8lld %+10.2f  %s%s\n", (long long)gl_site_count(s, v[i]), v[i]->growth.slope, v[i]->label,
                v[i]->growth.growing ? "  GROWING" : "");
    }
    if (n > GL_WATCH_SUMMARY_SITES) {
        fprintf(o->f, "%8s %10s  (%zu more)\n", "", "", n - GL_WATCH_SUMMARY_SITES);
        o->drawn++;
    }
}

void gl_watch_out_clear(gl_watch_out *o)
{
    if (o->drawn)
        fprintf(o->f, "\033[%zuA\033[J", o->drawn);
    o->drawn = 0;
    fflush(o->f);
}

static json_t *site_json(const gl_sites *s, const gl_site *e)
{
    return json_pack("{s:s, s:s?, s:s?, s:i, s:s?, s:s, s:I, s:f, s:I, s:I, s:b}", "site", e->label, "function",
                     e->function, "file", e->file, "line", e->line, "created_by", e->created, "category",
                     e->category, "count", (json_int_t)gl_site_count(s, e), "growth_per_sample", e->growth.slope,
                     "from", (json_int_t)e->growth.from, "to", (json_int_t)e->growth.to, "growing",
                     e->growth.growing);
}

static void json_line(gl_watch_out *o, const gl_sites *s, gl_site *const *v, size_t n, uint64_t sample,
                      size_t goroutines, double at, const char *source)
{
    json_t *sites = json_array(), *growing = json_array();
    for (size_t i = 0; sites && growing && i < n; i++) {
        json_array_append_new(sites, site_json(s, v[i]));
        if (v[i]->growth.growing)
            json_array_append_new(growing, json_string(v[i]->label));
    }
    json_t *root = json_pack("{s:I, s:f, s:s, s:I, s:o, s:o}", "sample", (json_int_t)sample, "time", at, "source",
                             source, "goroutines", (json_int_t)goroutines, "growing", growing, "sites", sites);
    if (root) {
        json_dumpf(root, o->f, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', o->f);
    }
    json_decref(root);
}

void gl_watch_out_sample(gl_watch_out *o, const gl_sites *sites, uint64_t sample, size_t goroutines, double at,
                         const char *source)
{
    size_t n;
    gl_site **v = gl_sites_sorted(sites, &n);
    gl_watch_out_clear(o);
    if (o->json) {
        json_line(o, sites, v, n, sample, goroutines, at, source);
    } else {
        text_line(o, sites, v, n, sample, goroutines);
        if (o->live)
            summary(o, sites, v, n);
    }
    fflush(o->f);
    free(v);
}

void gl_watch_out_verdict(gl_watch_out *o, const gl_sites *sites, int growing)
{
    size_t n;
    gl_site **v = gl_sites_sorted(sites, &n);
    gl_watch_out_clear(o);
    if (o->json) {
        json_t *names = json_array();
        for (size_t i = 0; names && i < n && v[i]->growth.growing; i++)
            json_array_append_new(names, json_string(v[i]->label));
        json_t *root = json_pack("{s:s, s:I, s:o}", "verdict", growing ? "growing" : "none", "samples",
                                 (json_int_t)sites->taken, "growing", names);
        if (root) {
            json_dumpf(root, o->f, JSON_COMPACT | JSON_PRESERVE_ORDER);
            fputc('\n', o->f);
        }
        json_decref(root);
    } else if (growing) {
        fprintf(o->f, "goleash: watch: growing within %zu samples: ", o->samples);
        put_growing(o->f, v, n);
        fputc('\n', o->f);
    } else {
        fprintf(o->f, "goleash: watch: no site grew over %llu samples\n", (unsigned long long)sites->taken);
    }
    fflush(o->f);
    free(v);
}
