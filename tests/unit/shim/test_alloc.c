/* The shim's allocator: objects come zeroed and are never handed out twice,
 * and what one thread frees reaches another thread's allocations a batch at
 * a time (goroutine records are made on one thread and freed on another). */
#include "core/core.h"

#include <check.h>

#include "../run_suites.h"
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define REC 176    /* a goroutine record's size class */
#define N 10000

static void *objs[N];

static bool zeroed(const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i])
            return false;
    return true;
}

static void *free_all(void *arg)
{
    (void)arg;
    for (int i = 0; i < N; i++)
        gl_free(objs[i], REC);
    return NULL;
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return x < y ? -1 : x > y;
}

/* Made here, freed on another thread, made here again: all but what the
 * freeing thread keeps (its own list and an unfinished batch, under 32
 * each) come back through the global batches, each one once and zeroed,
 * though the freeing thread left its bytes behind. */
START_TEST(freed_elsewhere_comes_back_in_batches)
{
    static void *again[N];
    for (int i = 0; i < N; i++) {
        objs[i] = gl_alloc(REC);
        ck_assert_ptr_nonnull(objs[i]);
        ck_assert(zeroed(objs[i], REC));
        memset(objs[i], 0xab, REC);
    }
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, free_all, NULL), 0);
    pthread_join(t, NULL);
    for (int i = 0; i < N; i++) {
        again[i] = gl_alloc(REC);
        ck_assert_msg(zeroed(again[i], REC), "object %d not zeroed", i);
    }
    qsort(objs, N, sizeof *objs, cmp_ptr);
    qsort(again, N, sizeof *again, cmp_ptr);
    int reused = 0;
    for (int i = 0, j = 0; i < N; i++) {
        ck_assert_msg(i == 0 || again[i] != again[i - 1], "%p handed out twice", again[i]);
        while (j < N && (uintptr_t)objs[j] < (uintptr_t)again[i])
            j++;
        reused += j < N && objs[j] == again[i];
    }
    ck_assert_int_ge(reused, N - 64);
    for (int i = 0; i < N; i++)
        gl_free(again[i], REC);
}
END_TEST

/* Two threads pass objects to each other and free what they are given:
 * every object either owns is zeroed when it arrives and carries its
 * owner's tag until freed. One handed to both would fail the check
 * (counted, not asserted: Check's asserts belong to the test's thread). */
#define ROUNDS 200000
#define SLOTS 64

static atomic_int bad;

static struct {
    pthread_mutex_t mu;
    void *slot[SLOTS];
} pass = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void *trade(void *arg)
{
    uintptr_t tag = (uintptr_t)arg;
    void *mine[16] = {0};
    unsigned seed = (unsigned)tag;
    for (int r = 0; r < ROUNDS; r++) {
        int k = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 16;
        if (mine[k]) {
            if (*(uintptr_t *)mine[k] != tag || !zeroed((char *)mine[k] + sizeof tag, REC - sizeof tag))
                atomic_fetch_add(&bad, 1);
            /* Hand it over: the other thread frees it. */
            pthread_mutex_lock(&pass.mu);
            int s = (int)(seed % SLOTS);
            void *old = pass.slot[s];
            pass.slot[s] = mine[k];
            pthread_mutex_unlock(&pass.mu);
            if (old)
                gl_free(old, REC);
        }
        mine[k] = gl_alloc(REC);
        if (!mine[k] || !zeroed(mine[k], REC)) {
            atomic_fetch_add(&bad, 1);
            return NULL;
        }
        *(uintptr_t *)mine[k] = tag;
    }
    for (int k = 0; k < 16; k++)
        gl_free(mine[k], REC);
    return NULL;
}

START_TEST(objects_traded_between_threads_stay_single_owner)
{
    pthread_t a, b;
    ck_assert_int_eq(pthread_create(&a, NULL, trade, (void *)(uintptr_t)0x1111), 0);
    ck_assert_int_eq(pthread_create(&b, NULL, trade, (void *)(uintptr_t)0x2222), 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    ck_assert_int_eq(atomic_load(&bad), 0);
    for (int s = 0; s < SLOTS; s++)
        gl_free(pass.slot[s], REC);
}
END_TEST

int main(void)
{
    Suite *s;
    gl_single_case(&s, "alloc", 60, GL_TESTS(
        freed_elsewhere_comes_back_in_batches,
        objects_traded_between_threads_stay_single_owner));
    return gl_run_suites(GL_SUITES(s), CK_VERBOSE, 1);
}
