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
 * (gl_membuf_write_file); final_path gets the path. 0 or -1. */
GL_HIDDEN int gl_dump_write_file(const gl_membuf *b, const char *pattern, char *final_path, size_t len);

#endif
