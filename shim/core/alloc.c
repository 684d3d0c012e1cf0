/* The shim's own memory: size-class slabs carved from mmap'd chunks, with
 * per-class free lists under one spinlock. The host's malloc is never called
 * from an interposer (reentrancy, fork, split-stack depth), and a freed
 * goroutine record is reused by the next spawn. */
#include "core/core.h"

#include <sys/mman.h>
#include <unistd.h>

#define CHUNK (1u << 20)
#define NCLASS 64

#define MAG 32 /* objects moved between a thread's list and the global one at a time */

/* The process-wide free lists and the chunk being carved. */
static struct {
    atomic_flag lock;
    void *free_list[NCLASS];
    char *bump, *bump_end;
} slabs = {.lock = ATOMIC_FLAG_INIT};

/* Goroutines are born on one thread and die on another: each thread keeps
 * its own free lists and trades with the global ones a batch at a time, so
 * the lock is taken once per MAG allocations or frees, not each time. */
static GL_TLS struct {
    void *list[NCLASS];
    unsigned n[NCLASS];
} local;

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

/* Under the lock: up to MAG objects from the global list to this thread's. */
static void refill_locked(int c)
{
    for (unsigned i = 0; i < MAG && slabs.free_list[c]; i++) {
        void *o = slabs.free_list[c];
        slabs.free_list[c] = *(void **)o;
        *(void **)o = local.list[c];
        local.list[c] = o;
        local.n[c]++;
    }
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
        spin_lock();
        refill_locked(c);
        p = pop_local(c);
        if (!p)
            return carve_locked(sz);
        spin_unlock();
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
    *(void **)p = local.list[c];
    local.list[c] = p;
    if (++local.n[c] < 2 * MAG)
        return;
    /* Give a batch back for threads that allocate more than they free. */
    spin_lock();
    for (unsigned i = 0; i < MAG; i++) {
        void *o = local.list[c];
        local.list[c] = *(void **)o;
        *(void **)o = slabs.free_list[c];
        slabs.free_list[c] = o;
    }
    local.n[c] -= MAG;
    spin_unlock();
}

void gl_alloc_atfork_prepare(void) { spin_lock(); }
void gl_alloc_atfork_parent(void) { spin_unlock(); }
void gl_alloc_atfork_child(void) { spin_unlock(); }
