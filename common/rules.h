/* The leak rules: the one place that decides which parked goroutines are
 * leaks and how they group. Used in-process by the shim's exit report and by
 * `goleash report`, so both always agree. */
#ifndef GOLEASH_RULES_H
#define GOLEASH_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

typedef struct gl_rules_opts {
    /* Goroutines parked for less than this are still "running".
     * Negative: use each dump's own info.min_park_ns. */
    int64_t min_park_ns;
    /* 0: exact grouping (function, file:line, offset, argument shape);
     * 1: loose (function and file only: ignores arguments, offsets and line
     * drift between builds). */
    int loose;
} gl_rules_opts;

typedef enum gl_category {
    GL_CAT_CHAN_RECEIVE, GL_CAT_CHAN_SEND, GL_CAT_NIL_CHAN_RECEIVE, GL_CAT_NIL_CHAN_SEND,
    GL_CAT_SELECT, GL_CAT_SELECT_FOREVER, GL_CAT_CONTEXT, GL_CAT_MUTEX, GL_CAT_RWMUTEX,
    GL_CAT_WAITGROUP, GL_CAT_COND, GL_CAT_SEMA
} gl_category;

/* "chan-receive", "select-forever", ... as in docs/json-format.md. */
const char *gl_category_name(gl_category c);

typedef struct gl_ancestor {
    int64_t goid;
    const char *function;        /* its start function, NULL unknown */
} gl_ancestor;

/* Goroutines parked at the same code, created at the same code: one leak.
 * Pointers point into the dumps given to gl_rules_run (keep them alive). */
typedef struct gl_leak_group {
    size_t count;
    gl_category category;
    gl_wait wait;                 /* of the first goroutine */
    int reason;                   /* wait-reason number of the first goroutine */
    const gl_goroutine *first;    /* the first goroutine (in dump order) */
    const gl_dump *dump;          /* its dump (for times relative to the dump) */
    const gl_stack *stack;        /* its park stack, NULL unknown */
    const gl_stack *created;      /* its creation stack, NULL unknown */
    size_t blocked_index;         /* index of blocked_at in stack */
    const gl_frame *blocked_at;   /* NULL when the stack is unknown or empty */
    size_t created_index;
    const gl_frame *created_at;   /* NULL when the creation stack is unknown or empty */
    int64_t parked_min_ns, parked_max_ns; /* -1 when no goroutine's park time is known */
    size_t ngoids;
    int64_t *goids;               /* the known ids, in dump order (a pprof sample
                                   * counts goroutines without ids: ngoids <= count) */
    size_t npids;
    int64_t *pids;                /* distinct, in order of first appearance */
    const gl_chan *chan;          /* the channel the first goroutine waits on, NULL none */
    const gl_context *context;    /* for GL_CAT_CONTEXT */
    size_t nancestors;
    gl_ancestor *ancestors;       /* parent first, at most GL_MAX_ANCESTORS */
    const char *test;             /* the test whose goroutine tree spawned it ("TestA/sub");
                                   * "setup" when spawned before any test; NULL when the
                                   * process ran no tests */
} gl_leak_group;

#define GL_MAX_ANCESTORS 64

/* A user goroutine alive at its dump that is not a leak. */
typedef struct gl_running {
    int64_t goid;
    int64_t pid;
    const gl_goroutine *g;
    const char *function;         /* start function, NULL unknown */
    const gl_frame *created_at;   /* NULL unknown */
} gl_running;

typedef struct gl_report {
    size_t ngroups;
    gl_leak_group *groups;        /* count desc, then blocked_at function, then category */
    size_t nrunning;
    gl_running *running;          /* in dump order */
    size_t leaked;                /* sum of the groups' counts */
    size_t goroutines;            /* every goroutine alive at its dump, system ones included */
    size_t ndumps;
    int truncated;                /* some dump was truncated */
    const char *source;           /* the dumps' format (gl_dump.source), "mixed"
                                   * when they differ, "goleash" when none */
} gl_report;

/* Judges the goroutines of all dumps together (a process tree leaves one
 * dump per process; same code groups across them). NULL opts = min_park 0.
 * Returns NULL only when out of memory. */
gl_report *gl_rules_run(gl_dump *const *dumps, size_t ndumps, const gl_rules_opts *opts);
void gl_report_free(gl_report *r);

/* The first frame of s whose function is user code (not runtime, sync,
 * context, time, internal/), else the innermost frame; NULL when s is empty.
 * *index (may be NULL) receives its position. Used for blocked_at and for
 * the sites of make(chan) and context creation. */
const gl_frame *gl_rules_user_frame(const gl_stack *s, size_t *index);

/* The shape of a text dump's argument list for exact grouping: values that
 * look like addresses (>= 0x10000) become "*", so goroutines that differ only
 * in the pointers they were handed group together. Writes at most cap bytes
 * (NUL included) to out; returns the length it needed. */
size_t gl_rules_args_shape(const char *args, char *out, size_t cap);

/* The first frame of a creation stack that is not __go_go / runtime. */
const gl_frame *gl_rules_creation_frame(const gl_stack *s, size_t *index);

/* The wait-reason numbers that can be a leak (3 4 9 10 14 15 18 20). */
int gl_rules_reason_is_candidate(int reason);

#endif
