/* ELF facts of an executable (gc_binary.h), read with elfutils' libelf. */
#include "binary/gc_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *gl_exe_kind_name(gl_exe_kind k)
{
    switch (k) {
    case GL_EXE_UNREADABLE:
        return "unreadable";
    case GL_EXE_OTHER:
        return "not Go";
    case GL_EXE_GCCGO:
        return "gccgo";
    case GL_EXE_GC:
        return "gc";
    }
    return "?";
}

static Elf *elf_of(const gc_binary *b)
{
    return b->elf_;
}

static void hex_bytes(const unsigned char *p, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 3 <= cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%02x", p[i]);
    out[o] = '\0';
}

static void note_build_id(gc_binary *b, Elf_Scn *scn)
{
    Elf_Data *d = elf_rawdata(scn, NULL);
    if (!d || !d->d_buf)
        return;
    size_t off = 0;
    GElf_Nhdr nh;
    size_t name_off, desc_off;
    while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
        if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4
            && memcmp((char *)d->d_buf + name_off, "GNU", 4) == 0)
            hex_bytes((unsigned char *)d->d_buf + desc_off, nh.n_descsz, b->build_id, sizeof b->build_id);
    }
}

/* A varint as .go.buildinfo and pclntab write them; 0 when it overruns. */
static size_t uvarint(const unsigned char *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n && i < 10; i++) {
        v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *out = v;
            return i + 1;
        }
    }
    return 0;
}

static void parse_goversion(gc_binary *b, const char *s, size_t n)
{
    if (n >= sizeof b->goversion)
        n = sizeof b->goversion - 1;
    memcpy(b->goversion, s, n);
    b->goversion[n] = '\0';
    int major = 0, minor = 0;
    if (sscanf(b->goversion, "go%d.%d", &major, &minor) == 2) {
        b->go_major = major;
        b->go_minor = minor;
    }
}

/* .go.buildinfo: "\xff Go buildinf:", pointer size, flags; with flag 2
 * (Go 1.18+) the version follows inline at offset 32, length-prefixed. */
static void read_buildinfo(gc_binary *b, Elf_Scn *scn)
{
    Elf_Data *d = elf_rawdata(scn, NULL);
    if (!d || !d->d_buf || d->d_size < 33)
        return;
    const unsigned char *p = d->d_buf;
    if (memcmp(p, "\xff Go buildinf:", 14) != 0 || !(p[15] & 2))
        return;
    uint64_t len;
    size_t k = uvarint(p + 32, d->d_size - 32, &len);
    if (k && len <= d->d_size - 32 - k)
        parse_goversion(b, (const char *)p + 32 + k, (size_t)len);
}

static void take_range(gc_range *r, const GElf_Shdr *sh)
{
    r->addr = sh->sh_addr;
    r->size = sh->sh_size;
}

static int needs_libgo(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    for (size_t i = 0; d && i < sh->sh_size / sh->sh_entsize; i++) {
        GElf_Dyn dyn;
        if (!gelf_getdyn(d, (int)i, &dyn) || dyn.d_tag != DT_NEEDED)
            continue;
        const char *name = elf_strptr(elf, sh->sh_link, dyn.d_un.d_val);
        if (name && strncmp(name, "libgo.so", 8) == 0)
            return 1;
    }
    return 0;
}

static void scan_sections(gc_binary *b, Elf *elf, int *gccgo, int *go_note)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return;
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        if (!name)
            continue;
        if (sh.sh_type == SHT_DYNAMIC)
            *gccgo |= needs_libgo(elf, scn, &sh);
        else if (sh.sh_type == SHT_SYMTAB)
            b->has_symtab = 1;
        else if (strcmp(name, ".note.gnu.build-id") == 0)
            note_build_id(b, scn);
        else if (strcmp(name, ".note.go.buildid") == 0)
            *go_note = 1;
        else if (strcmp(name, ".go.buildinfo") == 0)
            read_buildinfo(b, scn);
        else if (strcmp(name, ".debug_info") == 0 || strcmp(name, ".zdebug_info") == 0)
            b->has_dwarf = 1;
        else if (strcmp(name, ".text") == 0)
            take_range(&b->text, &sh);
        else if (strcmp(name, ".gopclntab") == 0 || strcmp(name, ".data.rel.ro.gopclntab") == 0) {
            take_range(&b->pclntab, &sh);
            Elf_Data *d = elf_rawdata(scn, NULL);
            b->pcln = d && d->d_size == sh.sh_size ? d->d_buf : NULL;
        } else if (strcmp(name, ".noptrdata") == 0)
            take_range(&b->noptrdata, &sh);
        else if (strcmp(name, ".data") == 0)
            take_range(&b->data, &sh);
        else if (strcmp(name, ".bss") == 0)
            take_range(&b->bss, &sh);
        else if (strcmp(name, ".noptrbss") == 0)
            take_range(&b->noptrbss, &sh);
        else if (strcmp(name, ".go.module") == 0)
            take_range(&b->gomodule, &sh);
    }
}

int gc_binary_open(const char *path, gc_binary *b)
{
    memset(b, 0, sizeof *b);
    b->fd_ = -1;
    b->kind = GL_EXE_UNREADABLE;
    elf_version(EV_CURRENT);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    b->path = strdup(path);
    b->fd_ = fd;
    b->elf_ = elf;
    GElf_Ehdr eh;
    if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
        return 0;
    b->kind = GL_EXE_OTHER;
    b->pie = eh.e_type == ET_DYN;
    b->entry = eh.e_entry;
    int gccgo = 0, go_note = 0;
    scan_sections(b, elf, &gccgo, &go_note);
    if (gccgo)
        b->kind = GL_EXE_GCCGO;
    else if (b->goversion[0] || (b->pclntab.size && go_note))
        b->kind = GL_EXE_GC;
    return 0;
}

void gc_binary_close(gc_binary *b)
{
    if (b->elf_)
        elf_end(b->elf_);
    if (b->fd_ >= 0)
        close(b->fd_);
    free(b->path);
    memset(b, 0, sizeof *b);
    b->fd_ = -1;
}

void gc_binary_symbols(const gc_binary *b, const char *const *names, size_t n, uint64_t *addrs)
{
    memset(addrs, 0, n * sizeof *addrs);
    Elf *elf = elf_of(b);
    for (Elf_Scn *scn = elf ? elf_nextscn(elf, NULL) : NULL; scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        size_t nsyms = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; d && i < nsyms; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(d, (int)i, &sym) || !sym.st_value)
                continue;
            const char *s = elf_strptr(elf, sh.sh_link, sym.st_name);
            for (size_t k = 0; s && k < n; k++)
                if (!addrs[k] && strcmp(s, names[k]) == 0)
                    addrs[k] = sym.st_value;
        }
    }
}

int gc_binary_read(const gc_binary *b, uint64_t addr, void *out, size_t len)
{
    Elf *elf = elf_of(b);
    for (Elf_Scn *scn = elf ? elf_nextscn(elf, NULL) : NULL; scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC))
            continue;
        if (addr < sh.sh_addr || addr - sh.sh_addr > sh.sh_size || len > sh.sh_addr + sh.sh_size - addr)
            continue;
        Elf_Data *d = elf_rawdata(scn, NULL);
        if (!d || !d->d_buf || d->d_size != sh.sh_size)
            return -1;
        memcpy(out, (const char *)d->d_buf + (addr - sh.sh_addr), len);
        return 0;
    }
    return -1;
}

gl_exe_kind gl_exe_kind_of(const char *file)
{
    gc_binary b;
    gc_binary_open(file, &b);
    gl_exe_kind k = b.kind;
    gc_binary_close(&b);
    return k;
}

int gl_find_in_path(const char *file, char *out, size_t len)
{
    if (strchr(file, '/'))
        return snprintf(out, len, "%s", file) < (int)len && access(out, X_OK) == 0 ? 0 : -1;
    const char *path = getenv("PATH");
    for (const char *s = path ? path : "/usr/local/bin:/usr/bin:/bin"; s;) {
        const char *colon = strchr(s, ':');
        int n = colon ? (int)(colon - s) : (int)strlen(s);
        if (snprintf(out, len, "%.*s/%s", n ? n : 1, n ? s : ".", file) < (int)len && access(out, X_OK) == 0)
            return 0;
        s = colon ? colon + 1 : NULL;
    }
    return -1;
}
