/* Test start records (gc_tests.h). */
#include "runtime/gc_tests.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

struct gc_test_entry {
    int64_t goid;
    const char *name;         /* owned by names[] */
    UT_hash_handle hh;
};

int gc_tests_add(gc_tests *t, int64_t goid, const char *name)
{
    if (t->n >= GC_MAX_TESTS) {
        t->dropped++;
        return 0;
    }
    if (gl_grow((void **)&t->names, &t->cap, t->n + 1, sizeof *t->names) != 0)
        return -1;
    gc_test_entry *e = NULL;
    HASH_FIND(hh, t->by_goid, &goid, sizeof goid, e);
    char *copy = strdup(name);
    if (!copy || (!e && !(e = calloc(1, sizeof *e)))) {
        free(copy);
        return -1;
    }
    t->names[t->n++] = copy;
    if (!e->name) {
        e->goid = goid;
        HASH_ADD(hh, t->by_goid, goid, sizeof e->goid, e);
    }
    /* A goroutine id runs one test: tRunner goroutines are never reused
     * before they exit, and an exited one gets a new id when reused. */
    e->name = copy;
    return 0;
}

const char *gc_tests_of(const gc_tests *t, int64_t goid)
{
    gc_test_entry *e = NULL;
    HASH_FIND(hh, t->by_goid, &goid, sizeof goid, e);
    return e ? e->name : NULL;
}

void gc_tests_free(gc_tests *t)
{
    gc_test_entry *e, *tmp;
    HASH_ITER(hh, t->by_goid, e, tmp) {
        HASH_DEL(t->by_goid, e);
        free(e);
    }
    for (size_t i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
    memset(t, 0, sizeof *t);
}
