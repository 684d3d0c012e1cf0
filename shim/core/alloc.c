/* The shim's own memory: size-class slabs carved from mmap'd chunks, with
 * per-thread free lists and per-class stacks of full batches under one
 * spinlock. The host's malloc is never called
 * from an interposer (reentrancy, fork, split-stack depth), and a freed
 * goroutine record is reused by the next spawn. */
#include "core/core.h"

#include <sys/mman.h>
#include <unistd.h>

#define CHUNK (1u << 20)
#define NCLASS 64

#define MAG 32 /* objects moved between a thread's lists and the global ones at a time */

/* The process-wide stacks of full batches and the chunk being carved. A
 * batch is a chain of MAG objects linked through their first word; batches
 * are linked through the second word of their first object. Moving a batch
 * is two stores under the lock: walking a chain there instead, each object a
 * cache miss (freed on another core), made gl_alloc 8% of spawn+exit. */
static struct {
    atomic_flag lock;
    void *batches[NCLASS];
    char *bump, *bump_end;
} slabs = {.lock = ATOMIC_FLAG_INIT};

/* Goroutines are born on one thread and die on another: each thread
 * allocates from its own list, and frees onto it until it holds MAG, then
 * into a batch that goes to the global stack when full. */
static GL_TLS struct {
    void *list[NCLASS];
    unsigned n[NCLASS];
    void *batch[NCLASS];
    unsigned nbatch[NCLASS];
} local;

#define BATCH_NEXT(o) (((void **)(o))[1])

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void spin_lock(void)
{
    while (atomic_flag_test_and_set_explicit(&slabs.lock, memory_order_acquire))
        cpu_relax();
}

static void spin_unlock(void)
{
    atomic_flag_clear_explicit(&slabs.lock, memory_order_release);
}

/* Classes are multiples of 16 bytes up to 1 KiB (records, and uthash's
 * tables and bucket arrays, which come and go as a shard empties and fills);
 * larger goes to pages. */
static int class_of(size_t size)
{
    return (int)((size + 15) / 16) - 1;
}

/* noinline: inlined, the page path gives gl_alloc and gl_free a stack frame
 * that every small (goroutine record) call would pay for. */
__attribute__((noinline)) void *gl_alloc_big(size_t size)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size = (size + pg - 1) & ~(pg - 1);
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

__attribute__((noinline)) void gl_free_big(void *p, size_t size)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size = (size + pg - 1) & ~(pg - 1);
    if (p)
        munmap(p, size);
}

static void *pop_local(int c)
{
    void *p = local.list[c];
    if (p) {
        local.list[c] = *(void **)p;
        local.n[c]--;
    }
    return p;
}

/* An empty list is refilled by this thread's own partial batch, else by a
 * global one. Returns with the lock held when it found none (carve next). */
static bool refill(int c)
{
    if (local.batch[c]) {
        local.list[c] = local.batch[c];
        local.n[c] = local.nbatch[c];
        local.batch[c] = NULL;
        local.nbatch[c] = 0;
        return true;
    }
    spin_lock();
    void *b = slabs.batches[c];
    if (!b)
        return false;
    slabs.batches[c] = BATCH_NEXT(b);
    spin_unlock();
    local.list[c] = b;
    local.n[c] = MAG;
    return true;
}

/* A fresh object of sz bytes from the current chunk. Called with the lock
 * held, returns with it released. Fresh mmap memory is zero. */
static void *carve_locked(size_t sz)
{
    if (slabs.bump == NULL || (size_t)(slabs.bump_end - slabs.bump) < sz) {
        spin_unlock();
        char *chunk = gl_alloc_big(CHUNK);
        if (!chunk)
            return NULL;
        spin_lock();
        /* The tail of the previous chunk is abandoned: under 1 KiB. */
        slabs.bump = chunk;
        slabs.bump_end = chunk + CHUNK;
    }
    void *p = slabs.bump;
    slabs.bump += sz;
    spin_unlock();
    return p;
}

void *gl_alloc(size_t size)
{
    if (size == 0)
        size = 1;
    int c = class_of(size);
    if (c >= NCLASS)
        return gl_alloc_big(size);
    size_t sz = (size_t)(c + 1) * 16;
    void *p = pop_local(c);
    if (!p) {
        if (!refill(c))
            return carve_locked(sz);
        p = pop_local(c);
    }
    memset(p, 0, sz);
    return p;
}

void gl_free(void *p, size_t size)
{
    if (!p)
        return;
    int c = class_of(size ? size : 1);
    if (c >= NCLASS) {
        gl_free_big(p, size);
        return;
    }
    if (local.n[c] < MAG) {
        *(void **)p = local.list[c];
        local.list[c] = p;
        local.n[c]++;
        return;
    }
    *(void **)p = local.batch[c];
    local.batch[c] = p;
    if (++local.nbatch[c] < MAG)
        return;
    /* Full: given back whole, for threads that allocate more than they free. */
    spin_lock();
    BATCH_NEXT(p) = slabs.batches[c];
    slabs.batches[c] = p;
    spin_unlock();
    local.batch[c] = NULL;
    local.nbatch[c] = 0;
}

void gl_alloc_atfork_prepare(void) { spin_lock(); }
void gl_alloc_atfork_parent(void) { spin_unlock(); }
void gl_alloc_atfork_child(void) { spin_unlock(); }
