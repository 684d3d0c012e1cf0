/* Unit tests of the readers of foreign dumps: the dump builder, the wait
 * classification, Go traceback text (gc and gccgo, every variant in
 * docs/input-formats.md), logs with dumps inside, gzip, stdin, and the
 * `goleash report` command on them (GOLEASH_BIN). Samples: data/. */
#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "../test_cli.h"
#include "../run_suites.h"
#include "../test_data.h"
#include "model/build.h"
#include "readers/input.h"
#include "readers/load.h"
#include "rules/rules.h"
#include "format/wait_classify.h"

#define MIN_NS ((int64_t)60 * 1000000000)

/* ---- helpers ------------------------------------------------------------ */

static gl_dump_list load_ok(const char *path, gl_diag *diag)
{
    gl_dump_list l = {0};
    gl_diag local;
    if (!diag)
        diag = &local;
    ck_assert_msg(gl_load_dumps(path, &l, diag) == 0, "%s", diag->msg);
    ck_assert_uint_ge(l.n, 1);
    return l;
}

static gl_goroutine *g_of(const gl_dump *d, int64_t id)
{
    gl_goroutine *g = gl_dump_goroutine(d, id);
    ck_assert_msg(g != NULL, "goroutine %lld missing", (long long)id);
    return g;
}

static void assert_frame(const gl_stack *s, size_t i, const char *fn, const char *file, int line, uint64_t off,
                         const char *args)
{
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_gt(s->n, i);
    const gl_frame *f = &s->frames[i];
    ck_assert_str_eq(f->function, fn);
    ck_assert_str_eq(f->file, file);
    ck_assert_int_eq(f->line, line);
    ck_assert_uint_eq(f->off, off);
    if (args)
        ck_assert_str_eq(f->args, args);
    else
        ck_assert_ptr_null(f->args);
}

static int64_t parked(const gl_goroutine *g)
{
    return g->dump->mono_ns - g->since_ns;
}

/* The group whose blocked_at is fn (exactly one). */
static const gl_leak_group *group_at(const gl_report *r, const char *fn)
{
    const gl_leak_group *found = NULL;
    for (size_t i = 0; i < r->ngroups; i++)
        if (r->groups[i].blocked_at && strcmp(r->groups[i].blocked_at->function, fn) == 0) {
            ck_assert_msg(!found, "two groups at %s", fn);
            found = &r->groups[i];
        }
    ck_assert_msg(found != NULL, "no group at %s", fn);
    return found;
}

static gl_report *judge(gl_dump_list *l, int64_t min_park, int loose)
{
    gl_rules_opts o = {.min_park_ns = min_park, .loose = loose};
    gl_report *r = gl_rules_run(l->v, l->n, &o);
    ck_assert_ptr_nonnull(r);
    return r;
}

/* Writes text to a temporary file; returns its path (static buffer). */
static const char *temp_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/goleash-parse-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    size_t len = strlen(text);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

/* ---- the builder -------------------------------------------------------- */

static gl_stack *one_frame_stack(gl_build *b, const char *fn, int line, const char *args)
{
    gl_build_stack_begin(b);
    gl_build_frame f = {.function = fn, .function_len = strlen(fn), .file = "/x.go", .file_len = 5,
                        .line = line, .off = 0x10, .args = args, .args_len = args ? strlen(args) : 0};
    ck_assert_int_eq(gl_build_frame_add(b, &f), 0);
    gl_stack *s = gl_build_stack_end(b, 0);
    ck_assert_ptr_nonnull(s);
    return s;
}

START_TEST(builder_interns_stacks_by_their_exact_key)
{
    gl_build *b = gl_build_new("mem", "gc-traceback");
    gl_stack *a = one_frame_stack(b, "main.f", 3, "0xc000010000, 0x1");
    /* Other pointers, same shape: the same stack (first args kept). */
    ck_assert_ptr_eq(one_frame_stack(b, "main.f", 3, "0xc000099000, 0x1"), a);
    ck_assert_str_eq(a->frames[0].args, "0xc000010000, 0x1");
    /* Values marked '?' are noise too. */
    ck_assert_ptr_eq(one_frame_stack(b, "main.f", 3, "0xc000099000?, 0x1"),
                     one_frame_stack(b, "main.f", 3, "0x0?, 0x1"));
    /* A small value, a line, a function: each makes another stack. */
    ck_assert_ptr_ne(one_frame_stack(b, "main.f", 3, "0xc000010000, 0x2"), a);
    ck_assert_ptr_ne(one_frame_stack(b, "main.f", 4, "0xc000010000, 0x1"), a);
    ck_assert_ptr_ne(one_frame_stack(b, "main.g", 3, "0xc000010000, 0x1"), a);
    ck_assert_ptr_ne(one_frame_stack(b, "main.f", 3, NULL), a);
    /* Interned names compare by pointer. */
    ck_assert_ptr_eq(gl_build_intern(b, "main.f", 6), a->frames[0].function);

    for (int64_t id = 1; id <= 3000; id++) {
        gl_build_goroutine g = {.id = id, .state = GL_G_PARKED, .reason = 14, .wait = GL_WAIT_CHAN,
                                .park_minutes = id % 5, .system = -1, .stack = a};
        ck_assert_int_eq(gl_build_goroutine_add(b, &g), 0);
    }
    gl_build_goroutine dup = {.id = 7, .state = GL_G_RUNNING, .park_minutes = -1, .system = -1};
    ck_assert_int_eq(gl_build_goroutine_add(b, &dup), 1);
    ck_assert_int_eq(gl_build_ancestor(b, 9000, 1, gl_build_intern(b, "main.top", 8)), 0);
    ck_assert_int_eq(gl_build_ancestor(b, 5, 1, NULL), 0); /* a live goroutine wins */
    gl_dump *d = gl_build_finish(b);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->ngoroutines, 3001);
    ck_assert_uint_eq(d->nstacks, 6);
    for (int64_t id = 1; id <= 3000; id += 37) {
        gl_goroutine *g = g_of(d, id);
        ck_assert_int_eq(g->id, id);
        ck_assert_ptr_eq(g->stack, a);
        ck_assert_int_eq(parked(g), (id % 5) * MIN_NS);
        ck_assert_uint_eq(g->flags, GL_GF_MINUTES);
        ck_assert_str_eq(g->start_function, "main.f");
    }
    ck_assert_int_eq(g_of(d, 5)->state, GL_G_PARKED);
    gl_goroutine *anc = g_of(d, 9000);
    ck_assert_int_eq(anc->state, GL_G_EXITED);
    ck_assert_int_eq(anc->parent, 1);
    ck_assert_str_eq(anc->start_function, "main.top");
    ck_assert_ptr_null(gl_dump_goroutine(d, 3001));
    ck_assert_ptr_null(gl_dump_goroutine(d, 0));
    gl_dump_free(d);
}
END_TEST

/* ---- wait classification ------------------------------------------------- */

static const struct status_case {
    const char *status;
    gl_gstate state;
    int reason;
    gl_wait wait;
    unsigned flags;
    const char *core;
    int durable_suffix;
} status_cases[] = {
    {"chan receive", GL_G_PARKED, 14, GL_WAIT_CHAN, 0, "chan receive", 0},
    {"chan send (nil chan)", GL_G_PARKED, 4, GL_WAIT_NILCHAN, 0, "chan send (nil chan)", 0},
    {"select (no cases)", GL_G_PARKED, 10, GL_WAIT_FOREVER, 0, "select (no cases)", 0},
    {"semacquire (scan)", GL_G_PARKED, 18, GL_WAIT_SEMA, 0, "semacquire", 0},
    {"sync.Mutex.Lock", GL_G_PARKED, 18, GL_WAIT_MUTEX, 0, "sync.Mutex.Lock", 0},
    {"sync.RWMutex.RLock", GL_G_PARKED, 18, GL_WAIT_RWMUTEX_R, 0, "sync.RWMutex.RLock", 0},
    {"sync.WaitGroup.Wait", GL_G_PARKED, 18, GL_WAIT_WAITGROUP, 0, "sync.WaitGroup.Wait", 0},
    {"sync.Cond.Wait", GL_G_PARKED, 20, GL_WAIT_COND, 0, "sync.Cond.Wait", 0},
    {"chan receive (synctest)", GL_G_PARKED, 14, GL_WAIT_CHAN, GL_GF_DURABLE | GL_GF_BUBBLE,
     "chan receive (synctest)", 0},
    {"chan receive (durable)", GL_G_PARKED, 14, GL_WAIT_CHAN, GL_GF_DURABLE, "chan receive (durable)", 0},
    {"sleep (durable)", GL_G_PARKED, 19, GL_WAIT_SLEEP, GL_GF_DURABLE, "sleep", 1},
    {"select (no cases) (durable)", GL_G_PARKED, 10, GL_WAIT_FOREVER, GL_GF_DURABLE, "select (no cases)", 1},
    {"chan send (leaked)", GL_G_PARKED, 15, GL_WAIT_CHAN, GL_GF_LEAKED, "chan send", 0},
    {"chan send (leaked) (scan)", GL_G_PARKED, 15, GL_WAIT_CHAN, GL_GF_LEAKED, "chan send", 0},
    {"leaked (leaked)", GL_G_PARKED, -1, GL_WAIT_OTHER, GL_GF_LEAKED, "leaked", 0},
    {"IO wait", GL_G_PARKED, 2, GL_WAIT_IO, 0, "IO wait", 0},
    {"GC weak to strong wait", GL_G_PARKED, -1, GL_WAIT_OTHER, 0, "GC weak to strong wait", 0},
    {"frobnicate wait", GL_G_PARKED, -1, GL_WAIT_OTHER, 0, "frobnicate wait", 0},
    {"running", GL_G_RUNNING, -1, GL_WAIT_NONE, 0, "running", 0},
    {"runnable (scan)", GL_G_RUNNING, -1, GL_WAIT_NONE, 0, "runnable", 0},
    {"exiting syscall", GL_G_RUNNING, -1, GL_WAIT_NONE, 0, "exiting syscall", 0},
    {"", GL_G_RUNNING, -1, GL_WAIT_NONE, 0, "", 0},
};

START_TEST(classifies_every_status_spelling)
{
    const struct status_case *c = &status_cases[_i];
    gl_wait_class w;
    gl_wait_classify_status(c->status, strlen(c->status), &w);
    ck_assert_msg(w.state == c->state, "%s: state %d", c->status, w.state);
    ck_assert_int_eq(w.reason, c->reason);
    ck_assert_int_eq(w.wait, c->wait);
    ck_assert_uint_eq(w.flags, c->flags);
    ck_assert_uint_eq(w.core_len, strlen(c->core));
    ck_assert_int_eq(memcmp(c->status, c->core, w.core_len), 0);
    ck_assert_int_eq(w.durable_suffix, c->durable_suffix);
}
END_TEST

static int classify(const char *const *fns, int *reason, gl_wait *wait)
{
    gl_frame frames[12] = {0};
    size_t n = 0;
    for (; fns[n]; n++)
        frames[n].function = (char *)fns[n];
    gl_stack s = {.n = n, .frames = frames};
    return gl_wait_classify_frames(&s, reason, wait);
}

#define FNS(...) ((const char *const[]){__VA_ARGS__, NULL})

START_TEST(classifies_by_frames_in_both_spellings)
{
    int r;
    gl_wait w;
    ck_assert(classify(FNS("runtime.gopark", "runtime.chanrecv", "runtime.chanrecv1", "main.f"), &r, &w));
    ck_assert(r == 14 && w == GL_WAIT_CHAN);
    ck_assert(classify(FNS("runtime.gopark", "runtime.chansend1", "main.f"), &r, &w));
    ck_assert(r == 15 && w == GL_WAIT_CHAN);
    ck_assert(classify(FNS("runtime.mcall", "runtime.gopark", "runtime.selectgo", "main.f"), &r, &w));
    ck_assert(r == 9 && w == GL_WAIT_SELECT);
    ck_assert(classify(FNS("runtime.gopark", "runtime.block", "main.f"), &r, &w));
    ck_assert(r == 10 && w == GL_WAIT_FOREVER);
    ck_assert(classify(FNS("sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow", "sync.(*Mutex).Lock", "main.f"),
                       &r, &w));
    ck_assert(r == 18 && w == GL_WAIT_MUTEX);
    ck_assert(classify(FNS("sync.runtime__SemacquireMutex", "sync.Mutex.lockSlow", "sync.Mutex.Lock", "main.f"), &r,
                       &w));
    ck_assert(r == 18 && w == GL_WAIT_MUTEX);
    ck_assert(classify(FNS("sync.runtime_SemacquireRWMutexR", "sync.(*RWMutex).RLock", "main.f"), &r, &w));
    ck_assert(r == 18 && w == GL_WAIT_RWMUTEX_R);
    ck_assert(classify(FNS("sync.runtime_Semacquire", "sync.WaitGroup.Wait", "main.f"), &r, &w));
    ck_assert(r == 18 && w == GL_WAIT_WAITGROUP);
    ck_assert(classify(FNS("sync.runtime_notifyListWait", "sync.(*Cond).Wait", "main.f"), &r, &w));
    ck_assert(r == 20 && w == GL_WAIT_COND);
    /* Once.Do waits in the Once's inner Mutex: gc 1.24+ (internal/sync),
     * gc before, libgo */
    ck_assert(classify(FNS("internal/sync.runtime_SemacquireMutex", "internal/sync.(*Mutex).lockSlow",
                           "internal/sync.(*Mutex).Lock", "sync.(*Mutex).Lock", "sync.(*Once).doSlow",
                           "sync.(*Once).Do", "main.f"),
                       &r, &w));
    ck_assert(r == 18 && w == GL_WAIT_ONCE);
    ck_assert(classify(FNS("sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow", "sync.(*Mutex).Lock",
                           "sync.(*Once).doSlow", "sync.(*Once).Do", "main.f"),
                       &r, &w));
    ck_assert(r == 18 && w == GL_WAIT_ONCE);
    ck_assert(classify(FNS("sync.runtime__SemacquireMutex", "sync.Mutex.lockSlow", "sync.Mutex.Lock",
                           "sync.Once.doSlow", "sync.Once.Do", "main.f"),
                       &r, &w));
    ck_assert(r == 18 && w == GL_WAIT_ONCE);
    /* a Mutex locked inside a Once's function is a Mutex wait */
    ck_assert(classify(FNS("sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow", "sync.(*Mutex).Lock",
                           "main.load", "sync.(*Once).doSlow", "sync.(*Once).Do", "main.f"),
                       &r, &w));
    ck_assert(r == 18 && w == GL_WAIT_MUTEX);
    ck_assert(classify(FNS("runtime.semacquire1", "main.custom"), &r, &w));
    ck_assert(r == 18 && w == GL_WAIT_SEMA);
    ck_assert(classify(FNS("runtime.gopark", "time.Sleep", "main.f"), &r, &w));
    ck_assert(r == 19 && w == GL_WAIT_SLEEP);
    ck_assert(classify(FNS("runtime.gopark", "runtime.netpollblock", "internal/poll.runtime_pollWait"), &r, &w));
    ck_assert(r == 2 && w == GL_WAIT_IO);
    ck_assert(!classify(FNS("main.busy", "main.main"), &r, &w));
    ck_assert(!gl_wait_classify_frames(NULL, &r, &w));
}
END_TEST

/* ---- gc traceback text -------------------------------------------------- */

START_TEST(gc117_plain)
{
    gl_dump_list l = load_ok(gl_test_data_path("gc117.txt"), NULL);
    ck_assert_uint_eq(l.n, 1);
    gl_dump *d = l.v[0];
    ck_assert_str_eq(d->source, "gc-traceback");
    ck_assert_int_eq(d->min_park_ns, MIN_NS);
    ck_assert_uint_eq(d->ngoroutines, 6);
    ck_assert_int_eq(d->truncated, 0);

    gl_goroutine *g1 = g_of(d, 1);
    ck_assert_int_eq(g1->state, GL_G_RUNNING);
    ck_assert_int_eq(g1->reason, -1);
    assert_frame(g1->stack, 0, "main.main", "/src/app/main.go", 40, 0x1d, "");

    gl_goroutine *g = g_of(d, 18);
    ck_assert_int_eq(g->state, GL_G_PARKED);
    ck_assert_int_eq(g->reason, 14);
    ck_assert_int_eq(g->wait, GL_WAIT_CHAN);
    ck_assert_str_eq(g->reason_text, "chan receive");
    ck_assert_int_eq(parked(g), 12 * MIN_NS);
    ck_assert_uint_eq(g->flags, GL_GF_MINUTES);
    ck_assert_int_eq(g->parent, 0); /* before 1.21 no parent id */
    ck_assert_uint_eq(g->stack->n, 1);
    assert_frame(g->stack, 0, "main.worker", "/src/app/worker.go", 12, 0x25, "0xc000010000, 0x1");
    ck_assert_uint_eq(g->created->n, 1);
    assert_frame(g->created, 0, "main.main", "/src/app/main.go", 20, 0x45, NULL);
    ck_assert_str_eq(g->start_function, "main.worker");
    /* Same code, other pointers: one interned stack. */
    gl_goroutine *g19 = g_of(d, 19);
    ck_assert_ptr_eq(g19->stack, g->stack);
    ck_assert_ptr_eq(g19->created, g->created);
    ck_assert_uint_eq(g19->flags, GL_GF_MINUTES | GL_GF_LOCKED);

    g = g_of(d, 20);
    ck_assert_int_eq(g->reason, 9);
    ck_assert_int_eq(parked(g), 0); /* no minutes: under one */
    assert_frame(g->stack, 0, "main.poll", "/src/app/poll.go", 8, 0, "...");
    assert_frame(g->stack, 1, "main.loop", "/src/app/poll.go", 30, 0x8a, "0xc00001e0c0");

    g = g_of(d, 21);
    ck_assert_int_eq(g->reason, 18);
    ck_assert_int_eq(g->wait, GL_WAIT_WAITGROUP); /* semacquire, refined by the frames */
    ck_assert_str_eq(g->reason_text, "semacquire");

    g = g_of(d, 22);
    ck_assert_int_eq(g->reason, 15);
    ck_assert_int_eq(g->stack->truncated, 1);
    ck_assert_uint_eq(g->stack->n, 2);
    ck_assert_ptr_null(g->start_function); /* the outer frames are gone */
    assert_frame(g->created, 0, "main.main", "/src/app/main.go", 26, 0xb3, NULL);

    /* Default min park for text dumps: 1 minute; 20 is under it. */
    gl_report *r = judge(&l, -1, 0);
    ck_assert_uint_eq(r->ngroups, 3);
    ck_assert_uint_eq(r->leaked, 4);
    ck_assert_str_eq(r->source, "gc-traceback");
    const gl_leak_group *grp = group_at(r, "main.worker");
    ck_assert_uint_eq(grp->count, 2);
    ck_assert_int_eq(grp->category, GL_CAT_CHAN_RECEIVE);
    ck_assert_uint_eq(grp->ngoids, 2);
    ck_assert_int_eq(grp->goids[0], 18);
    ck_assert_int_eq(grp->goids[1], 19);
    ck_assert_int_eq(grp->parked_min_ns, 3 * MIN_NS);
    ck_assert_int_eq(grp->parked_max_ns, 12 * MIN_NS);
    ck_assert_str_eq(grp->created_at->function, "main.main");
    ck_assert_int_eq(group_at(r, "main.waiter")->category, GL_CAT_WAITGROUP);
    ck_assert_int_eq(group_at(r, "main.deep")->category, GL_CAT_CHAN_SEND);
    gl_report_free(r);
    r = judge(&l, 0, 0);
    ck_assert_uint_eq(r->ngroups, 4);
    ck_assert_int_eq(group_at(r, "main.poll")->category, GL_CAT_SELECT);
    gl_report_free(r);
    gl_dump_list_free(&l);
}
END_TEST

START_TEST(gc121_created_in_goroutine_and_middle_elision)
{
    gl_dump_list l = load_ok(gl_test_data_path("gc121.txt"), NULL);
    ck_assert_uint_eq(l.n, 1);
    gl_dump *d = l.v[0];
    /* The panic text before and the FAIL lines after are not the dump. */
    ck_assert_uint_eq(d->ngoroutines, 6);
    gl_goroutine *g = g_of(d, 34);
    ck_assert_int_eq(g->reason, 3);
    ck_assert_int_eq(g->wait, GL_WAIT_NILCHAN);
    ck_assert_int_eq(g->parent, 7);
    assert_frame(g->created, 0, "example.com/pkg.TestHang", "/src/pkg/hang_test.go", 12, 0x2f, NULL);
    g = g_of(d, 35);
    ck_assert_int_eq(g->reason, 10);
    ck_assert_int_eq(g->wait, GL_WAIT_FOREVER);
    g = g_of(d, 7);
    ck_assert_int_eq(g->reason, 18);
    ck_assert_int_eq(g->wait, GL_WAIT_MUTEX);
    ck_assert_str_eq(g->reason_text, "sync.Mutex.Lock");
    ck_assert_int_eq(g->parent, 1);
    assert_frame(g->stack, 0, "sync.runtime_SemacquireMutex", "/usr/lib/go/src/runtime/sema.go", 77, 0x25,
                 "0xc00001a0f8?, 0x0?, 0x1?");
    assert_frame(g->created, 0, "testing.(*T).Run", "/usr/lib/go/src/testing/testing.go", 1648, 0x3ad, NULL);
    g = g_of(d, 36);
    ck_assert_int_eq(g->stack->truncated, 1);
    ck_assert_uint_eq(g->stack->n, 4);
    ck_assert_str_eq(g->start_function, "example.com/pkg.start"); /* only the middle was elided */
    g = g_of(d, 33);
    ck_assert_int_eq(g->state, GL_G_RUNNING);
    ck_assert_int_eq(g->parent, 0);

    gl_report *r = judge(&l, -1, 0);
    ck_assert_uint_eq(r->ngroups, 5);
    const gl_leak_group *grp = group_at(r, "example.com/pkg.TestHang.func1");
    ck_assert_int_eq(grp->category, GL_CAT_NIL_CHAN_RECEIVE);
    ck_assert_uint_eq(grp->nancestors, 2);
    ck_assert_int_eq(grp->ancestors[0].goid, 7);
    ck_assert_str_eq(grp->ancestors[0].function, "testing.tRunner");
    ck_assert_int_eq(grp->ancestors[1].goid, 1);
    ck_assert_str_eq(grp->ancestors[1].function, "main.main");
    ck_assert_int_eq(group_at(r, "example.com/pkg.TestHang")->category, GL_CAT_MUTEX);
    ck_assert_int_eq(group_at(r, "example.com/pkg.forever")->category, GL_CAT_SELECT_FOREVER);
    gl_report_free(r);
    gl_dump_list_free(&l);
}
END_TEST

START_TEST(gc122_sigquit_with_gp_m_and_registers)
{
    gl_dump_list l = load_ok(gl_test_data_path("gc122_sigquit.txt"), NULL);
    ck_assert_uint_eq(l.n, 1); /* the register dump ends it */
    gl_dump *d = l.v[0];
    ck_assert_uint_eq(d->ngoroutines, 6);
    gl_goroutine *g0 = g_of(d, 1);
    ck_assert_int_eq(g0->reason, 19);
    ck_assert_str_eq(g0->start_function, "runtime.main");
    ck_assert_int_eq(g0->system, 0);
    ck_assert_int_eq(g_of(d, 2)->system, 1); /* forcegchelper */
    gl_goroutine *g5 = g_of(d, 5), *g6 = g_of(d, 6);
    ck_assert_str_eq(g5->reason_text, "chan send"); /* (scan) is no part of it */
    ck_assert_int_eq(g5->reason, 15);
    ck_assert_int_eq(parked(g5), 7 * MIN_NS);
    ck_assert_uint_eq(g5->stack->n, 6);
    ck_assert_uint_eq(g5->stack->frames[1].pc, 0x407f45);
    assert_frame(g5->stack, 3, "main.produce", "/src/svc/produce.go", 11, 0x2d, "0xc00001e060");
    ck_assert_str_eq(g5->start_function, "main.main.gowrap1");
    /* Pointers and '?' words differ, the code does not: one stack. */
    ck_assert_ptr_eq(g5->stack, g6->stack);
    gl_goroutine *g8 = g_of(d, 8);
    ck_assert_int_eq(g8->state, GL_G_RUNNING);
    ck_assert_uint_eq(g8->flags & GL_GF_NO_STACK, GL_GF_NO_STACK);
    ck_assert_uint_eq(g8->stack->n, 0);
    ck_assert_int_eq(g8->parent, 1);

    gl_report *r = judge(&l, -1, 0);
    ck_assert_uint_eq(r->ngroups, 1);
    ck_assert_uint_eq(r->groups[0].count, 2);
    ck_assert_str_eq(r->groups[0].blocked_at->function, "main.produce");
    ck_assert_int_eq(r->groups[0].category, GL_CAT_CHAN_SEND);
    gl_report_free(r);
    gl_dump_list_free(&l);
}
END_TEST

START_TEST(gc126_leaked_labels_and_synctest)
{
    gl_dump_list l = load_ok(gl_test_data_path("gc126.txt"), NULL);
    gl_dump *d = l.v[0];
    ck_assert_uint_eq(d->ngoroutines, 9);
    gl_goroutine *g = g_of(d, 11);
    ck_assert_str_eq(g->reason_text, "chan receive");
    ck_assert_uint_eq(g->flags, GL_GF_LEAKED | GL_GF_MINUTES);
    ck_assert_ptr_null(g->labels);
    g = g_of(d, 12);
    ck_assert_int_eq(g->reason, 14);
    ck_assert_uint_eq(g->flags, GL_GF_LEAKED | GL_GF_MINUTES);
    ck_assert_str_eq(g->labels, "{\"job\": \"sync\", \"worker\": \"w\\n1\"}");
    ck_assert_int_eq(parked(g), 4 * MIN_NS);
    g = g_of(d, 13);
    ck_assert_int_eq(g->reason, 9);
    ck_assert_str_eq(g->reason_text, "select (durable)");
    ck_assert_uint_eq(g->flags, GL_GF_DURABLE | GL_GF_BUBBLE | GL_GF_MINUTES);
    g = g_of(d, 14);
    ck_assert_int_eq(g->reason, 19);
    ck_assert_str_eq(g->reason_text, "sleep (durable)");
    g = g_of(d, 15);
    ck_assert_int_eq(g->wait, GL_WAIT_WAITGROUP);
    ck_assert_str_eq(g->reason_text, "sync.WaitGroup.Wait (durable)");
    g = g_of(d, 16);
    ck_assert_str_eq(g->labels, "{job: sync, \"req id\": \"a b\"}");
    ck_assert_str_eq(g->reason_text, "chan send");
    ck_assert_int_eq(parked(g), 9 * MIN_NS);
    g = g_of(d, 17);
    ck_assert_int_eq(g->state, GL_G_PARKED);
    ck_assert_int_eq(g->reason, -1);
    g = g_of(d, 18);
    ck_assert_int_eq(g->reason, -1);
    ck_assert_str_eq(g->reason_text, "frobnicate wait");

    gl_report *r = judge(&l, -1, 0);
    ck_assert_uint_eq(r->ngroups, 3);
    ck_assert_uint_eq(group_at(r, "main.fetch")->count, 2);
    ck_assert_int_eq(group_at(r, "main.join")->category, GL_CAT_WAITGROUP);
    ck_assert_str_eq(group_at(r, "main.push")->first->labels, "{job: sync, \"req id\": \"a b\"}");
    gl_report_free(r);
    gl_dump_list_free(&l);
}
END_TEST

START_TEST(originating_blocks_give_creation_stack_and_ancestors)
{
    gl_dump_list l = load_ok(gl_test_data_path("origin.txt"), NULL);
    gl_dump *d = l.v[0];
    gl_goroutine *g = g_of(d, 9);
    ck_assert_int_eq(g->parent, 7);
    ck_assert_uint_eq(g->created->n, 2);
    assert_frame(g->created, 0, "main.mid", "/src/o/main.go", 14, 0x2a, NULL);
    assert_frame(g->created, 1, "main.top", "/src/o/main.go", 20, 0x19, "...");
    gl_goroutine *a = g_of(d, 7);
    ck_assert_int_eq(a->state, GL_G_EXITED);
    ck_assert_int_eq(a->parent, 1);
    ck_assert_str_eq(a->start_function, "main.top");
    ck_assert_int_eq(g_of(d, 1)->state, GL_G_RUNNING); /* the live one, not an ancestor record */
    gl_report *r = judge(&l, -1, 0);
    ck_assert_uint_eq(r->ngroups, 1);
    ck_assert_uint_eq(r->goroutines, 2);
    ck_assert_uint_eq(r->groups[0].nancestors, 2);
    ck_assert_int_eq(r->groups[0].ancestors[0].goid, 7);
    ck_assert_str_eq(r->groups[0].ancestors[0].function, "main.top");
    ck_assert_int_eq(r->groups[0].ancestors[1].goid, 1);
    gl_report_free(r);
    gl_dump_list_free(&l);
}
END_TEST

START_TEST(gccgo_format)
{
    gl_dump_list l = load_ok(gl_test_data_path("gccgo.txt"), NULL);
    gl_dump *d = l.v[0];
    ck_assert_str_eq(d->source, "gccgo-traceback");
    ck_assert_uint_eq(d->ngoroutines, 7);
    gl_goroutine *g = g_of(d, 20);
    assert_frame(g->stack, 0, "main.T.recvMethod", "/src/g/main.go", 16, 0, NULL);
    assert_frame(g->created, 0, "main.main", "/src/g/main.go", 30, 0x152, NULL);
    ck_assert_ptr_eq(g_of(d, 21)->stack, g->stack);
    g = g_of(d, 22);
    ck_assert_int_eq(g->wait, GL_WAIT_MUTEX);
    g = g_of(d, 23);
    ck_assert_int_eq(g->state, GL_G_RUNNING);
    ck_assert_uint_eq(g->flags & GL_GF_NO_STACK, GL_GF_NO_STACK);
    assert_frame(g->created, 0, "main.main", "/src/g/main.go", 38, 0x3c1, NULL);
    g = g_of(d, 24);
    ck_assert_int_eq(g->state, GL_G_RUNNING);
    assert_frame(g->stack, 0, "syscall", "../sysdeps/unix/sysv/linux/x86_64/syscall.S", 37, 0, NULL);
    ck_assert_int_eq(g_of(d, 25)->state, GL_G_RUNNING); /* libgo prints preempted as [] */

    gl_report *r = judge(&l, -1, 0);
    ck_assert_uint_eq(r->ngroups, 2);
    ck_assert_uint_eq(group_at(r, "main.T.recvMethod")->count, 2);
    ck_assert_int_eq(group_at(r, "main.main..func1")->category, GL_CAT_MUTEX);
    gl_report_free(r);
    gl_dump_list_free(&l);
}
END_TEST

START_TEST(dumps_inside_a_ci_log_with_timestamps)
{
    gl_dump_list l = load_ok(gl_test_data_path("ci_log.txt"), NULL);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_uint_eq(l.v[0]->ngoroutines, 3);
    ck_assert_uint_eq(l.v[1]->ngoroutines, 1);
    gl_goroutine *g = g_of(l.v[0], 41);
    ck_assert_int_eq(g->parent, 39);
    assert_frame(g->stack, 0, "example.com/a.TestA.func1", "/src/a/a_test.go", 9, 0x25, "0xc000010000");
    ck_assert_ptr_eq(g_of(l.v[0], 42)->stack, g->stack);
    g = g_of(l.v[1], 50);
    ck_assert_int_eq(g->reason, 9);
    ck_assert_int_eq(parked(g), 2 * MIN_NS);
    gl_report *r = judge(&l, -1, 0);
    ck_assert_uint_eq(r->ndumps, 2);
    ck_assert_uint_eq(r->ngroups, 2);
    ck_assert_uint_eq(group_at(r, "example.com/a.TestA.func1")->count, 2);
    ck_assert_uint_eq(group_at(r, "example.com/b.serve")->count, 1);
    gl_report_free(r);
    gl_dump_list_free(&l);
}
END_TEST

START_TEST(a_second_dump_right_after_the_first)
{
    /* Two SIGQUITs in a row: the repeated id starts the second dump. */
    const char *text = "goroutine 1 [running]:\nmain.main()\n\t/m.go:3 +0x1\n\n"
                       "goroutine 5 [chan receive, 2 minutes]:\nmain.f()\n\t/f.go:3 +0x1\n\n"
                       "goroutine 1 [running]:\nmain.main()\n\t/m.go:3 +0x1\n\n"
                       "goroutine 5 [chan receive, 3 minutes]:\nmain.f()\n\t/f.go:3 +0x1\n";
    gl_dump_list l = load_ok(temp_file(text), NULL);
    unlink(temp_file(""));
    ck_assert_uint_eq(l.n, 2);
    ck_assert_int_eq(parked(g_of(l.v[0], 5)), 2 * MIN_NS);
    ck_assert_int_eq(parked(g_of(l.v[1], 5)), 3 * MIN_NS);
    gl_dump_list_free(&l);
}
END_TEST

START_TEST(gzip_is_read_transparently)
{
    char path[] = "/tmp/goleash-parse-gz-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    gzFile gz = gzdopen(fd, "wb");
    FILE *in = fopen(gl_test_data_path("gc117.txt"), "r");
    ck_assert_ptr_nonnull(in);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        ck_assert_int_eq(gzwrite(gz, buf, (unsigned)n), (int)n);
    fclose(in);
    ck_assert_int_eq(gzclose(gz), Z_OK);
    gl_dump_list l = load_ok(path, NULL);
    unlink(path);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_uint_eq(l.v[0]->ngoroutines, 6);
    assert_frame(g_of(l.v[0], 18)->stack, 0, "main.worker", "/src/app/worker.go", 12, 0x25, "0xc000010000, 0x1");
    gl_dump_list_free(&l);
}
END_TEST

START_TEST(truncated_dump_reports_what_it_holds)
{
    gl_diag diag;
    const char *path = gl_test_data_path("truncated.txt");
    gl_dump_list l = load_ok(path, &diag);
    char want[4200];
    snprintf(want, sizeof want, "goleash: %s:19: truncated dump (cut inside goroutine 7): reporting what it holds",
             path);
    ck_assert_str_eq(diag.msg, want);
    ck_assert_int_eq(diag.is_warning, 1);
    gl_dump *d = l.v[0];
    ck_assert_int_eq(d->truncated, 1);
    ck_assert_uint_eq(d->ngoroutines, 4);
    gl_goroutine *g = g_of(d, 7);
    ck_assert_int_eq(g->reason, 9);
    ck_assert_int_eq(g->stack->truncated, 1);
    ck_assert_uint_eq(g->stack->n, 0); /* its only frame lost its file line */
    gl_report *r = judge(&l, -1, 0);
    ck_assert_int_eq(r->truncated, 1);
    ck_assert_uint_eq(r->ngroups, 2);
    ck_assert_uint_eq(group_at(r, "main.a")->count, 2);
    gl_report_free(r);
    gl_dump_list_free(&l);
}
END_TEST

/* ---- malformed input ----------------------------------------------------- */

static const struct bad_case {
    const char *text;
    int line;
    const char *what;
} bad_cases[] = {
    /* Nothing readable: the first thing that could not be read is the error. */
    {"goroutine 1 [running]:\n\tnot a frame\n", 2, "expected a stack frame after the goroutine header"},
    {"goroutine 1 [running]:\nmain.main()\n\t/m.go\n", 3, "expected FILE:LINE after the function line"},
    {"goroutine 1 [running]:\nmain.main()\n\t/m.go:x +0x1\n", 3, "expected FILE:LINE after the function line"},
    {"hello\nworld\n", 0,
     "no goroutine dump found (expected a goleash dump, Go traceback text with 'goroutine N [...]:' headers, or a "
     "pprof goroutine profile)"},
    /* Something readable: what could not be read is skipped, with a warning
     * (issue 11: never reject an input that holds a well-formed goroutine). */
    {"goroutine 1 [running]:\nmain.main()\n\t/m.go:3 +0x1\n\ngoroutine 2 [chan receive\nmain.f()\n", -5,
     "skipped 2 lines (to line 6) that do not continue the dump: malformed goroutine header (expected "
     "'goroutine N [STATUS]:')"},
    {"goroutine 1 [running]:\nmain.main()\nmain.f()\n\t/f.go:1\n", -2,
     "skipped 1 line that does not continue the dump: expected a tab-indented FILE:LINE line after 'main.main'"},
    {"goroutine 3 [select]:\nmain.f()\n\t/f.go:1 +0x1\n[originating from goroutine x]:\n", -4,
     "skipped 1 line that does not continue the dump: malformed '[originating from goroutine N]:' line"},
    {"goroutine 3 [select]:\nmain.f()\n\t/f.go:1 +0x1\ncreated by main.g\nmain.h()\n", -5,
     "truncated dump (cut inside goroutine 3): reporting what it holds"},
    {"log line\ngoroutine 3 [select]:\nmain.f()\n\t/f.go:1 +0x1\ncreated by \n", -5,
     "skipped 1 line that does not continue the dump: expected a function after 'created by'"},
};

/* line > 0: an error at that line; < 0: read, with a warning at -line. */
START_TEST(malformed_input_names_file_and_line)
{
    const struct bad_case *c = &bad_cases[_i];
    const char *path = temp_file(c->text);
    char keep[64];
    snprintf(keep, sizeof keep, "%s", path);
    gl_dump_list l = {0};
    gl_diag diag;
    ck_assert_int_eq(gl_load_dumps(keep, &l, &diag), c->line < 0 ? 0 : -1);
    ck_assert_uint_eq(l.n, c->line < 0 ? 1 : 0);
    ck_assert_int_eq(diag.is_warning, c->line < 0);
    char want[512];
    if (c->line)
        snprintf(want, sizeof want, "goleash: %s:%d: %s", keep, c->line < 0 ? -c->line : c->line, c->what);
    else
        snprintf(want, sizeof want, "goleash: %s: %s", keep, c->what);
    ck_assert_str_eq(diag.msg, want);
    gl_dump_list_free(&l);
    unlink(keep);
}
END_TEST

/* ---- the command --------------------------------------------------------- */

/* stdin from the file `in` (NULL: /dev/null) */
#define cli(in, args) gl_cli(NULL, in, args)


START_TEST(report_reads_stdin)
{
    cli_result *r = cli(gl_test_data_path("gc117.txt"), ARGS("report", "-"));
    ck_assert_int_eq(r->code, 1);
    ck_assert_str_eq(r->err, "");
    ck_assert_ptr_nonnull(strstr(r->out, "Leak of 2 goroutine(s) [chan receive, category chan-receive], parked >= "
                                         "3..12 min, blocked at:\n    #0 main.worker /src/app/worker.go:12\n"));
    ck_assert_ptr_nonnull(strstr(r->out, "SUMMARY: goleash: 4 leaked goroutine(s) in 3 group(s).\n"));
    r = cli(gl_test_data_path("gc117.txt"), ARGS("report", "--min-park", "10m", "-"));
    ck_assert_int_eq(r->code, 1);
    ck_assert_ptr_nonnull(strstr(r->out, "SUMMARY: goleash: 1 leaked goroutine(s) in 1 group(s).\n"));
    r = cli(gl_test_data_path("gc117.txt"), ARGS("report", "--min-park", "20m", "-"));
    ck_assert_int_eq(r->code, 0);
}
END_TEST

START_TEST(report_json_names_source_and_keeps_reason_and_labels)
{
    cli_result *r = cli(NULL, ARGS("report", "--format", "json", gl_test_data_path("gc126.txt")));
    ck_assert_int_eq(r->code, 1);
    json_error_t e;
    json_t *root = json_loads(r->out, 0, &e);
    ck_assert_msg(root != NULL, "%s", e.text);
    ck_assert_str_eq(json_string_value(json_object_get(root, "source")), "gc-traceback");
    json_t *leaks = json_object_get(root, "leaks");
    ck_assert_uint_eq(json_array_size(leaks), 3);
    int seen = 0;
    for (size_t i = 0; i < json_array_size(leaks); i++) {
        json_t *l = json_array_get(leaks, i);
        const char *fn = json_string_value(json_object_get(json_object_get(l, "blocked_at"), "function"));
        if (strcmp(fn, "main.push") == 0) {
            ck_assert_str_eq(json_string_value(json_object_get(l, "labels")), "{job: sync, \"req id\": \"a b\"}");
            ck_assert_str_eq(json_string_value(json_object_get(l, "reason")), "chan send");
            ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(l, "parked_ns"), "min")),
                             9 * MIN_NS);
            seen++;
        } else if (strcmp(fn, "main.join") == 0) {
            ck_assert_str_eq(json_string_value(json_object_get(l, "reason")), "sync.WaitGroup.Wait (durable)");
            json_t *flags = json_object_get(l, "flags");
            ck_assert_uint_eq(json_array_size(flags), 3);
            ck_assert_str_eq(json_string_value(json_array_get(flags, 0)), "durable");
            ck_assert_str_eq(json_string_value(json_array_get(flags, 1)), "bubble");
            ck_assert_str_eq(json_string_value(json_array_get(flags, 2)), "minutes");
            seen++;
        }
    }
    ck_assert_int_eq(seen, 2);
    /* The one-line summaries of SARIF, JUnit and annotations say it the same way. */
    r = cli(NULL, ARGS("report", "--github-annotations", "on", "-o", "/dev/null", gl_test_data_path("gc126.txt")));
    ck_assert_ptr_nonnull(strstr(r->out, ": sync.WaitGroup.Wait (durable) (category waitgroup) at main.join"));
    json_decref(root);

    r = cli(NULL, ARGS("report", "--format", "json", gl_test_data_path("gc117.txt"), gl_test_data_path("gccgo.txt")));
    ck_assert_int_eq(r->code, 1);
    root = json_loads(r->out, 0, &e);
    ck_assert_ptr_nonnull(root);
    ck_assert_str_eq(json_string_value(json_object_get(root, "source")), "mixed");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(root, "summary"), "dumps")), 2);
    json_decref(root);
}
END_TEST

START_TEST(loose_grouping_ignores_lines_and_arguments)
{
    const char *text = "goroutine 5 [chan receive, 2 minutes]:\nmain.f(0x1)\n\t/f.go:3 +0x10\n"
                       "created by main.main\n\t/m.go:9 +0x1\n\n"
                       "goroutine 6 [chan receive, 2 minutes]:\nmain.f(0x2)\n\t/f.go:4 +0x14\n"
                       "created by main.main\n\t/m.go:9 +0x1\n";
    char path[64];
    snprintf(path, sizeof path, "%s", temp_file(text));
    cli_result *r = cli(NULL, ARGS("report", path));
    ck_assert_int_eq(r->code, 1);
    ck_assert_ptr_nonnull(strstr(r->out, "in 2 group(s)"));
    r = cli(NULL, ARGS("report", "--grouping", "loose", path));
    ck_assert_int_eq(r->code, 1);
    ck_assert_ptr_nonnull(strstr(r->out, "Leak of 2 goroutine(s)"));
    ck_assert_ptr_nonnull(strstr(r->out, "in 1 group(s)"));
    r = cli(NULL, ARGS("report", "--grouping", "fuzzy", path));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->err, "goleash: --grouping must be exact or loose, not 'fuzzy'\n");
    unlink(path);
}
END_TEST

START_TEST(report_exit_codes_for_bad_and_truncated_input)
{
    char path[64];
    snprintf(path, sizeof path, "%s", temp_file("goroutine 1 [running]:\n\tnot a frame\n"));
    cli_result *r = cli(NULL, ARGS("report", path));
    ck_assert_int_eq(r->code, 2);
    char want[256];
    snprintf(want, sizeof want, "goleash: %s:2: expected a stack frame after the goroutine header\n", path);
    ck_assert_str_eq(r->err, want);
    ck_assert_str_eq(r->out, "");
    unlink(path);

    const char *trunc = gl_test_data_path("truncated.txt");
    r = cli(NULL, ARGS("report", trunc));
    ck_assert_int_eq(r->code, 1);
    char w[4200];
    snprintf(w, sizeof w, "goleash: %s:19: truncated dump (cut inside goroutine 7): reporting what it holds\n",
             trunc);
    ck_assert_str_eq(r->err, w);
    ck_assert_ptr_nonnull(strstr(r->out, "SUMMARY: goleash: 3 leaked goroutine(s) in 2 group(s).\n"));
}
END_TEST

/* A file that shrinks under the reader (a log rotated while it is read)
 * is an error naming the file, not a SIGBUS. */
START_TEST(a_file_shrinking_while_read_is_an_error)
{
    char path[] = "/tmp/goleash-shrink.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    static char line[100];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 2] = '\n';
    for (int i = 0; i < 4000; i++) /* ~400 KB: many pages */
        ck_assert_int_eq(write(fd, line, sizeof line - 1), (int)sizeof line - 1);
    gl_diag diag = {0};
    gl_input *in = gl_input_open(path, &diag);
    ck_assert_ptr_nonnull(in);
    const char *l;
    size_t len;
    ck_assert_int_eq(gl_input_line(in, &l, &len, &diag), 1);
    ck_assert_int_eq(ftruncate(fd, 50), 0);
    int r;
    while ((r = gl_input_line(in, &l, &len, &diag)) == 1)
        ;
    ck_assert_int_eq(r, -1);
    ck_assert_ptr_nonnull(strstr(diag.msg, "the file shrank while it was being read"));
    ck_assert_ptr_nonnull(strstr(diag.msg, path));
    gl_input_close(in);
    close(fd);
    unlink(path);
}
END_TEST

static Suite *parse_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, builder_interns_stacks_by_their_exact_key);
    tcase_add_loop_test(tc, classifies_every_status_spelling, 0, sizeof status_cases / sizeof status_cases[0]);
    tcase_add_test(tc, classifies_by_frames_in_both_spellings);
    tcase_add_test(tc, gc117_plain);
    tcase_add_test(tc, gc121_created_in_goroutine_and_middle_elision);
    tcase_add_test(tc, gc122_sigquit_with_gp_m_and_registers);
    tcase_add_test(tc, gc126_leaked_labels_and_synctest);
    tcase_add_test(tc, originating_blocks_give_creation_stack_and_ancestors);
    tcase_add_test(tc, gccgo_format);
    tcase_add_test(tc, dumps_inside_a_ci_log_with_timestamps);
    tcase_add_test(tc, a_second_dump_right_after_the_first);
    tcase_add_test(tc, gzip_is_read_transparently);
    tcase_add_test(tc, truncated_dump_reports_what_it_holds);
    tcase_add_loop_test(tc, malformed_input_names_file_and_line, 0, sizeof bad_cases / sizeof bad_cases[0]);
    tcase_add_test(tc, report_reads_stdin);
    tcase_add_test(tc, report_json_names_source_and_keeps_reason_and_labels);
    tcase_add_test(tc, loose_grouping_ignores_lines_and_arguments);
    tcase_add_test(tc, report_exit_codes_for_bad_and_truncated_input);
    tcase_add_test(tc, a_file_shrinking_while_read_is_an_error);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gl_run_suites(GL_SUITES(parse_suite()), CK_VERBOSE, 0);
}
