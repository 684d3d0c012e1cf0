/* Which goroutine ran which test: testing.tRunner's goroutine id and the
 * test's full name, recorded as each test starts (gc_trace.c stops on
 * tRunner's entry), kept in start order for the dump's `test` records. */
#ifndef GOLEASH_GC_TESTS_H
#define GOLEASH_GC_TESTS_H

#include <stddef.h>
#include <stdint.h>

#define GC_MAX_TESTS 100000

typedef struct gc_test_entry gc_test_entry;

typedef struct gc_tests {
    gc_test_entry *by_goid;   /* uthash */
    char **names;             /* start order */
    size_t n, cap;
    size_t dropped;           /* beyond GC_MAX_TESTS */
} gc_tests;

/* Records that goroutine goid runs test name. 0, -1 out of memory. */
int gc_tests_add(gc_tests *t, int64_t goid, const char *name);

/* The test goroutine goid ran, NULL when none. */
const char *gc_tests_of(const gc_tests *t, int64_t goid);

void gc_tests_free(gc_tests *t);

#endif
