/* The metrics text (metrics.h). */
#include "watch/metrics.h"

#include <stdlib.h>
#include <string.h>

int gl_metrics_from_sites(gl_metrics *m, const gl_sites *sites)
{
    size_t n;
    gl_site **v = gl_sites_sorted(sites, &n);
    m->sites = n ? calloc(n, sizeof *m->sites) : NULL;
    m->nsites = 0;
    if (n && !m->sites) {
        free(v);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        gl_metric_site *s = &m->sites[m->nsites];
        if (!(s->site = strdup(v[i]->label))) {
            free(v);
            gl_metrics_free(m);
            return -1;
        }
        s->category = v[i]->category;
        s->goroutines = gl_site_count(sites, v[i]);
        s->growing = v[i]->growth.growing;
        s->growth = v[i]->growth.slope;
        m->nsites++;
    }
    free(v);
    return 0;
}

int gl_metrics_copy(gl_metrics *dst, const gl_metrics *src)
{
    *dst = *src;
    dst->nsites = 0;
    dst->sites = src->nsites ? calloc(src->nsites, sizeof *dst->sites) : NULL;
    if (src->nsites && !dst->sites)
        return -1;
    for (size_t i = 0; i < src->nsites; i++) {
        dst->sites[i] = src->sites[i];
        if (!(dst->sites[i].site = strdup(src->sites[i].site))) {
            gl_metrics_free(dst);
            return -1;
        }
        dst->nsites++;
    }
    return 0;
}

void gl_metrics_free(gl_metrics *m)
{
    for (size_t i = 0; i < m->nsites; i++)
        free(m->sites[i].site);
    free(m->sites);
    m->sites = NULL;
    m->nsites = 0;
}

void gl_metrics_put_label_value(FILE *out, const char *value)
{
    for (const char *p = value; *p; p++) {
        if (*p == '\\')
            fputs("\\\\", out);
        else if (*p == '"')
            fputs("\\\"", out);
        else if (*p == '\n')
            fputs("\\n", out);
        else
            fputc(*p, out);
    }
}

/* One string, so rows can compare sites by pointer. */
static const char other_site[] = GL_METRICS_OTHER;

/* One (site, category) series after the cap, and its site's totals. */
typedef struct folded {
    const char *site;       /* a kept label or GL_METRICS_OTHER */
    const char *category;
    int64_t goroutines;
} folded;

typedef struct folded_site {
    const char *site;
    int growing;
    double growth;
} folded_site;

typedef struct folding {
    folded *rows;
    folded_site *sites;
    size_t nrows, nsites, kept;
} folding;

static folded_site *site_slot(folding *f, const char *label, size_t max_sites)
{
    for (size_t i = 0; i < f->nsites; i++)
        if (strcmp(f->sites[i].site, label) == 0)
            return &f->sites[i];
    if (f->kept >= max_sites)
        return NULL;
    f->kept++;
    f->sites[f->nsites] = (folded_site){.site = label};
    return &f->sites[f->nsites++];
}

static void add_row(folding *f, const char *site, const char *category, int64_t goroutines)
{
    for (size_t i = 0; i < f->nrows; i++)
        if (f->rows[i].site == site && strcmp(f->rows[i].category, category) == 0) {
            f->rows[i].goroutines += goroutines;
            return;
        }
    f->rows[f->nrows++] = (folded){site, category, goroutines};
}

/* The sites in m's order up to max_sites labels; the rest under "other",
 * which comes last. 0, or -1 out of memory. */
static int fold(folding *f, const gl_metrics *m, size_t max_sites)
{
    f->rows = calloc(m->nsites + 1, sizeof *f->rows);
    f->sites = calloc(m->nsites + 1, sizeof *f->sites);
    if (!f->rows || !f->sites)
        return -1;
    folded_site other = {.site = other_site};
    int any_other = 0;
    for (size_t i = 0; i < m->nsites; i++) {
        const gl_metric_site *s = &m->sites[i];
        folded_site *slot = site_slot(f, s->site, max_sites);
        if (!slot) {
            slot = &other;
            any_other = 1;
        }
        slot->growing |= s->growing;
        slot->growth += s->growth;
    }
    /* Rows after the sites, so "other" rows follow every kept site's. */
    if (any_other)
        f->sites[f->nsites++] = other;
    for (size_t i = 0; i < m->nsites; i++) {
        const gl_metric_site *s = &m->sites[i];
        const char *site = other_site;
        for (size_t k = 0; k < f->kept; k++)
            if (strcmp(f->sites[k].site, s->site) == 0)
                site = f->sites[k].site;
        add_row(f, site, s->category, s->goroutines);
    }
    return 0;
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void site_families(FILE *out, const folding *f)
{
    family(out, "goleash_goroutines", "gauge",
           "Goroutines parked at a blocking site in the latest sample, by leak category.");
    for (size_t i = 0; i < f->nrows; i++) {
        fputs("goleash_goroutines{site=\"", out);
        gl_metrics_put_label_value(out, f->rows[i].site);
        fprintf(out, "\",category=\"%s\"} %lld\n", f->rows[i].category, (long long)f->rows[i].goroutines);
    }
    family(out, "goleash_suspects", "gauge", "1 while the site's goroutine count keeps growing, else 0.");
    for (size_t i = 0; i < f->nsites; i++) {
        fputs("goleash_suspects{site=\"", out);
        gl_metrics_put_label_value(out, f->sites[i].site);
        fprintf(out, "\"} %d\n", f->sites[i].growing);
    }
    family(out, "goleash_site_growth_per_sample", "gauge",
           "Least-squares growth of the site's goroutines per sample over the last --samples samples.");
    for (size_t i = 0; i < f->nsites; i++) {
        fputs("goleash_site_growth_per_sample{site=\"", out);
        gl_metrics_put_label_value(out, f->sites[i].site);
        fprintf(out, "\"} %.6g\n", f->sites[i].growth);
    }
}

/* A counter: OpenMetrics names the family without _total, the text format
 * with it; the sample is name_total in both. */
static void counter(FILE *out, const char *name, const char *help, uint64_t v, int openmetrics)
{
    char family_name[64];
    snprintf(family_name, sizeof family_name, "%s%s", name, openmetrics ? "" : "_total");
    family(out, family_name, "counter", help);
    fprintf(out, "%s_total %llu\n", name, (unsigned long long)v);
}

static void process_families(FILE *out, const gl_metrics *m, int openmetrics, double now)
{
    if (m->sampled_at > 0) {
        family(out, "goleash_sample_goroutines", "gauge", "Every goroutine of the latest sample.");
        fprintf(out, "goleash_sample_goroutines %lld\n", (long long)m->goroutines);
        family(out, "goleash_sample_age_seconds", "gauge", "Seconds since the latest successful sample.");
        fprintf(out, "goleash_sample_age_seconds %.3f\n", now > m->sampled_at ? now - m->sampled_at : 0.0);
    }
    counter(out, "goleash_samples", "Successful samples.", m->samples, openmetrics);
    counter(out, "goleash_scrape_errors", "Samples that failed: the source could not be fetched, read or snapshot.",
            m->errors, openmetrics);
}

char *gl_metrics_render(const gl_metrics *m, size_t max_sites, int openmetrics, double now, size_t *len)
{
    folding f = {0};
    char *text = NULL;
    FILE *out = NULL;
    if (fold(&f, m, max_sites) == 0 && (out = open_memstream(&text, len))) {
        site_families(out, &f);
        process_families(out, m, openmetrics, now);
        if (openmetrics)
            fputs("# EOF\n", out);
        if (fclose(out) != 0) {
            free(text);
            text = NULL;
        }
    }
    free(f.rows);
    free(f.sites);
    return text;
}
