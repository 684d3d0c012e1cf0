/* The registry: spawn/exit bookkeeping (including the races the runtime
 * allows), ancestors kept alive for the creation chain, park publication,
 * channel and context records, and thread safety. */
#include "core/registry.h"
#include "runtime/libgo_abi.h"

#include <check.h>

#include "../run_suites.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct seen {
    int n;
    int64_t ids[64];
    int64_t parents[64];
    int states[64];
    int64_t parent_chain[64][4]; /* goids of parent records, via pointers */
};

static void collect(const gl_g *g, void *arg)
{
    struct seen *s = arg;
    if (s->n >= 64) {
        s->n++;
        return;
    }
    gl_g c;
    gl_g_read(g, &c);
    s->ids[s->n] = c.goid;
    s->parents[s->n] = c.parent_goid;
    s->states[s->n] = atomic_load(&c.state);
    int k = 0;
    for (const gl_g *p = g->parent; p && k < 4; p = p->parent)
        s->parent_chain[s->n][k++] = p->goid;
    s->n++;
}

static int find(const struct seen *s, int64_t id)
{
    for (int i = 0; i < s->n && i < 64; i++)
        if (s->ids[i] == id)
            return i;
    return -1;
}

static int64_t base;

static void setup(void)
{
    static int inited;
    if (!inited) {
        gl_stacks_init();
        gl_registry_init();
        inited = 1;
    }
    /* Every test uses its own goid range, so leftovers never collide. */
    base += 1000000;
}

START_TEST(spawn_then_exit)
{
    size_t live0 = gl_registry_live_goroutines();
    gl_registry_spawned(0, base + 1, 0x1000, NULL);
    gl_registry_spawned(base + 1, base + 2, 0x2000, NULL);
    ck_assert_uint_eq(gl_registry_live_goroutines(), live0 + 2);
    struct seen s = {0};
    gl_registry_each_g(collect, &s);
    int i = find(&s, base + 2);
    ck_assert_int_ge(i, 0);
    ck_assert_int_eq(s.parents[i], base + 1);
    ck_assert_int_eq(s.parent_chain[i][0], base + 1);
    ck_assert_int_eq(s.states[i], GL_G_RUNNING);
    gl_registry_exited(base + 2);
    gl_registry_exited(base + 1);
    ck_assert_uint_eq(gl_registry_live_goroutines(), live0);
    memset(&s, 0, sizeof s);
    gl_registry_each_g(collect, &s);
    ck_assert_int_lt(find(&s, base + 1), 0);
    ck_assert_int_lt(find(&s, base + 2), 0);
}
END_TEST

START_TEST(exit_before_spawn_is_recorded_nowhere)
{
    size_t live0 = gl_registry_live_goroutines();
    gl_registry_exited(base + 5);     /* the child finished first */
    gl_registry_spawned(0, base + 5, 0x1000, NULL);
    ck_assert_uint_eq(gl_registry_live_goroutines(), live0);
    struct seen s = {0};
    gl_registry_each_g(collect, &s);
    ck_assert_int_lt(find(&s, base + 5), 0);
}
END_TEST

START_TEST(park_before_spawn_then_spawn_fills_in)
{
    gl_g *g = gl_registry_self(base + 7);
    ck_assert_ptr_nonnull(g);
    gl_registry_spawned(0, base + 6, 0x1000, NULL);
    gl_registry_spawned(base + 6, base + 7, 0x3000, NULL);
    ck_assert_ptr_eq(gl_registry_self(base + 7), g);
    ck_assert_int_eq(g->parent_goid, base + 6);
    ck_assert_uint_eq(g->start_pc, 0x3000);
    gl_registry_exited(base + 7);
    gl_registry_exited(base + 6);
}
END_TEST

START_TEST(exited_ancestors_stay_reachable)
{
    gl_registry_spawned(0, base + 1, 0x1, NULL);
    gl_registry_spawned(base + 1, base + 2, 0x2, NULL);
    gl_registry_spawned(base + 2, base + 3, 0x3, NULL);
    gl_registry_exited(base + 2); /* the middle one returns */
    struct seen s = {0};
    gl_registry_each_g(collect, &s);
    ck_assert_int_lt(find(&s, base + 2), 0); /* not live */
    int i = find(&s, base + 3);
    ck_assert_int_ge(i, 0);
    ck_assert_int_eq(s.parent_chain[i][0], base + 2);
    ck_assert_int_eq(s.parent_chain[i][1], base + 1);
    gl_registry_exited(base + 3); /* frees 3, then the exited 2 */
    gl_registry_exited(base + 1);
}
END_TEST

/* A test goroutine (1) started a helper (2) and exited before its parent's
 * spawn record arrived: the helper's chain must still lead to a record that
 * carries the test, and no phantom live record may appear for 1. */
START_TEST(test_goroutine_exits_before_its_spawn_is_recorded)
{
    size_t live0 = gl_registry_live_goroutines();
    gl_g *t = gl_registry_self(base + 1);      /* it ran first ... */
    gl_registry_spawned_by(t, base + 1, base + 2, 0x2, NULL, NULL); /* ... started a helper ... */
    gl_registry_exited(base + 1);              /* ... and finished */
    const char *name = gl_tests_add("TestEarly/sub", 13);
    ck_assert_str_eq(name, "TestEarly/sub");
    gl_registry_spawned_by(NULL, 0, base + 1, 0x1, NULL, name); /* T.Run's spawn record, late */
    ck_assert_uint_eq(gl_registry_live_goroutines(), live0 + 1);
    struct seen s = {0};
    gl_registry_each_g(collect, &s);
    ck_assert_int_lt(find(&s, base + 1), 0);
    int i = find(&s, base + 2);
    ck_assert_int_ge(i, 0);
    ck_assert_int_eq(s.parent_chain[i][0], base + 1);
    gl_g *h = gl_registry_self(base + 2);
    ck_assert_ptr_nonnull(h->parent);
    ck_assert_int_eq(atomic_load(&h->parent->state), GL_G_EXITED);
    ck_assert_ptr_eq(h->parent->test, name);
    gl_registry_exited(base + 2);
    ck_assert_uint_eq(gl_registry_live_goroutines(), live0);
}
END_TEST

START_TEST(spawn_carries_the_test)
{
    const char *name = gl_tests_add("TestTag", 7);
    gl_registry_spawned(0, base + 1, 0x1, NULL);
    gl_registry_spawned_by(gl_registry_self(base + 1), base + 1, base + 2, 0x2, NULL, name);
    ck_assert_ptr_eq(gl_registry_self(base + 2)->test, name);
    ck_assert_ptr_null(gl_registry_self(base + 1)->test);
    gl_registry_exited(base + 2);
    gl_registry_exited(base + 1);
}
END_TEST

/* The g status word at the offset libgo 12 keeps it, in a stand-in g:
 * validated on a "running" g, then only a non-waiting status of the same
 * goroutine overrules the registry. */
START_TEST(gstatus_overrules_only_when_sure)
{
    _Alignas(8) unsigned char g[128] = {0};
    uint32_t status = 2; /* _Grunning */
    int64_t goid = 4242;
    memcpy(g + 48, &status, 4);
    memcpy(g + 56, &goid, 8);
    ck_assert(gl_gstatus_still_waiting(g, goid)); /* not validated yet: trust the registry */
    ck_assert(gl_gstatus_validate(g));
    status = 4; /* _Gwaiting */
    memcpy(g + 48, &status, 4);
    ck_assert(gl_gstatus_still_waiting(g, goid));
    status = 4 | 0x1000; /* being scanned by the GC */
    memcpy(g + 48, &status, 4);
    ck_assert(gl_gstatus_still_waiting(g, goid));
    status = 1; /* _Grunnable: woken, not yet run */
    memcpy(g + 48, &status, 4);
    ck_assert(!gl_gstatus_still_waiting(g, goid));
    ck_assert(gl_gstatus_still_waiting(g, goid + 1)); /* the g was reused */
    ck_assert(gl_gstatus_still_waiting(NULL, goid));
}
END_TEST

static bool matches(const char *parent, const char *given, const char *name)
{
    struct gl_go_string p = {parent, (intptr_t)strlen(parent)}, g = {given, (intptr_t)strlen(given)},
                        n = {name, (intptr_t)strlen(name)};
    return gl_test_name_matches(p, g, n);
}

/* The check that guards the argument-block layout T.Run's `go` is read with. */
START_TEST(test_names_match_go_rules)
{
    ck_assert(matches("", "TestA", "TestA"));
    ck_assert(!matches("", "TestA", "TestAB"));
    ck_assert(!matches("", "TestA", "TestA#01")); /* top level: never made unique */
    ck_assert(matches("TestA", "sub", "TestA/sub"));
    ck_assert(matches("TestA", "sub", "TestA/sub#01"));
    ck_assert(matches("TestA", "sub", "TestA/sub#01#02"));
    ck_assert(!matches("TestA", "sub", "TestA/sub#1"));
    ck_assert(!matches("TestA", "sub", "TestB/sub"));
    ck_assert(!matches("TestA", "sub", "TestA/other"));
    ck_assert(!matches("TestA", "sub", "TestAsub"));
    ck_assert(matches("TestA/b", "with space", "TestA/b/with_space"));
    ck_assert(matches("TestA", "a\tb", "TestA/a_b"));
    ck_assert(matches("TestA", "bell\a", "TestA/bell\\a"));
    ck_assert(matches("TestA", "caf\xc3\xa9 x", "TestA/caf\xc3\xa9_x"));
    ck_assert(!matches("TestA", "a b", "TestA/a b"));
    ck_assert(matches("TestA", "", "TestA/#00"));
    ck_assert(!matches("TestA", "", ""));
    ck_assert(!matches("", "", ""));
}
END_TEST

START_TEST(park_publish_and_clear)
{
    uintptr_t pcs[3] = {0x10, 0x20, 0x30};
    gl_istack *st = gl_stack_intern(pcs, 3, false);
    gl_registry_spawned(0, base + 1, 0x1, NULL);
    gl_g *g = gl_registry_self(base + 1);
    uintptr_t chans[6] = {0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6};
    gl_registry_park_set(g, 9, GL_WAIT_SELECT, 0, chans, 6, st, 12345);
    gl_g c;
    gl_g_read(g, &c);
    ck_assert_int_eq(atomic_load(&c.state), GL_G_PARKED);
    ck_assert_int_eq(c.reason, 9);
    ck_assert_int_eq(c.wait, GL_WAIT_SELECT);
    ck_assert_int_eq(c.nchans, GL_G_CHANS); /* capped, never overflowed */
    ck_assert_uint_eq(c.chans[3], 0xc4);
    ck_assert_ptr_eq(c.park_stack, st);
    ck_assert_int_eq(c.since_ns, 12345);
    ck_assert_uint_eq(atomic_load(&c.seq) % 2, 0);
    gl_registry_unpark(g);
    gl_g_read(g, &c);
    ck_assert_int_eq(atomic_load(&c.state), GL_G_RUNNING);
    gl_registry_exited(base + 1);
}
END_TEST

START_TEST(channel_records)
{
    uintptr_t c = (uintptr_t)(base * 16 + 0xc000);
    gl_registry_chan_made(c, 2, 1, NULL);
    for (int i = 0; i < 6; i++)
        gl_registry_chan_touch(c, 10 + i, GL_OP_SEND, NULL, 100 + i);
    gl_registry_chan_closed(c, 42, NULL);
    gl_registry_chan_timer(c, 2, -1, 1);
    gl_registry_lock_chans();
    const gl_chan_rec *r = gl_registry_find_chan_locked(c);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->cap, 2);
    ck_assert_int_eq(r->maker, 1);
    ck_assert_int_eq(r->closed, 1);
    ck_assert_int_eq(r->closer, 42);
    ck_assert_int_eq(r->timer, 2);
    ck_assert_int_eq(r->timer_stopped, 1);
    ck_assert_int_eq(r->ntouch, GL_CHAN_TOUCHES);
    /* The ring keeps the newest: the close, and the last three sends. */
    int saw_close = 0, saw_first_send = 0;
    for (int i = 0; i < GL_CHAN_TOUCHES; i++) {
        saw_close |= r->touches[i].op == GL_OP_CLOSE && r->touches[i].goid == 42;
        saw_first_send |= r->touches[i].goid == 10;
    }
    ck_assert(saw_close);
    ck_assert(!saw_first_send);
    gl_registry_unlock_chans();

    /* The Go heap reuses a dead channel's address: the record starts over. */
    gl_registry_chan_made(c, 0, 7, NULL);
    gl_registry_lock_chans();
    r = gl_registry_find_chan_locked(c);
    ck_assert_int_eq(r->cap, 0);
    ck_assert_int_eq(r->closed, 0);
    ck_assert_int_eq(r->maker, 7);
    ck_assert_int_eq(r->timer, 0);
    ck_assert_int_eq(r->ntouch, 1);
    gl_registry_unlock_chans();
}
END_TEST

START_TEST(context_records)
{
    uintptr_t ctx = (uintptr_t)(base * 16 + 0xa000), done = (uintptr_t)(base * 16 + 0xb000);
    gl_registry_ctx_made(ctx, 2, 1, NULL, 999);
    gl_registry_ctx_done(ctx, done);
    gl_registry_lock_ctxs();
    const gl_ctx_rec *r = gl_registry_find_ctx_locked(ctx);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->kind, 2);
    ck_assert_int_eq(r->cancelled, 0);
    ck_assert_int_eq(r->deadline_ns, 999);
    ck_assert_uint_eq(r->done, done);
    gl_registry_unlock_ctxs();
    gl_registry_lock_chans();
    ck_assert_uint_eq(gl_registry_find_chan_locked(done)->ctx, ctx);
    gl_registry_unlock_chans();
    gl_registry_ctx_cancelled(ctx);
    gl_registry_lock_ctxs();
    ck_assert_int_eq(gl_registry_find_ctx_locked(ctx)->cancelled, 1);
    gl_registry_unlock_ctxs();
}
END_TEST

#define THREADS 4
#define PER_THREAD 20000

struct worker_arg {
    int64_t first;
};

static void *worker(void *p)
{
    struct worker_arg *a = p;
    uintptr_t pcs[2] = {0x100, (uintptr_t)a->first};
    for (int64_t i = 0; i < PER_THREAD; i++) {
        int64_t id = a->first + i;
        gl_registry_spawned(a->first - 1, id, 0x1, NULL);
        gl_g *g = gl_registry_self(id);
        gl_registry_park_set(g, 14, GL_WAIT_CHAN, 0, NULL, 0, gl_stack_intern(pcs, 2, false), i);
        gl_registry_unpark(g);
        if (i % 2 == 0)
            gl_registry_exited(id); /* odd ones stay alive */
    }
    return NULL;
}

START_TEST(concurrent_spawn_park_exit)
{
    size_t live0 = gl_registry_live_goroutines();
    pthread_t t[THREADS];
    struct worker_arg a[THREADS];
    for (int i = 0; i < THREADS; i++) {
        a[i].first = base + 1 + (int64_t)i * 100000;
        gl_registry_spawned(0, a[i].first - 1, 0x1, NULL);
        pthread_create(&t[i], NULL, worker, &a[i]);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    ck_assert_uint_eq(gl_registry_live_goroutines(), live0 + THREADS + THREADS * PER_THREAD / 2);
}
END_TEST

int main(void)
{
    Suite *s;
    TCase *tc = gl_single_case(&s, "registry", 60, GL_TESTS(
        spawn_then_exit,
        exit_before_spawn_is_recorded_nowhere,
        park_before_spawn_then_spawn_fills_in,
        exited_ancestors_stay_reachable,
        park_publish_and_clear,
        test_goroutine_exits_before_its_spawn_is_recorded,
        spawn_carries_the_test,
        test_names_match_go_rules,
        gstatus_overrules_only_when_sure,
        channel_records,
        context_records,
        concurrent_spawn_park_exit));
    tcase_add_checked_fixture(tc, setup, NULL);
    return gl_run_suites(GL_SUITES(s), CK_VERBOSE, 1);
}
