/* The sites `goleash watch` follows: one per leak group key (blocking site
 * and creation site, loosely: builds and line drift do not split them),
 * with its goroutine count in each sample of the window. Everything is
 * copied out of the sample's report, whose dumps are freed after it. */
#ifndef GOLEASH_WATCH_SITES_H
#define GOLEASH_WATCH_SITES_H

#include <stddef.h>
#include <stdint.h>
#include <uthash.h>

#include "rules/rules.h"
#include "watch/growth.h"

typedef struct gl_site {
    char *label;            /* "main.leakyWorker at main.go:22" */
    char *function, *file;  /* NULL unknown; file as the dump gives it */
    int line;
    char *created;          /* the creation site's label, NULL unknown */
    const char *category;   /* gl_category_name */
    int64_t *counts;        /* one per sample of the window, oldest first */
    gl_growth growth;       /* after gl_sites_judge */
    UT_hash_handle hh;
    size_t keylen;
    char key[];
} gl_site;

typedef struct gl_sites {
    size_t window;          /* samples kept */
    size_t n;               /* samples in the window now (<= window) */
    uint64_t taken;         /* samples ever added */
    gl_site *table;
} gl_sites;

void gl_sites_init(gl_sites *s, size_t window);

/* The key flags a report's groups are matched by across samples: loose
 * unless exact, the user part of the stack, and no creation site when the
 * source has none (pprof). */
unsigned gl_sites_key_flags(const gl_report *r, int exact);

/* Adds one sample: every site's count in r (a site absent from r counts
 * 0); a site whose counts are all 0 over the window is forgotten. 0, or -1
 * out of memory. */
int gl_sites_add(gl_sites *s, const gl_report *r, unsigned key_flags);

/* Applies the growth rule to every site. */
void gl_sites_judge(gl_sites *s, const gl_growth_opts *o);

/* The latest count of a site. */
int64_t gl_site_count(const gl_sites *s, const gl_site *site);

/* The sites, growing ones first, then by latest count (descending), then
 * by label: a malloc'd array of *n (NULL when there are none). */
gl_site **gl_sites_sorted(const gl_sites *s, size_t *n);

void gl_sites_free(gl_sites *s);

#endif
