/* Test attribution: a goroutine belongs to the test of the nearest goroutine
 * on its creation chain, itself included, that ran testing.tRunner
 * (docs/dump-format.md); in a dump that ran tests, one with no such
 * ancestor belongs to "setup". */
#include "rules/judge.h"

#include "util/hash.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

/* The nearest tagged ancestor of a goroutine (NULL: none), remembered for
 * every goroutine on a walked chain: a million goroutines of one worker pool
 * cost one walk, not a million. */
typedef struct attr_entry {
    const gl_goroutine *g;
    const char *test;
    UT_hash_handle hh;
} attr_entry;

typedef struct test_entry {
    const char *name;
    size_t idx;
    UT_hash_handle hh;
} test_entry;

#define ATTR_MAX_DEPTH 100000

const char gl_setup_test[] = GL_TEST_SETUP;

static int memo_get(gl_judge *j, const gl_goroutine *g, const char **test)
{
    attr_entry *e = NULL;
    HASH_FIND(hh, j->attr, &g, sizeof g, e);
    if (e)
        *test = e->test;
    return e != NULL;
}

static int memo_put(gl_judge *j, const gl_goroutine *g, const char *test)
{
    attr_entry *e = malloc(sizeof *e);
    if (!e)
        return -1;
    e->g = g;
    e->test = test;
    HASH_ADD(hh, j->attr, g, sizeof e->g, e);
    return 0;
}

/* go test runs examples on its main goroutine, testing.runExample calling
 * each directly (no tRunner): a goroutine created under one belongs to it,
 * named as go test names it ("ExampleStart", the function's name without
 * its package path), when the frame runExample calls is an Example
 * function. Needs a creation stack that reaches runExample (the shim's and
 * the gc tracer's do; a text dump's one `created by` frame does not). */
static const char *example_of(const gl_stack *created)
{
    for (size_t i = 1; created && i < created->n; i++) {
        const char *fn = created->frames[i].function;
        const char *example = created->frames[i - 1].function;
        /* gccgo may inline runExample into runExamples (seen as
         * testing.runExamples.isra.0): the example is the frame it calls. */
        if (!fn || !example || strncmp(fn, "testing.runExample", 18) != 0)
            continue;
        const char *slash = strrchr(example, '/');
        const char *dot = strchr(slash ? slash : example, '.');
        return dot && strncmp(dot + 1, "Example", 7) == 0 ? dot + 1 : NULL;
    }
    return NULL;
}

/* The test whose goroutine tree g belongs to: the nearest goroutine on its
 * creation chain (g itself included) that ran testing.tRunner, or whose
 * creation stack runs through an example; "setup" when there is none in a
 * dump that ran tests; NULL when it ran none. */
int gl_attribute(gl_judge *j, const gl_goroutine *g, const char **out)
{
    const gl_dump *d = g->dump;
    *out = NULL;
    if (!j->dump_ran_tests)
        return 0;
    const gl_goroutine *path[64];
    size_t npath = 0;
    const char *found = NULL;
    const gl_goroutine *cur = g;
    for (size_t depth = 0; cur && depth < ATTR_MAX_DEPTH; depth++) {
        if (cur->test) {
            found = cur->test;
            break;
        }
        if ((found = example_of(cur->created)) != NULL)
            break;
        if (memo_get(j, cur, &found))
            break;
        if (npath < sizeof path / sizeof path[0])
            path[npath++] = cur;
        if (cur->parent == 0 || cur->parent == cur->id)
            break;
        cur = gl_dump_goroutine(d, cur->parent);
    }
    for (size_t i = 0; i < npath; i++)
        if (memo_put(j, path[i], found) != 0)
            return -1;
    *out = found ? found : gl_setup_test;
    return 0;
}

static int note_test(gl_judge *j, const char *name, size_t *idx)
{
    gl_report *r = j->r;
    test_entry *e = NULL;
    HASH_FIND(hh, j->tests, name, strlen(name), e);
    if (e) {
        *idx = e->idx;
        return 0;
    }
    if (gl_grow((void **)&r->tests, &j->cap_tests, r->ntests + 1, sizeof *r->tests) != 0)
        return -1;
    e = malloc(sizeof *e);
    if (!e)
        return -1;
    e->name = name;
    e->idx = r->ntests;
    HASH_ADD_KEYPTR(hh, j->tests, e->name, strlen(e->name), e);
    r->tests[r->ntests++] = (gl_test_result){.name = name};
    *idx = e->idx;
    return 0;
}

/* Every test started, in start order, with what leaked from it. */
int gl_tally_tests(gl_judge *j, gl_dump *const *dumps, size_t ndumps)
{
    gl_report *r = j->r;
    size_t idx;
    for (size_t di = 0; di < ndumps; di++) {
        if (!dumps[di])
            continue;
        r->tests_dropped += dumps[di]->tests_dropped;
        for (size_t i = 0; i < dumps[di]->ntests; i++)
            if (dumps[di]->tests[i] && note_test(j, dumps[di]->tests[i], &idx) != 0)
                return -1;
    }
    for (size_t i = 0; i < r->ngroups; i++) {
        const gl_leak_group *grp = &r->groups[i];
        if (!grp->test || grp->test == gl_setup_test)
            continue;
        if (note_test(j, grp->test, &idx) != 0) /* beyond the shim's list limit */
            return -1;
        r->tests[idx].leaked += grp->count;
        r->tests[idx].groups++;
    }
    return 0;
}

void gl_attribution_free(gl_judge *j)
{
    GL_HASH_FREE(j->attr);
    GL_HASH_FREE(j->tests);
}
