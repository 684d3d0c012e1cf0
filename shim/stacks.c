/* Stack capture with libunwind and interning: each distinct stack is stored
 * once and referred to by pointer, so 100,000 goroutines parked at one site
 * cost one copy. Lookups are lock-free (records are immutable and never
 * freed); inserts take one of 64 shard locks. */
#define UNW_LOCAL_ONLY
#include "shim.h"

#include <libunwind.h>
#include <link.h>
#include <string.h>

#define NBUCKETS (1u << 16)
#define NSHARDS 64

static _Atomic(gl_istack *) *buckets;
static atomic_flag shard_lock[NSHARDS];
static atomic_uint next_id = 1;
static uintptr_t shim_lo, shim_hi;

static int find_self(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    uintptr_t me = (uintptr_t)arg;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
        if (me >= lo && me < hi) {
            shim_lo = lo;
            shim_hi = hi;
            return 1;
        }
    }
    return 0;
}

void gl_stacks_init(void)
{
    buckets = gl_alloc_big(NBUCKETS * sizeof *buckets);
    dl_iterate_phdr(find_self, (void *)(uintptr_t)&gl_stacks_init);
    unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
}

bool gl_pc_in_shim(uintptr_t pc)
{
    return pc >= shim_lo && pc < shim_hi;
}

static uint32_t hash_pcs(const uintptr_t *pcs, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (size_t i = 0; i < n; i++) {
        h ^= pcs[i];
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    return (uint32_t)h;
}

static gl_istack *lookup(uint32_t h, const uintptr_t *pcs, size_t n, bool truncated)
{
    for (gl_istack *s = atomic_load_explicit(&buckets[h & (NBUCKETS - 1)], memory_order_acquire); s; s = s->next)
        if (s->hash == h && s->n == n && s->truncated == truncated && memcmp(s->pcs, pcs, n * sizeof *pcs) == 0)
            return s;
    return NULL;
}

gl_istack *gl_stack_intern(const uintptr_t *pcs, size_t n, bool truncated)
{
    if (!buckets)
        return NULL;
    uint32_t h = hash_pcs(pcs, n);
    gl_istack *s = lookup(h, pcs, n, truncated);
    if (s)
        return s;
    atomic_flag *l = &shard_lock[h % NSHARDS];
    while (atomic_flag_test_and_set_explicit(l, memory_order_acquire))
        ;
    s = lookup(h, pcs, n, truncated);
    if (!s) {
        s = gl_alloc(sizeof *s + n * sizeof *pcs);
        if (s) {
            s->id = atomic_fetch_add(&next_id, 1);
            s->hash = h;
            s->n = (uint16_t)n;
            s->truncated = truncated;
            memcpy(s->pcs, pcs, n * sizeof *pcs);
            _Atomic(gl_istack *) *b = &buckets[h & (NBUCKETS - 1)];
            s->next = atomic_load_explicit(b, memory_order_relaxed);
            atomic_store_explicit(b, s, memory_order_release);
        }
    }
    atomic_flag_clear_explicit(l, memory_order_release);
    return s;
}

gl_istack *gl_stack_capture(void)
{
    void *raw[GL_STACK_MAX + 16];
    int n = unw_backtrace(raw, (int)(sizeof raw / sizeof raw[0]));
    /* Our own frames are dropped wherever they are: the capture path at the
     * top, and interposers between the runtime and user code below it. */
    uintptr_t pcs[GL_STACK_MAX];
    size_t m = 0;
    bool truncated = n == (int)(sizeof raw / sizeof raw[0]);
    for (int i = 0; i < n; i++) {
        uintptr_t pc = (uintptr_t)raw[i];
        if (gl_pc_in_shim(pc))
            continue;
        if (m == GL_STACK_MAX) {
            truncated = true;
            break;
        }
        pcs[m++] = pc;
    }
    return gl_stack_intern(pcs, m, truncated);
}

void gl_stacks_atfork_prepare(void)
{
    for (int i = 0; i < NSHARDS; i++)
        while (atomic_flag_test_and_set_explicit(&shard_lock[i], memory_order_acquire))
            ;
}

void gl_stacks_atfork_parent(void)
{
    for (int i = 0; i < NSHARDS; i++)
        atomic_flag_clear_explicit(&shard_lock[i], memory_order_release);
}

void gl_stacks_atfork_child(void)
{
    gl_stacks_atfork_parent();
}

/* Tests link the core into an executable: there, "the shim's own code" is
 * the test itself, which must not be filtered out of its stacks. */
void gl_stacks_set_own_range(uintptr_t lo, uintptr_t hi)
{
    shim_lo = lo;
    shim_hi = hi;
}
