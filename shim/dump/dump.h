/* The dump writer (docs/dump-format.md): a snapshot of the registry as a
 * goleash dump in memory, and the atomic, private file it goes to. */
#ifndef GOLEASH_SHIM_DUMP_H
#define GOLEASH_SHIM_DUMP_H

#include "core/core.h"
#include "format/dump_line.h"


/* Writes the dump into out; reason is info.reason ("exit", "interval"),
 * status the process's exit status (-1 unknown). 0, or -1 out of memory. */
GL_HIDDEN int gl_dump_build(gl_membuf *out, const char *reason, int status);
/* Writes b to the path pattern names (gl_expand_pattern), atomically
 * (gl_membuf_write_file: a symbolic link or a non-regular file there is
 * left alone); final_path gets the path. 0, or -1 with errno set. */
GL_HIDDEN int gl_dump_write_file(const gl_membuf *b, const char *pattern, char *final_path, size_t len);
/* Writes b to dump_path; when it cannot, one line says which file and why
 * (once per *warned). */
GL_HIDDEN void gl_dump_save(const gl_membuf *b, atomic_int *warned);

#endif
