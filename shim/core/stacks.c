/* Stack capture with libunwind and interning: each distinct stack is stored
 * once and referred to by pointer, so 100,000 goroutines parked at one site
 * cost one copy. Lookups are lock-free (records are immutable and never
 * freed); inserts take one of 64 shard locks. */
#define UNW_LOCAL_ONLY
#include "core/registry.h"

#include <libunwind.h>
#include <link.h>
#include <string.h>

#define NBUCKETS (1u << 16)
#define NSHARDS 64

static struct {
    _Atomic(gl_istack *) *buckets;
    atomic_flag shard_lock[NSHARDS];
    atomic_uint next_id;
    atomic_ulong unwinds;
} table = {.next_id = 1};

/* Stacks any goroutine may find its own in (see shared_lookup), by their
 * innermost return address: immutable once linked, read without locks.
 * Every channel receive parks from the same place in runtime.chanrecv, so
 * a bucket holds as many stacks as a program has receive sites; a wrong
 * one fails its check within a few slots (where the user's frames start),
 * and beyond SHARED_CHAIN_MAX of them a park unwinds instead. */
#define SHARED_BUCKETS (1u << 12)
#define SHARED_CHAIN_MAX 256
static struct {
    _Atomic(gl_istack *) *buckets;
    atomic_flag lock;
} shared;

/* Return addresses that are not the goroutine's frames: the shim's own
 * code, and whatever lies beyond runtime.kickoff, which starts every
 * goroutine. */
static struct {
    uintptr_t shim_lo, shim_hi;
    uintptr_t bottom_lo, bottom_hi;
} bounds;

void gl_stacks_set_bottom(uintptr_t lo, uintptr_t hi)
{
    bounds.bottom_lo = lo;
    bounds.bottom_hi = hi;
}

static inline bool is_bottom(uintptr_t pc)
{
    return pc > bounds.bottom_lo && pc <= bounds.bottom_hi;
}

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
            bounds.shim_lo = lo;
            bounds.shim_hi = hi;
            return 1;
        }
    }
    return 0;
}

void gl_stacks_init(void)
{
    table.buckets = gl_alloc_big(NBUCKETS * sizeof *table.buckets);
    shared.buckets = gl_alloc_big(SHARED_BUCKETS * sizeof *shared.buckets);
    gl_segment_init();
    dl_iterate_phdr(find_self, (void *)(uintptr_t)&gl_stacks_init);
    unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
}

bool gl_pc_in_shim(uintptr_t pc)
{
    return pc >= bounds.shim_lo && pc < bounds.shim_hi;
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
    for (gl_istack *s = atomic_load_explicit(&table.buckets[h & (NBUCKETS - 1)], memory_order_acquire); s; s = s->next)
        if (s->hash == h && s->n == n && s->truncated == truncated && memcmp(s->pcs, pcs, n * sizeof *pcs) == 0)
            return s;
    return NULL;
}

static gl_istack *intern(const uintptr_t *pcs, const uint32_t *offs, size_t n, bool truncated);

gl_istack *gl_stack_intern(const uintptr_t *pcs, size_t n, bool truncated)
{
    return intern(pcs, NULL, n, truncated);
}

static bool same_offsets(const gl_istack *s, const uint32_t *offs)
{
    return s->slot_off && offs && memcmp(s->slot_off, offs, s->n * sizeof *offs) == 0;
}

static gl_istack *intern(const uintptr_t *pcs, const uint32_t *offs, size_t n, bool truncated)
{
    if (!table.buckets)
        return NULL;
    uint32_t h = hash_pcs(pcs, n);
    gl_istack *s = lookup(h, pcs, n, truncated);
    if (s) {
        /* Same PCs at other distances (alloca, a split-stack boundary): the
         * offsets prove nothing for this stack any more. */
        if (atomic_load_explicit(&s->reusable, memory_order_relaxed) && !same_offsets(s, offs))
            atomic_store_explicit(&s->reusable, 0, memory_order_relaxed);
        return s;
    }
    atomic_flag *l = &table.shard_lock[h % NSHARDS];
    while (atomic_flag_test_and_set_explicit(l, memory_order_acquire))
        ;
    s = lookup(h, pcs, n, truncated);
    if (s) {
        if (atomic_load_explicit(&s->reusable, memory_order_relaxed) && !same_offsets(s, offs))
            atomic_store_explicit(&s->reusable, 0, memory_order_relaxed);
    } else {
        s = gl_alloc(sizeof *s + n * sizeof *pcs + (offs ? n * sizeof *offs : 0));
        if (s) {
            s->id = atomic_fetch_add(&table.next_id, 1);
            s->hash = h;
            s->n = (uint16_t)n;
            s->truncated = truncated;
            memcpy(s->pcs, pcs, n * sizeof *pcs);
            if (offs) {
                s->slot_off = (uint32_t *)(s->pcs + n);
                memcpy(s->slot_off, offs, n * sizeof *offs);
                atomic_store_explicit(&s->reusable, 1, memory_order_relaxed);
            }
            _Atomic(gl_istack *) *b = &table.buckets[h & (NBUCKETS - 1)];
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
        if (is_bottom(pc)) {
            truncated = false;
            break;
        }
    }
    return gl_stack_intern(pcs, m, truncated);
}

/* A full walk that also notes where each return address is stored, as an
 * offset from anchor. Frames are found by CFA rules relative to the stack
 * pointer, so when a later park has the same anchor and every one of those
 * slots still holds the same return address, it is the same chain. */
static gl_istack *capture_with_slots(uintptr_t anchor)
{
    unw_context_t uc;
    unw_cursor_t cur;
    uintptr_t pcs[GL_STACK_MAX];
    uint32_t offs[GL_STACK_MAX];
    size_t m = 0;
    bool truncated = false, offsets_ok = true;
    atomic_fetch_add_explicit(&table.unwinds, 1, memory_order_relaxed);
    if (unw_getcontext(&uc) != 0 || unw_init_local(&cur, &uc) != 0)
        return gl_stack_capture();
    /* The innermost frame's return address is the interposer's own, at its
     * CFA - 8: offsets count from there. */
    uintptr_t base = anchor - sizeof(uintptr_t);
    while (unw_step(&cur) > 0) {
        unw_word_t ip, sp;
        unw_get_reg(&cur, UNW_REG_IP, &ip);
        unw_get_reg(&cur, UNW_REG_SP, &sp);
        if (gl_pc_in_shim(ip))
            continue;
        if (m == GL_STACK_MAX) {
            truncated = true;
            break;
        }
        /* This frame's PC was read from just below its SP (the callee's CFA). */
        uintptr_t slot = sp - sizeof(uintptr_t);
        if (slot < base || slot - base > (16u << 20) || (m && slot - base <= offs[m - 1]))
            offsets_ok = false;
        offs[m] = (uint32_t)(slot - base);
        pcs[m++] = ip;
        if (is_bottom(ip))
            break;
    }
    return intern(pcs, offsets_ok && m ? offs : NULL, m, truncated);
}

static bool still_valid(const gl_istack *s, uintptr_t anchor)
{
    if (!atomic_load_explicit(&s->reusable, memory_order_relaxed))
        return false;
    uintptr_t base = anchor - sizeof(uintptr_t);
    for (uint16_t i = 0; i < s->n; i++)
        if (*(const uintptr_t *)(base + s->slot_off[i]) != s->pcs[i])
            return false;
    return true;
}

/* ---- stacks shared between goroutines ----
 * A new goroutine parks (or spawns, or makes a channel) where others did
 * before, on a stack of its own. Frames are found by CFA rules relative to
 * the stack pointer, so the chain a full unwind would find from this
 * anchor is the one whose return addresses sit at the same offsets from
 * it: checked innermost first, each match makes the next slot the real
 * one, and only a complete chain (down to runtime.kickoff, or cut at
 * GL_STACK_MAX) that lay within one segment, with offsets that fit in
 * this goroutine's current segment, is tried: every word read is then on
 * this goroutine's own live stack. */

static size_t shared_bucket(uintptr_t pc0)
{
    return (size_t)((pc0 * 0x9E3779B97F4A7C15ull) >> 40) & (SHARED_BUCKETS - 1);
}

/* The slots of s, from base, lie below hi. Offsets only grow. */
static bool fits(const gl_istack *s, uintptr_t base, uintptr_t hi)
{
    return base + s->slot_off[s->n - 1] + sizeof(uintptr_t) <= hi;
}

static gl_istack *shared_lookup(uintptr_t anchor, uintptr_t hi)
{
    uintptr_t base = anchor - sizeof(uintptr_t);
    uintptr_t pc0 = *(const uintptr_t *)base;
    gl_istack *s = atomic_load_explicit(&shared.buckets[shared_bucket(pc0)], memory_order_acquire);
    for (int k = 0; s && k < SHARED_CHAIN_MAX; s = atomic_load_explicit(&s->shared_next, memory_order_acquire), k++)
        if (s->pcs[0] == pc0 && fits(s, base, hi) && still_valid(s, anchor))
            return s;
    return NULL;
}

static bool complete(const gl_istack *s)
{
    return s->truncated || is_bottom(s->pcs[s->n - 1]);
}

static void shared_add(gl_istack *s, uintptr_t anchor, uintptr_t hi)
{
    if (!s->n || !s->slot_off || s->slot_off[0] != 0 || !complete(s) ||
        !fits(s, anchor - sizeof(uintptr_t), hi) || atomic_load_explicit(&s->shared, memory_order_relaxed))
        return;
    while (atomic_flag_test_and_set_explicit(&shared.lock, memory_order_acquire))
        ;
    if (!atomic_load_explicit(&s->shared, memory_order_relaxed)) {
        _Atomic(gl_istack *) *b = &shared.buckets[shared_bucket(s->pcs[0])];
        atomic_store_explicit(&s->shared_next, atomic_load_explicit(b, memory_order_relaxed), memory_order_relaxed);
        atomic_store_explicit(&s->shared, 1, memory_order_relaxed);
        atomic_store_explicit(b, s, memory_order_release);
    }
    atomic_flag_clear_explicit(&shared.lock, memory_order_release);
}

gl_istack *gl_stack_capture_cached(gl_scache *c, uintptr_t anchor)
{
    for (int i = 0; i < GL_SCACHE; i++)
        if (c->anchor[i] == anchor && c->stack[i] && still_valid(c->stack[i], anchor))
            return c->stack[i];
    uintptr_t lo, hi;
    bool on_segment = shared.buckets && gl_segment_bounds(anchor, &lo, &hi);
    gl_istack *s = on_segment ? shared_lookup(anchor, hi) : NULL;
    if (!s) {
        s = capture_with_slots(anchor);
        if (s && on_segment && atomic_load_explicit(&s->reusable, memory_order_relaxed))
            shared_add(s, anchor, hi);
    }
    if (s && atomic_load_explicit(&s->reusable, memory_order_relaxed)) {
        c->anchor[c->next] = anchor;
        c->stack[c->next] = s;
        c->next = (uint8_t)((c->next + 1) % GL_SCACHE);
    }
    return s;
}

unsigned long gl_stacks_unwinds(void)
{
    return atomic_load_explicit(&table.unwinds, memory_order_relaxed);
}

void gl_stacks_atfork_prepare(void)
{
    for (int i = 0; i < NSHARDS; i++)
        while (atomic_flag_test_and_set_explicit(&table.shard_lock[i], memory_order_acquire))
            ;
    while (atomic_flag_test_and_set_explicit(&shared.lock, memory_order_acquire))
        ;
}

void gl_stacks_atfork_parent(void)
{
    atomic_flag_clear_explicit(&shared.lock, memory_order_release);
    for (int i = 0; i < NSHARDS; i++)
        atomic_flag_clear_explicit(&table.shard_lock[i], memory_order_release);
}

void gl_stacks_atfork_child(void)
{
    gl_stacks_atfork_parent();
}

/* Tests link the core into an executable: there, "the shim's own code" is
 * the test itself, which must not be filtered out of its stacks. */
void gl_stacks_set_own_range(uintptr_t lo, uintptr_t hi)
{
    bounds.shim_lo = lo;
    bounds.shim_hi = hi;
}
