/* The split-stack segment the calling thread runs on. gccgo goroutines run
 * on segments that libgcc's generic-morestack allocates (one mmap each, a
 * small header at its low end, the stack growing down from its high end);
 * libgo exports __splitstack_getcontext, which reads the thread's current
 * segment. stacks.c uses the bounds to read another goroutine's stack
 * shape only where this goroutine's segment surely is. */
#include "core/registry.h"

#include <dlfcn.h>
#include <unistd.h>

/* libgcc's struct stack_segment: prev, next, size (of the stack after the
 * header), then four words of its own. A segment is one mapping of whole
 * pages: header and stack end on a page boundary, which is checked before
 * the end is believed; otherwise [seg, seg + size), which lies inside the
 * mapping whatever the header's length, is used. */
struct seg_head {
    void *prev, *next;
    size_t size;
    void *old_stack, *dynamic, *free_dynamic, *extra;
};

enum { CTX_WORDS = 10, CTX_CURRENT_SEGMENT = 1 };

static struct {
    void (*getcontext)(void *ctx[CTX_WORDS]);
    bool (*query)(uintptr_t sp, uintptr_t *lo, uintptr_t *hi);
    uintptr_t page;   /* sysconf is a libc call: every first park paid it */
} seg;

static bool libgcc_query(uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
    void *ctx[CTX_WORDS] = {0};
    seg.getcontext(ctx);
    const struct seg_head *h = ctx[CTX_CURRENT_SEGMENT];
    if (!h || h->size == 0 || h->size > (1ull << 32))
        return false;
    uintptr_t l = (uintptr_t)h, top = l + sizeof *h + h->size;
    if (top % seg.page != 0)
        top = l + h->size;
    if (sp <= l + sizeof *h || sp >= top)
        return false;
    *lo = l;
    *hi = top;
    return true;
}

void gl_segment_init(void)
{
    seg.page = (uintptr_t)sysconf(_SC_PAGESIZE);
    seg.getcontext = (void (*)(void **))dlsym(RTLD_DEFAULT, "__splitstack_getcontext");
    if (seg.getcontext && !seg.query)
        seg.query = libgcc_query;
}

void gl_segment_set_query(bool (*query)(uintptr_t sp, uintptr_t *lo, uintptr_t *hi))
{
    seg.query = query;
}

bool gl_segment_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
    return seg.query && seg.query(sp, lo, hi);
}
