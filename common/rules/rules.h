/* The leak rules: the one place that decides which parked goroutines are
 * leaks and how they group. Used in-process by the shim's exit report and by
 * `goleash report`, so both always agree. */
#ifndef GOLEASH_RULES_H
#define GOLEASH_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "names/args_shape.h"

struct gl_suppressions;

typedef struct gl_rules_opts {
    /* Goroutines parked for less than this are still "running".
     * Negative: use each dump's own info.min_park_ns. */
    int64_t min_park_ns;
    /* 0: exact grouping (function, file:line, offset, argument shape);
     * 1: loose (function and file only: ignores arguments, offsets and line
     * drift between builds). */
    int loose;
    /* 1: leaks attributed to "setup" (spawned outside any test) are left
     * out of the verdict and only counted; 0: reported; negative: each
     * dump's own info.ignore_setup. */
    int ignore_setup;
} gl_rules_opts;

/* The attribution of leaks spawned outside any test's goroutine tree (init,
 * TestMain before and after m.Run) in a process that ran tests. */
#define GL_TEST_SETUP "setup"

typedef enum gl_category {
    GL_CAT_CHAN_RECEIVE, GL_CAT_CHAN_SEND, GL_CAT_NIL_CHAN_RECEIVE, GL_CAT_NIL_CHAN_SEND,
    GL_CAT_SELECT, GL_CAT_SELECT_FOREVER, GL_CAT_CONTEXT, GL_CAT_MUTEX, GL_CAT_RWMUTEX,
    GL_CAT_WAITGROUP, GL_CAT_COND, GL_CAT_SEMA,
    GL_CAT_OTHER,     /* the runtime says leaked (Go 1.26 goroutineleak), the wait is not known */
    GL_CAT_CHAN,      /* a channel send or receive, the source does not tell which (pprof debug=1) */
    GL_CAT_ONCE       /* sync.Once.Do waiting for another goroutine's f (the last category) */
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
    const gl_lock *lock;          /* the Mutex, RWMutex or Once the first goroutine waits
                                   * on, with its holders (shim dumps only), NULL none */
    size_t nancestors;
    gl_ancestor *ancestors;       /* parent first, at most GL_MAX_ANCESTORS */
    const char *test;             /* the test whose goroutine tree spawned it ("TestA/sub");
                                   * "setup" when spawned before any test; NULL when the
                                   * process ran no tests */
} gl_leak_group;

#define GL_MAX_ANCESTORS 64

/* A test the dumps' processes started, with what leaked from it. */
typedef struct gl_test_result {
    const char *name;             /* "TestA/sub" */
    size_t leaked;                /* goroutines, summed over its groups */
    size_t groups;
} gl_test_result;

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
    /* Set by gl_supp_apply (suppress.h); zero/NULL when none were applied.
     * Suppressed groups are no longer in groups[] nor in leaked. */
    size_t suppressed;            /* goroutines in suppressed groups */
    size_t suppressed_groups;
    const struct gl_suppressions *suppressions; /* the rules, with their hits */
    size_t ntests;
    gl_test_result *tests;        /* every test started, in start order (merged by name
                                   * across dumps); empty when no dump ran tests */
    size_t tests_dropped;         /* tests the shim started but did not list */
    size_t setup_leaked;          /* goroutines attributed to "setup" (in groups or ignored) */
    size_t ignored_setup;         /* of them, left out by ignore_setup */
    size_t below_min_park;        /* leak suspects not judged: parked for less than min_park */
    int64_t min_park_hid_ns;      /* the largest min_park that hid one of them */
    const char *source;           /* the dumps' format (gl_dump.source), "mixed"
                                   * when they differ, "goleash" when none */
} gl_report;

/* Judges the goroutines of all dumps together (a process tree leaves one
 * dump per process; same code groups across them). NULL opts = min_park 0.
 * Returns NULL only when out of memory. */
gl_report *gl_rules_run(gl_dump *const *dumps, size_t ndumps, const gl_rules_opts *opts);
void gl_report_free(gl_report *r);

/* The identity of a group, for matching groups across reports (goleash
 * diff): category, test, park stack and creation stack, keyed as the
 * grouping mode keys them. GL_KEY_USER_PART starts the park stack at
 * blocked_at (formats differ in which runtime frames they show) and
 * GL_KEY_NO_CREATION leaves out the creation stack (pprof has none).
 * Returns a malloc'd byte string of *len bytes, NULL when out of memory. */
enum { GL_KEY_LOOSE = 1, GL_KEY_USER_PART = 2, GL_KEY_NO_CREATION = 4 };
char *gl_rules_group_key(const gl_leak_group *g, unsigned flags, size_t *len);

/* A group's wait reason as its source spelled it: a text dump's own words
 * (gc 1.22+ says sync.Mutex.Lock where libgo's table has semacquire), else
 * Go's string for the number; "" when neither is known. */
const char *gl_group_reason(const gl_leak_group *g);

/* The first frame of s whose function is user code (not runtime, sync,
 * context, time, internal/), else the innermost frame; NULL when s is empty.
 * *index (may be NULL) receives its position. Used for blocked_at and for
 * the sites of make(chan) and context creation. */
const gl_frame *gl_rules_user_frame(const gl_stack *s, size_t *index);
/* The function a goroutine was started with, as the user wrote it: past a
 * compiler wrapper (gccgo's main.go..thunk0 for `go f(x)`) when the stack
 * shows what the wrapper called; the wrapper's name when it does not. */
const char *gl_rules_start_function(const gl_goroutine *g);

/* The first frame of a creation stack that is not __go_go / runtime. */
const gl_frame *gl_rules_creation_frame(const gl_stack *s, size_t *index);

/* The lock a parked goroutine waits on (a `lock` record of its dump, for a
 * mutex, rwmutex, rwmutex-r or once wait), NULL when none is known. */
const gl_lock *gl_waited_lock(const gl_goroutine *g);

/* What a lock's holder is doing at the dump, for the reports. */
typedef struct gl_holder_state {
    const gl_goroutine *g;        /* the holder's record in the dump, NULL when absent */
    int exited;                   /* exited without unlocking */
    const gl_frame *blocked_at;   /* parked: where (gl_rules_user_frame), else NULL */
    const char *category;         /* parked: its wait's category name, else NULL */
    const gl_lock *waits_on;      /* parked on another lock: that lock (the chain), else NULL */
} gl_holder_state;
void gl_holder_state_of(const gl_dump *d, const gl_holder *h, gl_holder_state *out);
/* "mutex", "rwmutex", "once": the word for a lock's kind in reports. */
const char *gl_lock_kind_name(const gl_lock *l);

/* The wait-reason numbers that can be a leak (3 4 9 10 14 15 18 20). */
int gl_rules_reason_is_candidate(int reason);

#endif
