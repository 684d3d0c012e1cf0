/* What `goleash watch` prints: a line per sample (text), or a JSON object
 * per line (--format json); on a terminal, under the latest line, a summary
 * of the top sites redrawn at each sample. */
#ifndef GOLEASH_WATCH_OUTPUT_H
#define GOLEASH_WATCH_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "watch/sites.h"

#define GL_WATCH_SUMMARY_SITES 10

typedef struct gl_watch_out {
    FILE *f;
    int json;
    int live;               /* a terminal: draw the summary */
    size_t drawn;           /* summary lines on the screen now */
    size_t samples;         /* --samples, for the verdict's words */
} gl_watch_out;

/* One sample: sites judged; goroutines every goroutine in it; at: its unix
 * time; source: where it came from. */
void gl_watch_out_sample(gl_watch_out *o, const gl_sites *sites, uint64_t sample, size_t goroutines, double at,
                         const char *source);

/* --once's last line: growing when a site grew (sites says which). */
void gl_watch_out_verdict(gl_watch_out *o, const gl_sites *sites, int growing);

/* Erases the summary (before anything else may print on the terminal). */
void gl_watch_out_clear(gl_watch_out *o);

#endif
