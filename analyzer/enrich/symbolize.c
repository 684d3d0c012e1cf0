#include "enrich/symbolize.h"
#include "format/dump_read.h"
#include "names/demangle.h"
#include "util/hash.h"

#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Per-address answers: the same return address appears in many stacks. */
typedef struct line_cache {
    uint64_t addr;
    const char *file;       /* pooled in the dump, NULL none */
    int line;
    const char *function;   /* pooled, NULL none */
    uint64_t off;
    UT_hash_handle hh;
} line_cache;

static const Dwfl_Callbacks offline_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
};

static void hex_build_id(const unsigned char *bits, int len, char *out, size_t outlen)
{
    size_t o = 0;
    for (int i = 0; i < len && o + 3 <= outlen; i++)
        o += (size_t)snprintf(out + o, outlen - o, "%02x", bits[i]);
    out[o] = '\0';
}

/* The GNU build-id note read without libelf's padding check. The go command
 * links gccgo test binaries with --build-id=0x<Go build ID>: an 83-byte id in
 * a 99-byte section, short of the 4-byte padding a note needs, which libdw
 * and libelf then refuse to see. The shim reads it from memory regardless. */
static int lenient_build_id(Dwfl_Module *mod, char *out, size_t outlen)
{
    GElf_Addr bias;
    Elf *elf = dwfl_module_getelf(mod, &bias);
    for (Elf_Scn *scn = elf ? elf_nextscn(elf, NULL) : NULL; scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
            continue;
        Elf_Data *data = elf_rawdata(scn, NULL);
        if (!data || !data->d_buf || data->d_size < 16)
            continue;
        const unsigned char *p = data->d_buf;
        uint32_t namesz, descsz, type;
        memcpy(&namesz, p, 4);
        memcpy(&descsz, p + 4, 4);
        memcpy(&type, p + 8, 4);
        if (type != NT_GNU_BUILD_ID || namesz != 4 || memcmp(p + 12, "GNU", 4) != 0 || descsz == 0
            || descsz > data->d_size - 16)
            continue;
        hex_build_id(p + 16, (int)descsz, out, outlen);
        return 0;
    }
    return -1;
}

/* Reports one module to dwfl; 0 when its DWARF may be used. */
static int report_module(Dwfl *dwfl, const gl_dump *d, const gl_module *m, gl_warnings *w)
{
    /* The vDSO and other pseudo-modules have no file to read: not worth a warning. */
    if (!m->path || m->path[0] != '/')
        return -1;
    if (access(m->path, R_OK) != 0) {
        gl_warn(w, "%s: module %s not found here: no file:line for it", d->path, m->path);
        return -1;
    }
    Dwfl_Module *mod = dwfl_report_elf(dwfl, m->path, m->path, -1, m->base, false);
    if (!mod) {
        gl_warn(w, "%s: module %s: %s: no file:line for it", d->path, m->path, dwfl_errmsg(-1));
        return -1;
    }
    const unsigned char *bits = NULL;
    GElf_Addr vaddr;
    int len = dwfl_module_build_id(mod, &bits, &vaddr);
    char have[256] = "";
    if (len > 0)
        hex_build_id(bits, len, have, sizeof have);
    else
        lenient_build_id(mod, have, sizeof have);
    if (m->build_id && strcasecmp(have, m->build_id) != 0) {
        gl_warn(w, "%s: module %s has build-id %s, the dump expects %s: no file:line for it", d->path, m->path,
                *have ? have : "(none)", m->build_id);
        return -1;
    }
    return 0;
}

static line_cache *look_up(Dwfl *dwfl, gl_dump *d, line_cache **cache, uint64_t addr)
{
    line_cache *c = NULL;
    HASH_FIND(hh, *cache, &addr, sizeof addr, c);
    if (c)
        return c;
    c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->addr = addr;
    Dwfl_Module *mod = dwfl_addrmodule(dwfl, addr);
    if (mod) {
        Dwfl_Line *l = dwfl_module_getsrc(mod, addr);
        int line = 0;
        const char *src = l ? dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL) : NULL;
        if (src) {
            c->file = gl_dump_intern(d, src);
            c->line = line;
        }
        GElf_Off off = 0;
        GElf_Sym sym;
        const char *name = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
        if (name) {
            char *dm = gl_demangle(name);
            c->function = dm ? gl_dump_intern(d, dm) : NULL;
            free(dm);
            c->off = off;
        }
    }
    HASH_ADD(hh, *cache, addr, sizeof c->addr, c);
    return c;
}

void gl_symbolize(gl_dump *d, gl_warnings *w)
{
    if (!d || d->nmodules == 0)
        return;
    Dwfl *dwfl = dwfl_begin(&offline_callbacks);
    if (!dwfl) {
        gl_warn(w, "%s: cannot start libdw: %s", d->path, dwfl_errmsg(-1));
        return;
    }
    dwfl_report_begin(dwfl);
    size_t usable = 0;
    for (size_t i = 0; i < d->nmodules; i++)
        usable += report_module(dwfl, d, &d->modules[i], w) == 0;
    dwfl_report_end(dwfl, NULL, NULL);
    if (!usable) {
        dwfl_end(dwfl);
        return;
    }
    line_cache *cache = NULL;
    for (size_t s = 0; s < d->nstacks; s++) {
        gl_stack *st = d->stacks[s];
        for (size_t i = 0; i < st->n; i++) {
            gl_frame *f = &st->frames[i];
            /* gc dumps carry file:line (and inlined calls) from the
             * binary's own function table: nothing to add. */
            if (f->file)
                continue;
            /* Every frame holds a return address, the innermost too: the shim
             * captures inside its interposer and removes its own frames, so
             * frame 0 is where the interposed call returns to. The call itself
             * is the byte before (the return address can be the next line). */
            uint64_t addr = f->pc ? f->pc - 1 : 0;
            line_cache *c = look_up(dwfl, d, &cache, addr);
            if (!c)
                continue;
            if (c->file) {
                f->file = (char *)c->file;
                f->line = c->line;
            }
            if (!f->function && c->function) {
                f->function = (char *)c->function;
                f->off = c->off + (f->pc - addr);
            }
        }
    }
    for (size_t i = 0; i < d->ngoroutines; i++) {
        gl_goroutine *g = &d->goroutines[i];
        if (g->start_function || !g->start_pc)
            continue;
        line_cache *c = look_up(dwfl, d, &cache, g->start_pc);
        if (c && c->function)
            g->start_function = (char *)c->function;
    }
    GL_HASH_FREE(cache);
    dwfl_end(dwfl);
}
