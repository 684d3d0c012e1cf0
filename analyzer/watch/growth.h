/* The growth rule of `goleash watch`: whether a site's goroutine count
 * keeps growing, judged on its counts over the sampling window. Pure
 * arithmetic on a series, so the rule can be tested on made-up series
 * (docs/services.md states it). */
#ifndef GOLEASH_WATCH_GROWTH_H
#define GOLEASH_WATCH_GROWTH_H

#include <stddef.h>
#include <stdint.h>

#define GL_GROWTH_DEFAULT_SAMPLES 6

typedef struct gl_growth_opts {
    size_t samples;         /* S: the run of latest samples judged, >= 2 */
    int64_t min_growth;     /* the least rise over those S samples, >= 1 */
} gl_growth_opts;

typedef struct gl_growth {
    int growing;
    double slope;           /* least squares over the last S samples (all when fewer), per sample */
    int64_t from, to;       /* the first and last of those samples */
} gl_growth;

/* The drop from the highest count so far that still counts as no drop:
 * 5% of it, rounded down, so small counts must never fall. */
int64_t gl_growth_tolerance(int64_t high);

/* Judges counts (oldest first, n of them: the window; a sample without the
 * site counts 0). Growing needs at least o->samples counts and, over the
 * last S of them x[0..S-1], with E the counts before them in the window:
 *   1. no drop: every x[i] >= max(x[0..i-1]) - tolerance;
 *   2. rise: x[S-1] - x[0] >= min_growth;
 *   3. persistence: at least max(2, ceil((S-1)/3)) of the S-1 steps rise;
 *   4. trend: the least-squares slope over the whole window is positive;
 *   5. a new level: x[0] >= max(E) and x[S-1] > max(E);
 *   6. beyond the noise: x[S-1] - x[0] > the largest fall between two
 *      consecutive counts anywhere in the window.
 * 1 and 3 let one burst, or a spike that comes and goes, pass unflagged;
 * 5 and 6 keep noise and a return to an earlier level from reading as
 * growth. A leak never lets its goroutines go, so it passes all six. */
void gl_growth_judge(const int64_t *counts, size_t n, const gl_growth_opts *o, gl_growth *out);

/* The least-squares slope of counts over their index; 0 for n < 2. */
double gl_growth_slope(const int64_t *counts, size_t n);

#endif
