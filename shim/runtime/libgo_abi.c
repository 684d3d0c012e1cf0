/* The checks of libgo_abi.h: goroutine ids and status words are read from
 * libgo's g, which nothing exports, at offsets checked on goroutines whose
 * answer is known. g structs are never freed by the runtime (dead ones wait
 * on free lists for reuse), so reading one is safe; a reused g shows
 * another goid and is not trusted. */
#include "runtime/libgo_abi.h"

#include <dlfcn.h>
#include <link.h>

/* What the checks found: 0 not yet, 1 passed, -1 failed. */
static struct {
    atomic_int goid;
    atomic_int status;
} checked;

int64_t gl_goid_of(const void *g)
{
    if (!g)
        return 0;
    return *(const int64_t *)((const char *)g + GL_LIBGO_G_GOID_OFFSET);
}

bool gl_goid_check_first_spawn(const void *newg)
{
    int expected = 0;
    /* The main goroutine, created by the program's C main before anything
     * else, is goroutine 1. */
    int verdict = gl_goid_of(newg) == 1 ? 1 : -1;
    if (!atomic_compare_exchange_strong(&checked.goid, &expected, verdict))
        return atomic_load(&checked.goid) > 0;
    if (verdict < 0) {
        static atomic_int warned;
        gl_warn_once(&warned, "goleash: cannot read goroutine ids from this libgo; goleash is disabled");
        atomic_store(&gl_host.active, 0);
        return false;
    }
    return true;
}

int64_t gl_current_goid(void)
{
    return gl_goid_of(gl_host.real.getg());
}

static uint32_t status_of(const void *g)
{
    return __atomic_load_n((const uint32_t *)((const char *)g + GL_LIBGO_G_STATUS_OFFSET), __ATOMIC_ACQUIRE)
         & ~(uint32_t)GL_LIBGO_G_SCAN;
}

bool gl_gstatus_validate(const void *running_g)
{
    int s = atomic_load_explicit(&checked.status, memory_order_relaxed);
    if (s)
        return s > 0;
    if (!running_g)
        return false;
    int want = status_of(running_g) == GL_LIBGO_G_RUNNING ? 1 : -1;
    int expected = 0;
    if (atomic_compare_exchange_strong(&checked.status, &expected, want) && want < 0) {
        static atomic_int warned;
        gl_warn_once(&warned, "goleash: cannot read goroutine status from this libgo; a goroutine woken "
                              "but not yet run at a dump may be reported as parked");
    }
    return atomic_load(&checked.status) > 0;
}

bool gl_gstatus_still_waiting(const void *g, int64_t goid)
{
    if (!g || atomic_load_explicit(&checked.status, memory_order_relaxed) <= 0)
        return true;
    if (gl_goid_of(g) != goid)
        return true;
    return status_of(g) == GL_LIBGO_G_WAITING;
}

int gl_gstatus_of(const void *g, int64_t goid)
{
    if (!g || atomic_load_explicit(&checked.status, memory_order_relaxed) <= 0 || gl_goid_of(g) != goid)
        return -1;
    return (int)status_of(g);
}

/* ---- g.gopc: who created a goroutine -------------------------------------
 * libgo takes the creator's PC from __go_go's caller, which is the shim's
 * interposer: the program's own tracebacks would say "created by" a shim
 * function. The field is found once, as the one word of a new g that
 * points into the shim's own code (nothing else in a g does: startpc is
 * the goroutine's Go function), and is then set to the Go caller's PC,
 * which is what libgo would have stored without us. */

/* The shim's executable segment. */
static struct { uintptr_t lo, hi; } shim_text;

static int find_own_text(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    if (info->dlpi_addr != (uintptr_t)arg)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            shim_text.lo = info->dlpi_addr + ph->p_vaddr;
            shim_text.hi = shim_text.lo + ph->p_memsz;
            return 1;
        }
    }
    return 0;
}

/* Words of g searched: gopc sits well inside them in every libgo. */
#define GOPC_SEARCH_WORDS 48

static atomic_int gopc_offset; /* 0 not looked for yet, -1 not found, else the offset */

static int locate_gopc(const uintptr_t *w)
{
    Dl_info info;
    if (!shim_text.hi && dladdr((void *)&locate_gopc, &info) && info.dli_fbase)
        dl_iterate_phdr(find_own_text, info.dli_fbase);
    int found = -1;
    for (int i = 1; shim_text.hi && i < GOPC_SEARCH_WORDS; i++) {
        if (w[i] >= shim_text.lo && w[i] < shim_text.hi) {
            if (found >= 0)
                return -1; /* two candidates: take neither */
            found = i * (int)sizeof(uintptr_t);
        }
    }
    return found;
}

void gl_set_creator_pc(void *newg, uintptr_t caller_pc)
{
    uintptr_t *w = newg;
    int off = atomic_load_explicit(&gopc_offset, memory_order_relaxed);
    if (off == 0) {
        int expected = 0;
        off = locate_gopc(w);
        atomic_compare_exchange_strong(&gopc_offset, &expected, off);
        off = atomic_load(&gopc_offset);
    }
    if (off <= 0)
        return;
    uintptr_t *slot = (uintptr_t *)((char *)newg + off);
    /* Only ever replace what points into us: a g recycled from another
     * libgo path, or a layout we misread, is left alone. */
    if (*slot >= shim_text.lo && *slot < shim_text.hi)
        __atomic_store_n(slot, caller_pc, __ATOMIC_RELAXED);
}

bool gl_chantype_is_signal(const void *t)
{
    /* gccgo spells a named type "\t<pkgpath>\t<name>". */
    static const char want[] = "\tos\tos.Signal";
    if (!t || (*((const uint8_t *)t + GL_LIBGO_TYPE_KIND_OFFSET) & GL_LIBGO_KIND_MASK) != GL_LIBGO_KIND_CHAN)
        return false;
    const void *elem = *(const void *const *)((const char *)t + GL_LIBGO_CHANTYPE_ELEM_OFFSET);
    if (!elem)
        return false;
    const struct gl_go_string *name = *(const struct gl_go_string *const *)((const char *)elem + GL_LIBGO_TYPE_STRING_OFFSET);
    return name && name->n == (intptr_t)sizeof want - 1 && memcmp(name->p, want, sizeof want - 1) == 0;
}
