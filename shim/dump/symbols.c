/* The function names of a dump's PCs, all of a module's at once. libunwind's
 * unw_get_proc_name maps and scans the whole ELF file for every single PC
 * (3-5 ms a PC for libgo, whose symbol tables hold 4 MB): most of a
 * process's exit cost. Here each module's file is mapped once and its
 * symbol tables scanned once for all its PCs, with libunwind's own rule, so
 * that the names are the same: the nearest STT_FUNC symbol at or below the
 * PC in .symtab and .dynsym, sections and symbols in file order, the first
 * one met on a tie, addresses relative to the load bias. What this pass
 * cannot settle exactly that way (no symbol below the PC, a distance beyond
 * the file's size, an empty or too long name, a load offset libunwind would
 * compute otherwise, MiniDebugInfo, an unreadable file) is left for
 * gl_resolve_name, one PC at a time, as before. */
#include "dump/snapshot.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct mapped {
    const unsigned char *p;
    size_t size;
} mapped;

static bool map_file(const char *path, mapped *f)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    void *p = MAP_FAILED;
    if (fstat(fd, &st) == 0 && st.st_size > (off_t)sizeof(ElfW(Ehdr)))
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return false;
    f->p = p;
    f->size = (size_t)st.st_size;
    return true;
}

static const ElfW(Shdr) *sections(const mapped *f, const ElfW(Ehdr) *eh)
{
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_shentsize != sizeof(ElfW(Shdr)) || eh->e_shoff == 0 ||
        eh->e_shoff > f->size || (size_t)eh->e_shnum * sizeof(ElfW(Shdr)) > f->size - eh->e_shoff)
        return NULL;
    return (const ElfW(Shdr) *)(f->p + eh->e_shoff);
}

/* MiniDebugInfo (.gnu_debugdata) holds more symbols libunwind would read. */
static bool has_minidebuginfo(const mapped *f, const ElfW(Ehdr) *eh, const ElfW(Shdr) *sh)
{
    if (eh->e_shstrndx >= eh->e_shnum)
        return true; /* cannot tell: be safe */
    const ElfW(Shdr) *ss = &sh[eh->e_shstrndx];
    if (ss->sh_offset > f->size || ss->sh_size > f->size - ss->sh_offset)
        return true;
    const char *names = (const char *)f->p + ss->sh_offset;
    for (int i = 0; i < eh->e_shnum; i++)
        if (sh[i].sh_name < ss->sh_size &&
            strncmp(names + sh[i].sh_name, ".gnu_debugdata", ss->sh_size - sh[i].sh_name) == 0)
            return true;
    return false;
}

/* libunwind's load offset for pc: the mapping holding pc starts at the
 * page of its segment, and the offset is that start minus the p_vaddr of
 * the first PT_LOAD whose p_offset is the mapping's file offset (0 when
 * none). Only when it is the load bias is this pass the same as libunwind. */
static bool offset_is_bias(const mapped *f, const ElfW(Ehdr) *eh, uintptr_t bias, uintptr_t pc)
{
    if (eh->e_phentsize != sizeof(ElfW(Phdr)) || eh->e_phoff > f->size ||
        (size_t)eh->e_phnum * sizeof(ElfW(Phdr)) > f->size - eh->e_phoff)
        return false;
    const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(f->p + eh->e_phoff);
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || pc < bias + ph[i].p_vaddr || pc - bias - ph[i].p_vaddr >= ph[i].p_memsz)
            continue;
        uintptr_t segbase = (bias + ph[i].p_vaddr) & ~(page - 1), mapoff = ph[i].p_offset & ~(page - 1);
        for (int j = 0; j < eh->e_phnum; j++)
            if (ph[j].p_type == PT_LOAD && ph[j].p_offset == mapoff)
                return segbase - ph[j].p_vaddr == bias;
        return bias == 0;
    }
    return false;
}

/* Index of the first of n sorted pcs >= v (n when none). */
static size_t lower_bound(const gl_pcname *pcs, size_t n, uintptr_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pcs[mid].pc < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* One pass over a symbol table: each symbol goes to the gap of PCs it is the
 * best candidate for, (pcs[i-1], pcs[i]], and stays there only if no symbol
 * seen before is as high (libunwind keeps the first of equally near ones). */
typedef struct gap {
    const ElfW(Sym) *sym;
    const ElfW(Shdr) *tab;
} gap_t;

static void scan_symbols(const mapped *f, int nsh, const ElfW(Shdr) *tab, uintptr_t bias, gl_pcname *pcs, size_t n,
                         gap_t *gap)
{
    if (tab->sh_entsize < sizeof(ElfW(Sym)) || tab->sh_offset > f->size || tab->sh_size > f->size - tab->sh_offset ||
        tab->sh_link >= (unsigned)nsh)
        return;
    const unsigned char *p = f->p + tab->sh_offset, *end = p + tab->sh_size;
    for (; p + sizeof(ElfW(Sym)) <= end; p += tab->sh_entsize) {
        const ElfW(Sym) *s = (const ElfW(Sym) *)p;
        if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF)
            continue;
        uintptr_t v = s->st_value + (s->st_shndx != SHN_ABS ? bias : 0);
        size_t i = lower_bound(pcs, n, v);
        if (i < n && (!gap[i].sym || v > gap[i].sym->st_value + (gap[i].sym->st_shndx != SHN_ABS ? bias : 0))) {
            gap[i].sym = s;
            gap[i].tab = tab;
        }
    }
}

static const char *sym_name(const mapped *f, const ElfW(Shdr) *strtab, const ElfW(Sym) *s)
{
    if (strtab->sh_offset > f->size || strtab->sh_size > f->size - strtab->sh_offset ||
        s->st_name >= strtab->sh_size)
        return NULL;
    const char *name = (const char *)f->p + strtab->sh_offset + s->st_name;
    if (!memchr(name, '\0', strtab->sh_size - s->st_name))
        return NULL;
    return name;
}

/* The names of pcs[0..n), sorted and all in module m. */
static void resolve_module(const gl_dump_module *m, gl_pcname *pcs, size_t n, size_t cap, gl_names *keep)
{
    mapped f;
    if (!map_file(m->path, &f))
        return;
    if (keep->n < GL_DUMP_MAX_MODULES) {
        keep->maps[keep->n].p = (void *)f.p;
        keep->maps[keep->n++].size = f.size;
    }
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)f.p;
    const ElfW(Shdr) *sh = sections(&f, eh);
    if (!sh || has_minidebuginfo(&f, eh, sh))
        return;
    gap_t *gap = gl_alloc_big(n * sizeof *gap);
    if (!gap)
        return;
    for (int k = 0; k < eh->e_shnum; k++)
        if (sh[k].sh_type == SHT_SYMTAB || sh[k].sh_type == SHT_DYNSYM)
            scan_symbols(&f, eh->e_shnum, &sh[k], m->base, pcs, n, gap);
    /* The symbol of pcs[i] is in the highest gap at or below i. */
    gap_t best = {0};
    for (size_t i = 0; i < n; i++) {
        if (gap[i].sym)
            best = gap[i];
        if (!best.sym || !offset_is_bias(&f, eh, m->base, pcs[i].pc))
            continue;
        uintptr_t v = best.sym->st_value + (best.sym->st_shndx != SHN_ABS ? m->base : 0);
        const char *name = sym_name(&f, &sh[best.tab->sh_link], best.sym);
        if (!name || !name[0] || strlen(name) >= cap || pcs[i].pc - v >= f.size)
            continue;
        pcs[i].name = name;
        pcs[i].off = pcs[i].pc - v;
    }
    gl_free_big(gap, n * sizeof *gap);
}

void gl_names_resolve(const gl_dump_modules *ms, gl_pcname *pcs, size_t n, size_t cap, gl_names *keep)
{
    keep->n = 0;
    for (size_t i = 0; i < n; i++)
        pcs[i].name = NULL;
    for (size_t i = 0; i < n;) {
        int mod = gl_module_of(ms, pcs[i].pc);
        size_t j = i + 1;
        while (j < n && gl_module_of(ms, pcs[j].pc) == mod)
            j++;
        if (mod >= 0)
            resolve_module(&ms->m[mod], pcs + i, j - i, cap, keep);
        i = j;
    }
}

void gl_names_release(gl_names *keep)
{
    for (int i = 0; i < keep->n; i++)
        munmap(keep->maps[i].p, keep->maps[i].size);
    keep->n = 0;
}
