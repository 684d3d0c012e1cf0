/* Stack capture and interning, and the alternate stack that lets a capture
 * start on a nearly exhausted stack (gccgo's split-stack segments). */
#include "core/registry.h"

#include <check.h>

#include "../run_suites.h"
#include <pthread.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void setup(void)
{
    static int inited;
    if (!inited) {
        gl_stacks_init();
        gl_stacks_set_own_range(0, 0);
        inited = 1;
    }
}

START_TEST(interning_shares_equal_stacks)
{
    uintptr_t a[3] = {1, 2, 3}, b[3] = {1, 2, 3}, c[3] = {1, 2, 4};
    gl_istack *sa = gl_stack_intern(a, 3, false);
    ck_assert_ptr_nonnull(sa);
    ck_assert_ptr_eq(gl_stack_intern(b, 3, false), sa);
    gl_istack *sc = gl_stack_intern(c, 3, false);
    ck_assert_ptr_ne(sc, sa);
    ck_assert_uint_ne(sc->id, sa->id);
    ck_assert_ptr_ne(gl_stack_intern(a, 2, false), sa);     /* a prefix is another stack */
    ck_assert_ptr_ne(gl_stack_intern(a, 3, true), sa);      /* so is a truncated one */
    ck_assert_uint_eq(sa->n, 3);
    ck_assert_uint_eq(sa->pcs[2], 3);
}
END_TEST

struct capture_arg {
    int depth;
    uintptr_t stop_below; /* recurse until the stack pointer gets this low */
    gl_istack *st;
};

static void do_capture(void *p)
{
    ((struct capture_arg *)p)->st = gl_stack_capture();
}

__attribute__((noinline)) static int recurse(struct capture_arg *a, int left)
{
    volatile char pad[64];
    pad[0] = (char)left;
    if (left == 0 || (a->stop_below && (uintptr_t)pad < a->stop_below))
        gl_on_altstack(do_capture, a);
    else
        recurse(a, left - 1);
    return pad[0];
}

static int count_repeated(const gl_istack *st)
{
    /* Recursive frames share one return address; count the longest run. */
    int best = 0, run = 1;
    for (uint16_t i = 1; i < st->n; i++) {
        run = st->pcs[i] == st->pcs[i - 1] ? run + 1 : 1;
        if (run > best)
            best = run;
    }
    return best;
}

START_TEST(capture_sees_through_the_alternate_stack)
{
    struct capture_arg a = {0};
    recurse(&a, 60);
    ck_assert_ptr_nonnull(a.st);
    ck_assert_int_ge(a.st->n, 60);
    ck_assert_int_ge(count_repeated(a.st), 59);
    ck_assert_int_eq(a.st->truncated, 0);
}
END_TEST

START_TEST(capture_truncates_deep_stacks)
{
    struct capture_arg a = {0};
    recurse(&a, GL_STACK_MAX + 40);
    ck_assert_ptr_nonnull(a.st);
    ck_assert_uint_eq(a.st->n, GL_STACK_MAX);
    ck_assert_int_eq(a.st->truncated, 1);
}
END_TEST

/* A thread with the smallest stack glibc allows, nearly used up before the
 * capture: the capture itself must not touch that stack beyond a few bytes. */
static void *tiny_stack_thread(void *p)
{
    struct capture_arg *a = p;
    pthread_attr_t attr;
    void *lo;
    size_t size;
    pthread_getattr_np(pthread_self(), &attr);
    pthread_attr_getstack(&attr, &lo, &size);
    pthread_attr_destroy(&attr);
    /* Leave about 1.5 KiB: less than libunwind's context and cursor alone. */
    a->stop_below = (uintptr_t)lo + 1536 + 256;
    recurse(a, a->depth);
    return NULL;
}

START_TEST(capture_from_an_almost_full_stack)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    ck_assert_int_eq(pthread_attr_setstacksize(&attr, 64 * 1024), 0);
    struct capture_arg a = {.depth = 100000};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, &attr, tiny_stack_thread, &a), 0);
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    ck_assert_ptr_nonnull(a.st);
    ck_assert_int_ge(count_repeated(a.st), 100);
}
END_TEST

#define NTHREADS 4
static gl_istack *seen[NTHREADS][100];

static void *intern_worker(void *p)
{
    int t = (int)(intptr_t)p;
    for (int round = 0; round < 2000; round++)
        for (int k = 0; k < 100; k++) {
            uintptr_t pcs[4] = {0x7000, (uintptr_t)k, 0x9000, (uintptr_t)k * 3};
            gl_istack *s = gl_stack_intern(pcs, 4, false);
            if (round == 0)
                seen[t][k] = s;
            else if (seen[t][k] != s)
                seen[t][k] = NULL;
        }
    return NULL;
}

START_TEST(concurrent_interning_is_unique)
{
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, intern_worker, (void *)(intptr_t)i);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    for (int k = 0; k < 100; k++)
        for (int i = 0; i < NTHREADS; i++) {
            ck_assert_ptr_nonnull(seen[i][k]);
            ck_assert_ptr_eq(seen[i][k], seen[0][k]);
        }
}
END_TEST

/* ---- stacks shared between goroutines: threads stand for goroutines, a
 * thread's stack for its segment. The chains' functions live in a section
 * of their own, which ld places after .text: everything before it stands
 * for the shim's own code (the capture path, the alternate stack), left
 * out of stacks as the shim's is. ---- */
#define CHAIN __attribute__((noinline, section("glchain")))
#define BOTTOM __attribute__((noinline, section("glbottom")))
extern const char __start_glchain[], __start_glbottom[], __stop_glbottom[];

static bool thread_stack_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
    pthread_attr_t attr;
    void *base;
    size_t size;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return false;
    pthread_attr_getstack(&attr, &base, &size);
    pthread_attr_destroy(&attr);
    *lo = (uintptr_t)base;
    *hi = (uintptr_t)base + size;
    return sp > *lo && sp < *hi;
}

struct shared_arg {
    uintptr_t anchor;
    gl_scache cache;      /* each "goroutine" its own */
    gl_istack *st;
    unsigned long unwinds; /* full unwinds this capture took */
};

static void do_capture_cached(void *p)
{
    struct shared_arg *a = p;
    unsigned long before = gl_stacks_unwinds();
    a->st = gl_stack_capture_cached(&a->cache, a->anchor);
    a->unwinds = gl_stacks_unwinds() - before;
}

/* Stands for an interposer: its CFA is the anchor. */
__attribute__((noinline)) static void interposer(struct shared_arg *a)
{
    a->anchor = (uintptr_t)__builtin_dwarf_cfa();
    gl_on_altstack(do_capture_cached, a);
    __asm__ volatile("" ::: "memory");
}

/* The innermost frame both chains share: the same site, the same slot. */
CHAIN static void via_common(struct shared_arg *a)
{
    interposer(a);
    __asm__ volatile("" ::: "memory");
}

CHAIN static void via_one(struct shared_arg *a)
{
    via_common(a);
    __asm__ volatile("" ::: "memory");
}

CHAIN static void via_other(struct shared_arg *a)
{
    volatile char pad[48];
    pad[0] = 1;
    via_common(a);
    __asm__ volatile("" ::: "memory");
    (void)pad[0];
}

struct chain_arg {
    int other;
    struct shared_arg a;
};

/* The bottom of every chain, as runtime.kickoff is a goroutine's: alone in
 * its section, whatever its size (sanitizers make it bigger). */
BOTTOM static void *chain_thread(void *p)
{
    struct chain_arg *c = p;
    if (c->other)
        via_other(&c->a);
    else
        via_one(&c->a);
    __asm__ volatile("" ::: "memory");
    return NULL;
}

static struct shared_arg run_chain(int other)
{
    struct chain_arg c = {.other = other};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, chain_thread, &c), 0);
    pthread_join(t, NULL);
    ck_assert_ptr_nonnull(c.a.st);
    return c.a;
}

static void shared_setup(void)
{
    uintptr_t own_end = (uintptr_t)__start_glchain < (uintptr_t)__start_glbottom ? (uintptr_t)__start_glchain
                                                                                : (uintptr_t)__start_glbottom;
    ck_assert(own_end > (uintptr_t)gl_stack_capture_cached);
    ck_assert(own_end > (uintptr_t)interposer);
    /* From the executable's start: the capture path's frames (the test's
     * interposer, the alternate stack) lie anywhere below the chains. A
     * start rounded down from gl_stack_capture_cached left them out of the
     * range when ASLR put a megabyte boundary between them (2% of runs). */
    Dl_info di;
    ck_assert(dladdr((void *)gl_stack_capture_cached, &di) && di.dli_fbase);
    gl_stacks_set_own_range((uintptr_t)di.dli_fbase, own_end);
    gl_segment_set_query(thread_stack_bounds);
    gl_stacks_set_bottom((uintptr_t)__start_glbottom, (uintptr_t)__stop_glbottom);
}

static void shared_teardown(void)
{
    gl_segment_set_query(NULL);
    gl_stacks_set_bottom(0, 0);
    gl_stacks_set_own_range(0, 0);
}

START_TEST(a_new_goroutine_finds_a_stack_another_unwound)
{
    shared_setup();
    struct shared_arg first = run_chain(0);
    ck_assert_uint_eq(first.unwinds, 1);
    ck_assert_uint_eq(first.st->pcs[first.st->n - 1] > (uintptr_t)chain_thread, 1);
    for (int i = 0; i < 3; i++) {
        struct shared_arg again = run_chain(0);
        ck_assert_uint_eq(again.unwinds, 0);
        ck_assert_ptr_eq(again.st, first.st);
    }
    shared_teardown();
}
END_TEST

START_TEST(a_stack_differing_below_is_unwound)
{
    shared_setup();
    struct shared_arg one = run_chain(0);
    struct shared_arg other = run_chain(1);
    ck_assert_uint_eq(other.unwinds, 1);
    ck_assert_ptr_ne(other.st, one.st);
    ck_assert_uint_eq(other.st->pcs[0], one.st->pcs[0]); /* same innermost site */
    ck_assert_ptr_eq(run_chain(1).st, other.st);
    ck_assert_ptr_eq(run_chain(0).st, one.st);
    shared_teardown();
}
END_TEST

START_TEST(no_sharing_off_a_known_segment)
{
    shared_setup();
    gl_segment_set_query(NULL);
    struct shared_arg one = run_chain(0);
    struct shared_arg two = run_chain(0);
    ck_assert_uint_eq(two.unwinds, 1);
    ck_assert_ptr_eq(two.st, one.st); /* interned all the same */
    shared_teardown();
}
END_TEST

int main(void)
{
    Suite *s;
    TCase *tc = gl_single_case(&s, "stacks", 60, GL_TESTS(
        interning_shares_equal_stacks,
        capture_sees_through_the_alternate_stack,
        capture_truncates_deep_stacks,
        capture_from_an_almost_full_stack,
        concurrent_interning_is_unique,
        a_new_goroutine_finds_a_stack_another_unwound,
        a_stack_differing_below_is_unwound,
        no_sharing_off_a_known_segment));
    tcase_add_checked_fixture(tc, setup, NULL);
    return gl_run_suites(GL_SUITES(s), CK_VERBOSE, 1);
}
