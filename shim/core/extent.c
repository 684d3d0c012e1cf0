/* Where a function ends, for the few whose extent the shim needs (the
 * goroutine entry runtime.kickoff, testing.T.Run). dladdr1 would give the
 * symbol's st_size, but by a linear scan of the module's dynamic symbols:
 * libgo has 48,000, 0.3 ms a call at every start. The unwind tables hold
 * the same extent and libunwind finds it by a binary search in the module's
 * .eh_frame_hdr; dladdr1 stays for a function they do not start exactly at. */
#define UNW_LOCAL_ONLY
#include "core/core.h"

#include <dlfcn.h>
#include <libunwind.h>
#include <link.h>

bool gl_function_extent(const void *fn, uintptr_t *len)
{
    unw_proc_info_t pi;
    if (unw_get_proc_info_by_ip(unw_local_addr_space, (unw_word_t)(uintptr_t)fn, &pi, NULL) == 0 &&
        pi.start_ip == (unw_word_t)(uintptr_t)fn && pi.end_ip > pi.start_ip) {
        *len = (uintptr_t)(pi.end_ip - pi.start_ip);
        return true;
    }
    Dl_info di;
    const ElfW(Sym) *sym = NULL;
    if (!dladdr1(fn, &di, (void **)&sym, RTLD_DL_SYMENT) || !sym || !sym->st_size)
        return false;
    *len = sym->st_size;
    return true;
}
