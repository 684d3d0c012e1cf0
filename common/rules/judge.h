/* Private to common/rules/: the state of one gl_rules_run and how its
 * parts call each other. report.c walks the goroutines and assembles the
 * report; classify.c says what a goroutine waits on and whether that can be
 * a leak; attribute.c which test it belongs to; group.c which leak it is
 * part of. */
#ifndef GOLEASH_RULES_JUDGE_H
#define GOLEASH_RULES_JUDGE_H

#include "rules/rules.h"

struct group_entry;
struct fast_entry;
struct attr_entry;
struct test_entry;

/* A text key being built (group.c). */
typedef struct gl_keybuf {
    char *s;
    size_t len, cap;
} gl_keybuf;

typedef struct gl_judge {
    gl_report *r;
    int loose;                  /* loose grouping */
    /* group.c */
    struct fast_entry *fast;    /* (stack, created, test, category) -> group */
    struct group_entry *table;  /* text key -> group */
    gl_keybuf key;
    size_t cap_groups;
    size_t *cap_goids;          /* parallel to r->groups */
    /* report.c */
    size_t cap_running;
    /* attribute.c, for the dump being judged */
    struct attr_entry *attr;    /* test attribution memo, per goroutine */
    int ignore_setup;
    int dump_ran_tests;         /* it lists tests or tags goroutines */
    struct test_entry *tests;   /* name -> r->tests index */
    size_t cap_tests;
} gl_judge;

/* ---- classify.c ---- */
int gl_leak_candidate(const gl_goroutine *g);
gl_category gl_category_of(const gl_goroutine *g);
/* -1 when the park time is unknown (no since_ns, or clocks disagree). */
int64_t gl_parked_ns(const gl_goroutine *g);
int gl_waits_on_channels(const gl_goroutine *g);
const gl_chan *gl_live_timer(const gl_goroutine *g);
/* The goroutine's channel of os.Signal (woken by a signal), or NULL. */
const gl_chan *gl_signal_chan(const gl_goroutine *g);
int gl_woken_by_close(const gl_goroutine *g);
const gl_context *gl_uncancelled_context(const gl_goroutine *g);
/* The channel a goroutine waits on, for the report: not a timer's if it can. */
const gl_chan *gl_main_chan(const gl_goroutine *g);

/* ---- attribute.c ---- */
/* GL_TEST_SETUP, compared by pointer: no real test is named "setup" (a
 * top-level test's name starts with Test, a subtest's holds a '/'). */
extern const char gl_setup_test[];
/* The test whose goroutine tree g belongs to, gl_setup_test, or NULL when
 * the dump ran no tests. */
int gl_attribute(gl_judge *j, const gl_goroutine *g, const char **test);
/* Every test started, in start order, with what leaked from it. */
int gl_tally_tests(gl_judge *j, gl_dump *const *dumps, size_t ndumps);
void gl_attribution_free(gl_judge *j);

/* ---- group.c ---- */
/* Adds leaked goroutine g (weight goroutines) to its group, made when new. */
int gl_group_add(gl_judge *j, const gl_goroutine *g, gl_category cat, const gl_context *ctx, const char *test,
                 size_t weight);
void gl_groups_free(gl_judge *j);
/* Frees what a group owns (its ids, processes and ancestors). */
void gl_group_release(gl_leak_group *g);

#endif
