#include "suites.h"

#include "rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Stacks shared by the rules tests: 1 parks in main.worker (under two
 * runtime frames), 3 parks in main.other, 2 is a `go` statement in main.main. */
#define BASE                                                         \
    "module id=0 base=0x400000 build_id=- path=/src/prog\n"          \
    "sym pc=0x1000 mod=-1 off=0x10 name=runtime.gopark\n"            \
    "sym pc=0x1100 mod=-1 off=0x20 name=runtime.chanrecv1\n"         \
    "sym pc=0x1200 mod=-1 off=0x30 name=__go_go\n"                   \
    "sym pc=0x1300 mod=-1 off=0x40 name=sync.runtime_SemacquireMutex\n" \
    "sym pc=0x401000 mod=0 off=0x1 name=main.worker\n"               \
    "sym pc=0x402000 mod=0 off=0x2 name=main.main\n"                 \
    "sym pc=0x403000 mod=0 off=0x3 name=main.other\n"                \
    "stack id=1 pcs=0x1000,0x1100,0x401000,0x402000\n"               \
    "stack id=2 pcs=0x1200,0x402000\n"                               \
    "stack id=3 pcs=0x1000,0x403000\n"                               \
    "stack id=4 pcs=0x1000,0x1300,0x1100\n"                          \
    "stack id=5 pcs=0x1000,0x9999,0x401000\n"                        \
    "goroutine id=1 parent=0 start=0x402000 state=running\n"

static gl_dump *dump_of(const char *records)
{
    size_t n = strlen(TEST_HEADER BASE) + strlen(records) + 8;
    char *text = malloc(n);
    snprintf(text, n, "%s%s%s", TEST_HEADER BASE, records, "end\n");
    gl_dump *d = parse_ok(text);
    free(text);
    return d;
}

static gl_report *rules_of(gl_dump *d, int64_t min_park_ns)
{
    gl_rules_opts o = {.min_park_ns = min_park_ns};
    gl_report *r = gl_rules_run(&d, 1, &o);
    ck_assert_ptr_nonnull(r);
    return r;
}

static const struct {
    const char *fields;
    const char *category;
} categories[] = {
    {"wait=chan reason=14 chans=0xc1", "chan-receive"},
    {"wait=chan reason=15 chans=0xc1", "chan-send"},
    {"wait=nilchan reason=3 chans=", "nil-chan-receive"},
    {"wait=nilchan reason=4", "nil-chan-send"},
    {"wait=select reason=9 chans=0xc1,0xc2", "select"},
    {"wait=forever reason=10", "select-forever"},
    {"wait=mutex reason=18 obj=0xc000010000", "mutex"},
    {"wait=rwmutex reason=18", "rwmutex"},
    {"wait=rwmutex-r reason=18", "rwmutex"},
    {"wait=waitgroup reason=18", "waitgroup"},
    {"wait=cond reason=20", "cond"},
    {"wait=sema reason=18", "sema"},
    {"reason=14", "chan-receive"},
    {"reason=9", "select"},
};

START_TEST(classifies_every_category)
{
    char rec[512];
    snprintf(rec, sizeof rec,
             "goroutine id=7 parent=1 created=2 system=0 state=parked since_ns=8000000000 stack=1 %s\n"
             "chan addr=0xc1 cap=0\nchan addr=0xc2 cap=3\n",
             categories[_i].fields);
    gl_dump *d = dump_of(rec);
    gl_report *r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 1);
    ck_assert_uint_eq(r->leaked, 1);
    ck_assert_str_eq(gl_category_name(r->groups[0].category), categories[_i].category);
    ck_assert_int_eq(r->groups[0].goids[0], 7);
    ck_assert_uint_eq(r->nrunning, 1); /* goroutine 1 */
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

static const struct {
    const char *fields;
    int running;
} not_leaks[] = {
    {"state=running", 1},
    {"state=parked reason=19 wait=sleep stack=1", 1},
    {"state=parked reason=2 wait=io stack=1", 1},
    {"state=parked reason=16 wait=other stack=1", 1},
    {"state=parked reason=14 wait=sleep stack=1", 1},
    {"state=parked reason=6 wait=chan stack=1", 1},
    {"state=parked reason=25 stack=1", 1},
    {"state=parked reason=14 wait=chan system=1 stack=1", 0},
    {"state=running system=1", 0},
    {"state=exited", 0},
};

START_TEST(ignores_what_is_not_a_leak)
{
    char rec[512];
    snprintf(rec, sizeof rec, "goroutine id=7 parent=1 start=0x403000 created=2 since_ns=8000000000 %s\n",
             not_leaks[_i].fields);
    gl_dump *d = dump_of(rec);
    gl_report *r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 0);
    ck_assert_uint_eq(r->leaked, 0);
    ck_assert_uint_eq(r->nrunning, 1 + (size_t)not_leaks[_i].running);
    if (not_leaks[_i].running) {
        ck_assert_int_eq(r->running[1].goid, 7);
        ck_assert_int_eq(r->running[1].pid, 100);
        ck_assert_str_eq(r->running[1].function, "main.other");
        ck_assert_str_eq(r->running[1].created_at->function, "main.main");
    }
    ck_assert_uint_eq(r->goroutines, strstr(not_leaks[_i].fields, "exited") ? 1 : 2);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(min_park_keeps_short_parks_running)
{
    /* Parked 2s before the dump (mono 10s, since 8s). */
    gl_dump *d = dump_of("goroutine id=7 parent=1 created=2 state=parked reason=14 wait=chan since_ns=8000000000 "
                         "stack=1\n");
    gl_report *r = rules_of(d, 2000000001);
    ck_assert_uint_eq(r->ngroups, 0);
    ck_assert_uint_eq(r->nrunning, 2);
    gl_report_free(r);

    r = rules_of(d, 2000000000);
    ck_assert_uint_eq(r->ngroups, 1);
    ck_assert_int_eq(r->groups[0].parked_min_ns, 2000000000);
    ck_assert_int_eq(r->groups[0].parked_max_ns, 2000000000);
    gl_report_free(r);

    /* Negative: the dump's own min_park_ns (0 here) decides. */
    r = rules_of(d, -1);
    ck_assert_uint_eq(r->ngroups, 1);
    gl_report_free(r);
    d->min_park_ns = 3000000000;
    r = rules_of(d, -1);
    ck_assert_uint_eq(r->ngroups, 0);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

static const struct {
    const char *timer;
    int leak;
} timers[] = {
    {"timer=timer timer_live=1", 0},
    {"timer=ticker timer_live=1", 0},
    {"timer=timer timer_live=0", 1},
    {"timer=ticker timer_live=0", 1},
    {"timer_live=1", 1}, /* not a timer channel: timer_live means nothing */
};

START_TEST(live_timers_save_stopped_ones_do_not)
{
    char rec[512];
    snprintf(rec, sizeof rec,
             "goroutine id=7 parent=1 created=2 state=parked reason=9 wait=select since_ns=8000000000 stack=1 "
             "chans=0xc1,0xc2\n"
             "chan addr=0xc1 cap=0\n"
             "chan addr=0xc2 cap=1 %s\n",
             timers[_i].timer);
    gl_dump *d = dump_of(rec);
    gl_report *r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, (size_t)timers[_i].leak);
    ck_assert_uint_eq(r->nrunning, 2 - (size_t)timers[_i].leak);
    if (timers[_i].leak) {
        ck_assert_str_eq(gl_category_name(r->groups[0].category), "select");
        ck_assert_uint_eq(r->groups[0].chan->addr, 0xc1); /* the first non-timer channel */
    }
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(uncancelled_context_makes_a_context_leak)
{
    const char *fmt = "goroutine id=7 parent=1 created=2 state=parked reason=9 wait=select since_ns=8000000000 "
                      "stack=1 chans=0xc1,0xd1\n"
                      "chan addr=0xc1 cap=0\n"
                      "chan addr=0xd1 cap=0 ctx=0xe1\n"
                      "context addr=0xe1 kind=cancel created=3 creator=1 cancelled=%d done=0xd1\n";
    char rec[1024];
    snprintf(rec, sizeof rec, fmt, 0);
    gl_dump *d = dump_of(rec);
    gl_report *r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 1);
    ck_assert_str_eq(gl_category_name(r->groups[0].category), "context");
    ck_assert_ptr_nonnull(r->groups[0].context);
    ck_assert_uint_eq(r->groups[0].context->addr, 0xe1);
    ck_assert_str_eq(r->groups[0].context->kind, "cancel");
    ck_assert_uint_eq(r->groups[0].chan->addr, 0xc1);
    gl_report_free(r);
    gl_dump_free(d);

    snprintf(rec, sizeof rec, fmt, 1);
    d = dump_of(rec);
    r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 1);
    ck_assert_str_eq(gl_category_name(r->groups[0].category), "select");
    ck_assert_ptr_null(r->groups[0].context);
    gl_report_free(r);
    gl_dump_free(d);

    /* `<-ctx.Done()` alone is a channel wait on the Done channel. */
    d = dump_of("goroutine id=7 parent=1 created=2 state=parked reason=14 wait=chan since_ns=8000000000 stack=1 "
                "chans=0xd1\n"
                "chan addr=0xd1 cap=0 ctx=0xe1\n"
                "context addr=0xe1 kind=timeout cancelled=0 done=0xd1\n");
    r = rules_of(d, 0);
    ck_assert_str_eq(gl_category_name(r->groups[0].category), "context");
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

static char *many_goroutines(size_t n, size_t other_every)
{
    size_t cap = n * 128 + 64;
    char *rec = malloc(cap);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int park_stack = other_every && i % other_every == 0 ? 3 : 1;
        len += (size_t)snprintf(rec + len, cap - len,
                                "goroutine id=%zu parent=1 created=2 state=parked reason=14 wait=chan "
                                "since_ns=%zu stack=%d\n",
                                100 + i, 5000000000 + i, park_stack);
    }
    return rec;
}

START_TEST(groups_identical_goroutines)
{
    char *rec = many_goroutines(1000, 0);
    gl_dump *d = dump_of(rec);
    free(rec);
    gl_report *r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 1);
    ck_assert_uint_eq(r->leaked, 1000);
    const gl_leak_group *g = &r->groups[0];
    ck_assert_uint_eq(g->count, 1000);
    ck_assert_int_eq(g->goids[0], 100);
    ck_assert_int_eq(g->goids[999], 1099);
    ck_assert_int_eq(g->parked_min_ns, 10000000000 - 5000000999);
    ck_assert_int_eq(g->parked_max_ns, 5000000000);
    ck_assert_uint_eq(g->npids, 1);
    ck_assert_int_eq(g->pids[0], 100);
    ck_assert_str_eq(g->blocked_at->function, "main.worker");
    ck_assert_uint_eq(g->blocked_index, 2);
    ck_assert_str_eq(g->created_at->function, "main.main");
    ck_assert_uint_eq(g->created_index, 1);
    ck_assert_uint_eq(r->goroutines, 1001);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

/* Behaviour only: how fast grouping is belongs to benchmarks, not here. */
START_TEST(groups_100k_goroutines)
{
    char *rec = many_goroutines(100000, 7);
    gl_dump *d = dump_of(rec);
    free(rec);
    gl_report *r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 2);
    ck_assert_uint_eq(r->groups[0].count, 100000 - 14286);
    ck_assert_uint_eq(r->groups[1].count, 14286);
    ck_assert_uint_eq(r->leaked, 100000);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(sorts_groups_by_count)
{
    gl_dump *d = dump_of("goroutine id=10 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=1\n"
                         "goroutine id=11 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=3\n"
                         "goroutine id=12 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=3\n"
                         "goroutine id=13 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=1\n"
                         "goroutine id=14 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=3\n"
                         /* same stacks, other category: a group of its own */
                         "goroutine id=15 parent=1 created=2 state=parked reason=15 wait=chan since_ns=1 stack=1\n"
                         /* same park, unknown creation: a group of its own */
                         "goroutine id=16 parent=1 created=0 state=parked reason=14 wait=chan since_ns=1 stack=1\n");
    gl_report *r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 4);
    ck_assert_uint_eq(r->leaked, 7);
    ck_assert_uint_eq(r->groups[0].count, 3);
    ck_assert_str_eq(r->groups[0].blocked_at->function, "main.other");
    ck_assert_int_eq(r->groups[0].goids[0], 11);
    ck_assert_int_eq(r->groups[0].goids[2], 14);
    ck_assert_uint_eq(r->groups[1].count, 2);
    ck_assert_str_eq(r->groups[1].blocked_at->function, "main.worker");
    ck_assert_int_eq(r->groups[1].goids[1], 13);
    /* Ties: blocked_at function, then category (chan-receive before chan-send). */
    ck_assert_uint_eq(r->groups[2].count, 1);
    ck_assert_int_eq(r->groups[2].category, GL_CAT_CHAN_RECEIVE);
    ck_assert_int_eq(r->groups[2].goids[0], 16);
    ck_assert_ptr_null(r->groups[2].created_at);
    ck_assert_int_eq(r->groups[3].category, GL_CAT_CHAN_SEND);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(follows_ancestors_through_exited_records)
{
    gl_dump *d = dump_of("goroutine id=3 parent=1 start=0x403000 state=exited\n"
                         "goroutine id=5 parent=3 start=0x401000 state=exited\n"
                         "goroutine id=9 parent=5 created=2 state=parked reason=14 wait=chan since_ns=1 stack=1\n"
                         /* a cycle of wrong parents must end */
                         "goroutine id=20 parent=21 state=exited\n"
                         "goroutine id=21 parent=20 state=exited\n"
                         "goroutine id=22 parent=21 created=2 state=parked reason=14 wait=chan since_ns=1 stack=3\n"
                         /* a parent that is not in the dump ends the chain */
                         "goroutine id=30 parent=77 created=2 state=parked reason=15 wait=chan since_ns=1 stack=1\n");
    gl_report *r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 3);
    ck_assert_uint_eq(r->goroutines, 4); /* 1, 9, 22, 30: exited records are not alive */
    const gl_leak_group *g = NULL, *cyc = NULL, *lost = NULL;
    for (size_t i = 0; i < r->ngroups; i++) {
        if (r->groups[i].goids[0] == 9)
            g = &r->groups[i];
        if (r->groups[i].goids[0] == 22)
            cyc = &r->groups[i];
        if (r->groups[i].goids[0] == 30)
            lost = &r->groups[i];
    }
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->nancestors, 3);
    ck_assert_int_eq(g->ancestors[0].goid, 5);
    ck_assert_str_eq(g->ancestors[0].function, "main.worker");
    ck_assert_int_eq(g->ancestors[1].goid, 3);
    ck_assert_str_eq(g->ancestors[1].function, "main.other");
    ck_assert_int_eq(g->ancestors[2].goid, 1);
    ck_assert_str_eq(g->ancestors[2].function, "main.main");
    ck_assert_ptr_nonnull(cyc);
    ck_assert_uint_eq(cyc->nancestors, 2);
    ck_assert_int_eq(cyc->ancestors[0].goid, 21);
    ck_assert_int_eq(cyc->ancestors[1].goid, 20);
    ck_assert_ptr_nonnull(lost);
    ck_assert_uint_eq(lost->nancestors, 0);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(blocked_at_skips_library_and_unknown_frames)
{
    /* Stack 5: gopark, an unresolved PC, main.worker. Stack 4: only library. */
    gl_dump *d = dump_of("goroutine id=7 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=5\n"
                         "goroutine id=8 parent=1 created=2 state=parked reason=18 wait=mutex since_ns=1 stack=4\n");
    gl_report *r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 2);
    for (size_t i = 0; i < 2; i++) {
        const gl_leak_group *g = &r->groups[i];
        if (g->goids[0] == 7) {
            ck_assert_str_eq(g->blocked_at->function, "main.worker");
            ck_assert_uint_eq(g->blocked_index, 2);
        } else {
            ck_assert_str_eq(g->blocked_at->function, "runtime.gopark"); /* innermost */
            ck_assert_uint_eq(g->blocked_index, 0);
            ck_assert_str_eq(gl_category_name(g->category), "mutex");
        }
    }
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(groups_across_processes)
{
    /* The same program in two processes at different load addresses. */
    const char *a = TEST_HEADER
        "module id=0 base=0x400000 build_id=- path=/src/prog\n"
        "sym pc=0x401000 mod=0 off=0x1 name=main.worker\n"
        "sym pc=0x402000 mod=0 off=0x2 name=main.main\n"
        "sym pc=0x403000 mod=0 off=0x3 name=main.other\n"
        "stack id=1 pcs=0x401000,0x402000\n"
        "stack id=2 pcs=0x402000\n"
        "stack id=3 pcs=0x403000\n"
        "goroutine id=7 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=1\n"
        "goroutine id=8 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=3\n"
        "end\n";
    const char *b = "goleash-dump 1\n"
        "info pid=200 mono_ns=10000000000\n"
        "module id=0 base=0x7000000 build_id=- path=/src/prog\n"
        "sym pc=0x7001000 mod=0 off=0x1 name=main.worker\n"
        "sym pc=0x7002000 mod=0 off=0x2 name=main.main\n"
        "stack id=4 pcs=0x7001000,0x7002000\n"
        "stack id=9 pcs=0x7002000\n"
        "goroutine id=7 parent=1 created=9 state=parked reason=14 wait=chan since_ns=1 stack=4\n"
        "end\n";
    gl_dump *d[2] = {parse_ok(a), parse_ok(b)};
    gl_rules_opts o = {.min_park_ns = 0};
    gl_report *r = gl_rules_run(d, 2, &o);
    ck_assert_uint_eq(r->ndumps, 2);
    ck_assert_uint_eq(r->ngroups, 2);
    ck_assert_uint_eq(r->groups[0].count, 2);
    ck_assert_uint_eq(r->groups[0].npids, 2);
    ck_assert_int_eq(r->groups[0].pids[0], 100);
    ck_assert_int_eq(r->groups[0].pids[1], 200);
    ck_assert_uint_eq(r->groups[1].count, 1);
    ck_assert_int_eq(r->truncated, 0);
    gl_report_free(r);
    gl_dump_free(d[0]);
    gl_dump_free(d[1]);
}
END_TEST

START_TEST(file_and_line_decide_grouping_when_known)
{
    /* Two PCs of the same line group together once symbolized. */
    gl_report *r;
    gl_dump *d;
    d = dump_of("sym pc=0x401008 mod=0 off=0x9 name=main.worker\n"
                "stack id=6 pcs=0x401000,0x402000\n"
                "stack id=7 pcs=0x401008,0x402000\n"
                "goroutine id=7 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=6\n"
                "goroutine id=8 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=7\n");
    r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 2); /* function+offset differ */
    gl_report_free(r);
    for (size_t s = 0; s < d->nstacks; s++)
        for (size_t i = 0; i < d->stacks[s]->n; i++) {
            d->stacks[s]->frames[i].file = (char *)"/src/x.go";
            d->stacks[s]->frames[i].line = d->stacks[s]->frames[i].function
                && strcmp(d->stacks[s]->frames[i].function, "main.worker") == 0 ? 12 : 20;
        }
    r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 1); /* same function, file and line */
    ck_assert_uint_eq(r->groups[0].count, 2);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(args_shape_hides_addresses_only)
{
    char out[64];
    ck_assert_uint_eq(gl_rules_args_shape("0xc000012345, 0x1, {0x7f00aa, 0x3}, ...", out, sizeof out), 22);
    ck_assert_str_eq(out, "*, 0x1, {*, 0x3}, ...");
    gl_rules_args_shape("0xffff, 0x10000, 0x?", out, sizeof out);
    ck_assert_str_eq(out, "0xffff, *, 0x?");
    /* Go's "may be inaccurate" mark: whatever the value, it is noise. */
    gl_rules_args_shape("0x0?, 0x9?, {0x3d?}, 0x9", out, sizeof out);
    ck_assert_str_eq(out, "*?, *?, {*?}, 0x9");
    ck_assert_uint_eq(gl_rules_args_shape("0x12345678", out, 2), 2);
    ck_assert_str_eq(out, "*");
    gl_rules_args_shape(NULL, out, sizeof out);
    ck_assert_str_eq(out, "");
}
END_TEST

/* Text dumps carry arguments and offsets: exact grouping keeps apart what
 * differs in them (but not in pointers), loose grouping does not; a pprof
 * record stands for `weight` goroutines without ids. */
START_TEST(exact_and_loose_grouping_of_text_frames)
{
    gl_dump *d = dump_of("goroutine id=7 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=1\n"
                         "goroutine id=8 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=5\n"
                         "goroutine id=9 parent=1 created=2 state=parked reason=14 wait=chan since_ns=1 stack=5\n");
    static char *const args[] = {"0xc000010000, 0x1", "0xc000020000, 0x1", "0xc000030000, 0x2"};
    for (size_t i = 0; i < 3; i++) {
        gl_goroutine *g = &d->goroutines[i + 1];
        gl_stack *st = calloc(1, sizeof *st);
        st->n = 1;
        st->frames = calloc(1, sizeof *st->frames);
        st->frames[0].function = (char *)"main.worker";
        st->frames[0].file = (char *)"/src/x.go";
        st->frames[0].line = i == 2 ? 13 : 12; /* line drift */
        st->frames[0].off = 0x1f;
        st->frames[0].args = args[i];
        g->stack = st;
    }
    d->goroutines[3].weight = 40;
    gl_report *r = rules_of(d, 0);
    ck_assert_uint_eq(r->ngroups, 2);
    ck_assert_uint_eq(r->groups[0].count, 40);
    ck_assert_uint_eq(r->groups[0].ngoids, 1);
    ck_assert_uint_eq(r->groups[1].count, 2); /* pointers differ only */
    ck_assert_uint_eq(r->leaked, 42);
    gl_report_free(r);
    gl_rules_opts o = {.min_park_ns = 0, .loose = 1};
    r = gl_rules_run(&d, 1, &o);
    ck_assert_uint_eq(r->ngroups, 1);
    ck_assert_uint_eq(r->groups[0].count, 42);
    ck_assert_uint_eq(r->groups[0].ngoids, 3);
    gl_report_free(r);
    for (size_t i = 1; i < 4; i++) {
        free(d->goroutines[i].stack->frames);
        free((void *)d->goroutines[i].stack);
    }
    gl_dump_free(d);
}
END_TEST

Suite *rules_suite(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("rules");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, classifies_every_category, 0, (int)(sizeof categories / sizeof categories[0]));
    tcase_add_loop_test(tc, ignores_what_is_not_a_leak, 0, (int)(sizeof not_leaks / sizeof not_leaks[0]));
    tcase_add_test(tc, min_park_keeps_short_parks_running);
    tcase_add_loop_test(tc, live_timers_save_stopped_ones_do_not, 0, (int)(sizeof timers / sizeof timers[0]));
    tcase_add_test(tc, uncancelled_context_makes_a_context_leak);
    tcase_add_test(tc, groups_identical_goroutines);
    tcase_add_test(tc, groups_100k_goroutines);
    tcase_add_test(tc, sorts_groups_by_count);
    tcase_add_test(tc, follows_ancestors_through_exited_records);
    tcase_add_test(tc, blocked_at_skips_library_and_unknown_frames);
    tcase_add_test(tc, groups_across_processes);
    tcase_add_test(tc, file_and_line_decide_grouping_when_known);
    tcase_add_test(tc, args_shape_hides_addresses_only);
    tcase_add_test(tc, exact_and_loose_grouping_of_text_frames);
    suite_add_tcase(s, tc);
    return s;
}
