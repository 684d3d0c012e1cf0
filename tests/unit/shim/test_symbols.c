/* The dump's function names resolved a module at a time (shim/dump/
 * symbols.c) must be libunwind's, one PC at a time (gl_resolve_name), for
 * every PC it settles: checked on PCs spread over every module loaded here
 * (this executable's .symtab, libc's and libunwind's .dynsym, data
 * segments, addresses before a module's first function); and a function's
 * extent (shim/core/extent.c) is its symbol's size. */
#define UNW_LOCAL_ONLY
#include "core/registry.h"
#include "dump/snapshot.h"

#include <check.h>

#include "../run_suites.h"
#include <dlfcn.h>
#include <libunwind.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PER_MODULE 300

static int cmp_pc(const void *a, const void *b)
{
    uintptr_t x = ((const gl_pcname *)a)->pc, y = ((const gl_pcname *)b)->pc;
    return x < y ? -1 : x > y;
}

__attribute__((noinline)) static int local_function(int x)
{
    __asm__ volatile("" ::: "memory");
    return x * 3 + 1;
}

static gl_dump_modules ms;
static gl_pcname pcs[GL_DUMP_MAX_MODULES * PER_MODULE + 8];
static gl_names keep;

START_TEST(batch_names_are_libunwinds)
{
    gl_modules_read(&ms);
    ck_assert_int_gt(ms.n, 2);
    size_t n = 0;
    for (int i = 0; i < ms.n; i++) {
        uintptr_t span = ms.m[i].hi - ms.m[i].lo, step = span / PER_MODULE + 1;
        for (uintptr_t pc = ms.m[i].lo; pc < ms.m[i].hi && n < sizeof pcs / sizeof pcs[0] - 8; pc += step)
            pcs[n++].pc = pc;
    }
    uintptr_t local = (uintptr_t)local_function + 5, in_libc = (uintptr_t)printf + 7;
    pcs[n++].pc = local;
    pcs[n++].pc = in_libc;
    qsort(pcs, n, sizeof pcs[0], cmp_pc);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || pcs[u - 1].pc != pcs[i].pc)
            pcs[u++] = pcs[i];
    n = u;

    char name[512];
    gl_names_resolve(&ms, pcs, n, sizeof name, &keep);
    size_t settled = 0;
    bool local_settled = false, libc_settled = false;
    for (size_t i = 0; i < n; i++) {
        if (!pcs[i].name)
            continue;
        settled++;
        uint64_t off;
        gl_resolve_name(pcs[i].pc, name, sizeof name, &off);
        if (strcmp(name, pcs[i].name) != 0 || off != pcs[i].off)
            ck_abort_msg("pc %#lx: batch %s+%#lx, libunwind %s+%#lx", (unsigned long)pcs[i].pc, pcs[i].name,
                         (unsigned long)pcs[i].off, name, (unsigned long)off);
        if (pcs[i].pc == in_libc)
            libc_settled = true;
        if (pcs[i].pc == local) {
            local_settled = true;
            ck_assert_str_eq(pcs[i].name, "local_function");
            ck_assert_uint_eq(pcs[i].off, 5);
        }
    }
    gl_names_release(&keep);
    /* Addresses below a module's first function (its headers) are left to
     * libunwind; functions in .symtab and .dynsym are not. */
    ck_assert(local_settled);
    ck_assert(libc_settled);
    ck_assert_uint_gt(settled, 0);
    ck_assert_int_eq(local_function(1), 4);
}
END_TEST

/* A function's extent from the unwind tables is its dynamic symbol's size
 * (what the shim asks it of are libgo's runtime.kickoff and testing.T.Run;
 * libc's stand in for them here). */
START_TEST(extent_is_the_symbol_size)
{
    const void *fns[] = {(const void *)strtol, (const void *)qsort, (const void *)fopen, (const void *)getenv};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        Dl_info di;
        const ElfW(Sym) *sym = NULL;
        ck_assert(dladdr1(fns[i], &di, (void **)&sym, RTLD_DL_SYMENT) && sym);
        /* From the unwind tables, not the dladdr1 fallback. */
        unw_proc_info_t pi;
        ck_assert_int_eq(unw_get_proc_info_by_ip(unw_local_addr_space, (unw_word_t)(uintptr_t)fns[i], &pi, NULL), 0);
        ck_assert_msg(pi.start_ip == (unw_word_t)(uintptr_t)fns[i] && pi.end_ip - pi.start_ip == sym->st_size,
                      "%s: the unwind tables give another extent", di.dli_sname);
        uintptr_t len = 0;
        ck_assert_msg(gl_function_extent(fns[i], &len), "%s: no extent", di.dli_sname);
        ck_assert_msg(len == sym->st_size, "%s: extent %lu, symbol size %lu", di.dli_sname, (unsigned long)len,
                      (unsigned long)sym->st_size);
    }
}
END_TEST

int main(void)
{
    Suite *s;
    gl_single_case(&s, "symbols", 120, GL_TESTS(
        batch_names_are_libunwinds,
        extent_is_the_symbol_size));
    return gl_run_suites(GL_SUITES(s), CK_VERBOSE, 1);
}
