/* What makes a dump readable on another machine: the module map (path,
 * load base, build-id) and the function names the shim resolves itself. */
#define UNW_LOCAL_ONLY
#include "dump/snapshot.h"

#include <dlfcn.h>
#include <libunwind.h>
#include <link.h>
#include <unistd.h>

static void hex_bytes(char *out, size_t cap, const unsigned char *p, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        out[o++] = "0123456789abcdef"[p[i] >> 4];
        out[o++] = "0123456789abcdef"[p[i] & 15];
    }
    out[o] = '\0';
}

/* The GNU build-id of a PT_NOTE segment, as hex into m->build_id. */
static void read_build_id(gl_dump_module *m, const char *p, const char *end)
{
    while (p + sizeof(ElfW(Nhdr)) <= end) {
        const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
        const char *name = p + sizeof *nh;
        const unsigned char *desc = (const unsigned char *)name + ((nh->n_namesz + 3) & ~3u);
        if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
            (const char *)desc + nh->n_descsz <= end) {
            hex_bytes(m->build_id, sizeof m->build_id, desc, nh->n_descsz);
            return;
        }
        p = (const char *)desc + ((nh->n_descsz + 3) & ~3u);
    }
}

static void set_path(gl_dump_module *m, const char *name, bool first)
{
    if (first && (!name || !*name)) {
        ssize_t k = readlink("/proc/self/exe", m->path, sizeof m->path - 1);
        m->path[k > 0 ? k : 0] = '\0';
    } else if (name) {
        size_t k = strlen(name);
        if (k >= sizeof m->path)
            k = sizeof m->path - 1;
        memcpy(m->path, name, k);
        m->path[k] = '\0';
    }
}

static int add_module(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    gl_dump_modules *ms = arg;
    if (ms->n >= GL_DUMP_MAX_MODULES)
        return 1;
    gl_dump_module *m = &ms->m[ms->n];
    memset(m, 0, sizeof *m);
    m->base = info->dlpi_addr;
    m->lo = UINTPTR_MAX;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD) {
            uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
            if (lo < m->lo)
                m->lo = lo;
            if (hi > m->hi)
                m->hi = hi;
        } else if (ph->p_type == PT_NOTE && !m->build_id[0]) {
            const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
            read_build_id(m, p, p + ph->p_memsz);
        }
    }
    if (m->lo == UINTPTR_MAX)
        return 0;
    set_path(m, info->dlpi_name, ms->n == 0);
    ms->n++;
    return 0;
}

void gl_modules_read(gl_dump_modules *ms)
{
    ms->n = 0;
    dl_iterate_phdr(add_module, ms);
}

int gl_module_of(const gl_dump_modules *ms, uintptr_t pc)
{
    for (int i = 0; i < ms->n; i++)
        if (pc >= ms->m[i].lo && pc < ms->m[i].hi)
            return i;
    return -1;
}

void gl_resolve_name(uintptr_t pc, char *name, size_t cap, uint64_t *off)
{
    unw_word_t o = 0;
    unw_accessors_t *a = unw_get_accessors(unw_local_addr_space);
    name[0] = '\0';
    *off = 0;
    if (a && a->get_proc_name && a->get_proc_name(unw_local_addr_space, pc, name, cap, &o, NULL) == 0 && name[0]) {
        *off = o;
        return;
    }
    Dl_info di;
    if (dladdr((void *)pc, &di) && di.dli_sname) {
        size_t k = strlen(di.dli_sname);
        if (k >= cap)
            k = cap - 1;
        memcpy(name, di.dli_sname, k);
        name[k] = '\0';
        *off = pc - (uintptr_t)di.dli_saddr;
        return;
    }
    strcpy(name, "?");
}

/* The runtime's own goroutines (GC workers, finalizer, forcegc, sweeper,
 * scavenger) and the signal loop. */
bool gl_system_start(const char *name)
{
    if (strncmp(name, "runtime.", 8) == 0)
        return strcmp(name, "runtime.main") != 0;
    /* gccgo 12 spells "os/signal" as os_1signal in symbols; older ones as os..z2fsignal. */
    return strncmp(name, "os_1signal.", 11) == 0 || strncmp(name, "os..z2fsignal.", 14) == 0 ||
           strncmp(name, "os/signal.", 10) == 0;
}
