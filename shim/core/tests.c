/* The tests a test binary started, in start order: names copied out of the
 * Go heap into shim memory (a test's name outlives its T in the dump), the
 * first GL_TESTS_MAX of them listed, the rest only counted. A test starts
 * once per T.Run, so none of this is on a hot path. */
#include "core/registry.h"

#include <pthread.h>

#define CHUNK_NAMES 1024

typedef struct chunk {
    struct chunk *next;
    size_t n;
    const char *names[CHUNK_NAMES];
} chunk;

static struct {
    pthread_mutex_t mu;
    chunk *first, *last;
    size_t listed, dropped;
    atomic_int invalid;   /* attribution broke down: no test information */
} tests = {.mu = PTHREAD_MUTEX_INITIALIZER};

void gl_tests_invalidate(void)
{
    atomic_store(&tests.invalid, 1);
}

bool gl_tests_valid(void)
{
    return !atomic_load(&tests.invalid);
}

const char *gl_tests_add(const char *name, size_t len)
{
    char *copy = gl_alloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, name, len);
    copy[len] = '\0';
    pthread_mutex_lock(&tests.mu);
    if (tests.listed >= GL_TESTS_MAX) {
        tests.dropped++;
    } else {
        if (!tests.last || tests.last->n == CHUNK_NAMES) {
            chunk *c = gl_alloc_big(sizeof *c);
            if (c) {
                if (tests.last)
                    tests.last->next = c;
                else
                    tests.first = c;
                tests.last = c;
            }
        }
        if (tests.last && tests.last->n < CHUNK_NAMES) {
            tests.last->names[tests.last->n++] = copy;
            tests.listed++;
        } else {
            tests.dropped++;
        }
    }
    pthread_mutex_unlock(&tests.mu);
    return copy;
}

void gl_tests_each(void (*fn)(const char *name, void *arg), void *arg)
{
    pthread_mutex_lock(&tests.mu);
    for (const chunk *c = tests.first; c; c = c->next)
        for (size_t i = 0; i < c->n; i++)
            fn(c->names[i], arg);
    pthread_mutex_unlock(&tests.mu);
}

size_t gl_tests_dropped(void)
{
    pthread_mutex_lock(&tests.mu);
    size_t n = tests.dropped;
    pthread_mutex_unlock(&tests.mu);
    return n;
}

void gl_tests_atfork_prepare(void) { pthread_mutex_lock(&tests.mu); }
void gl_tests_atfork_parent(void) { pthread_mutex_unlock(&tests.mu); }
void gl_tests_atfork_child(void) { pthread_mutex_init(&tests.mu, NULL); }

static bool is_go_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* name == parent "/" rewrite(given) ("#NN")*, or given itself for a
 * top-level test (the root T has no name and does not rewrite). Beyond the
 * first non-ASCII byte of given only the prefix is compared: Go's rewriting
 * of Unicode spaces and unprintables is not worth repeating here. */
bool gl_test_name_matches(struct gl_go_string parent, struct gl_go_string given, struct gl_go_string name)
{
    if (!name.p || name.n <= 0 || name.n > (1 << 20) || given.n < 0 || parent.n < 0)
        return false;
    intptr_t off = 0;
    bool top = parent.n == 0;
    if (!top) {
        if (name.n <= parent.n || memcmp(name.p, parent.p, (size_t)parent.n) != 0 || name.p[parent.n] != '/')
            return false;
        off = parent.n + 1;
    }
    for (intptr_t i = 0; i < given.n; i++) {
        unsigned char c = (unsigned char)given.p[i];
        if (c >= 0x80 && !top)
            return true;
        char want = (char)c;
        if (!top && is_go_space(c))
            want = '_';
        else if (!top && (c < 0x20 || c == 0x7f))
            return off < name.n && name.p[off] == '\\';
        if (off >= name.n || name.p[off] != want)
            return false;
        off++;
    }
    if (top)
        return off == name.n;
    while (off < name.n) {
        if (name.p[off++] != '#')
            return false;
        intptr_t digits = 0;
        while (off < name.n && name.p[off] >= '0' && name.p[off] <= '9') {
            off++;
            digits++;
        }
        if (digits < 2)
            return false;
    }
    return true;
}
