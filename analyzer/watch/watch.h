/* `goleash watch SOURCE`: samples a service's goroutines every interval,
 * keeps a window of samples, and reports the sites whose goroutine count
 * keeps growing (growth.h states the rule); optionally serves the counts
 * as Prometheus metrics or writes them for node_exporter. */
#ifndef GOLEASH_WATCH_H
#define GOLEASH_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"

#define GL_WATCH_DEFAULT_INTERVAL_NS (30 * (int64_t)1000000000)
#define GL_WATCH_DEFAULT_WINDOW 20

typedef struct gl_watch_opts {
    const gl_report_opts *report;   /* format, -o, grouping, suppressions, fetch, min_park */
    int64_t interval_ns;
    size_t window, samples, max_sites;
    int64_t min_growth;
    int once;
    const char *listen;             /* --listen ADDR, NULL none */
    const char *textfile;           /* --textfile DIR, NULL none */
} gl_watch_opts;

/* Runs until SIGINT or SIGTERM (exit GL_EXIT_CLEAN), or with once until a
 * verdict: GL_EXIT_LEAKS when a site grows within o->samples samples,
 * GL_EXIT_CLEAN when none does, GL_EXIT_USAGE when a sample fails.
 * GL_EXIT_USAGE too for a bad SOURCE, --listen or --textfile. */
int gl_watch(const gl_watch_opts *o, const char *source);

#endif
