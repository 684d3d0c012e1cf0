/* The metrics of `goleash watch` as Prometheus text (format 0.0.4) or
 * OpenMetrics 1.0 text: what --listen serves and --textfile writes. A
 * gl_metrics is a self-contained copy of one sample's state, so the HTTP
 * server's thread can render it while the next sample is taken. */
#ifndef GOLEASH_WATCH_METRICS_H
#define GOLEASH_WATCH_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "watch/sites.h"

#define GL_METRICS_DEFAULT_MAX_SITES 20
#define GL_METRICS_OTHER "other"

typedef struct gl_metric_site {
    char *site;             /* the blocking site's label */
    const char *category;   /* static (gl_category_name) */
    int64_t goroutines;
    int growing;
    double growth;          /* per sample */
} gl_metric_site;

typedef struct gl_metrics {
    gl_metric_site *sites;  /* growing first, then by count: the order the cap keeps */
    size_t nsites;
    int64_t goroutines;     /* every goroutine of the latest sample */
    double sampled_at;      /* unix seconds of the latest good sample; 0: none yet */
    uint64_t samples, errors;
} gl_metrics;

/* A copy of sites' state (sites judged, in gl_sites_sorted order); the
 * other fields are the caller's. 0, or -1 out of memory (m emptied). */
int gl_metrics_from_sites(gl_metrics *m, const gl_sites *sites);

/* A deep copy of src into dst. 0, or -1 out of memory (dst empty). */
int gl_metrics_copy(gl_metrics *dst, const gl_metrics *src);

void gl_metrics_free(gl_metrics *m);

/* m as text at time now (unix seconds, for goleash_sample_age_seconds):
 * OpenMetrics when openmetrics (counter families named without _total,
 * `# EOF` at the end), else Prometheus text. At most max_sites distinct
 * site label values, the first in m's order; the rest are summed under
 * site="other". A malloc'd string of *len bytes, NULL out of memory. */
char *gl_metrics_render(const gl_metrics *m, size_t max_sites, int openmetrics, double now, size_t *len);

/* value escaped for a label: backslash, double quote and line feed as
 * \\, \" and \n. */
void gl_metrics_put_label_value(FILE *out, const char *value);

#endif
