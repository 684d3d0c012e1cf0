/* What goleash needs to know about an executable before and while it runs:
 * which backend can observe it (a gccgo program links libgo and takes the
 * shim; a gc program is static and is read from outside), and for gc
 * programs the sections, symbols and Go version the runtime reader uses. */
#ifndef GOLEASH_GC_BINARY_H
#define GOLEASH_GC_BINARY_H

#include <stddef.h>
#include <stdint.h>

typedef enum gl_exe_kind {
    GL_EXE_UNREADABLE, /* cannot open or not ELF (a script, a missing file) */
    GL_EXE_OTHER,      /* ELF, but not Go (a C program, a shell) */
    GL_EXE_GCCGO,      /* links libgo: the shim observes it */
    GL_EXE_GC,         /* built by the gc toolchain: the tracer observes it */
} gl_exe_kind;

/* An address range of the executable, as linked (add the load bias). */
typedef struct gc_range {
    uint64_t addr, size;
} gc_range;

typedef struct gc_binary {
    char *path;
    gl_exe_kind kind;
    int pie;                  /* ET_DYN: addresses move by the load bias */
    uint64_t entry;           /* e_entry, as linked */
    int has_symtab;           /* .symtab present (not built with -s) */
    int has_dwarf;            /* .debug_info present (not built with -w) */
    char goversion[48];       /* "go1.26.8", "" when unknown */
    int go_major, go_minor;   /* 1, 26; 0 when unknown */
    char build_id[160];       /* GNU build-id, hex; "" none */
    gc_range text, pclntab, noptrdata, data, bss, noptrbss, gomodule;
    const unsigned char *pcln; /* the pclntab bytes (mapped from the file) */
    void *elf_;               /* private: Elf *, fd, mapping */
    int fd_;
} gc_binary;

/* Opens path and classifies it. Returns 0 and fills *b (free with
 * gc_binary_close) whatever the kind; -1 only when path cannot be opened
 * (b->kind = GL_EXE_UNREADABLE, errno set). */
int gc_binary_open(const char *path, gc_binary *b);
void gc_binary_close(gc_binary *b);

/* The linked addresses of names[0..n) in .symtab, in one pass over it;
 * addrs[i] is 0 when names[i] is absent. */
void gc_binary_symbols(const gc_binary *b, const char *const *names, size_t n, uint64_t *addrs);

/* Reads len bytes at linked address addr from the file's sections (for
 * read-only data such as strings the linker wrote). 0 on success. */
int gc_binary_read(const gc_binary *b, uint64_t addr, void *out, size_t len);

/* The kind of the executable execve would run for file (a PATH search is
 * the caller's). */
gl_exe_kind gl_exe_kind_of(const char *file);

const char *gl_exe_kind_name(gl_exe_kind k);

/* The file execvp would run for file: file itself when it has a '/', else
 * the first executable match along $PATH. 0, or -1 when there is none. */
int gl_find_in_path(const char *file, char *out, size_t len);

#endif
