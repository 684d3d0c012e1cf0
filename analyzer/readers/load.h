/* Reads the dumps one input holds, whatever their format: goleash dumps, Go
 * traceback text from gc or gccgo (alone, or in the middle of a log), pprof
 * goroutine profiles (debug=1 text, debug=0 protobuf); gzip'd or plain; a
 * path, `-` for stdin, or an http(s):// URL. docs/input-formats.md says
 * what is accepted. */
#ifndef GOLEASH_LOAD_H
#define GOLEASH_LOAD_H

#include <stddef.h>

#include "format/dump_read.h"
#include "readers/fetch.h"

typedef struct gl_dump_list {
    gl_dump **v;
    size_t n, cap;
} gl_dump_list;

/* Appends every dump in path to out: a log can hold several (one per test
 * binary that timed out, or one SIGQUIT after another); each becomes its own
 * gl_dump, reported together like a process tree's dumps. Returns 0 (diag may
 * hold the first warning, e.g. truncated, is_warning=1) or -1 with diag->msg
 * = `goleash: FILE:LINE: what is wrong` (`goleash: FILE: ...` when no line
 * is to blame); on error nothing is appended. */
int gl_load_dumps(const char *path, gl_dump_list *out, gl_diag *diag);

/* The same; a URL is fetched as fetch says (NULL: the defaults). */
int gl_load_dumps_fetch(const char *path, const gl_fetch_opts *fetch, gl_dump_list *out, gl_diag *diag);

/* The same; each run of lines a Go traceback reader skipped (an input that
 * holds more than the dump, or a mangled one) is given to sink, one message
 * (`goleash: FILE:LINE: skipped ...`) per run, rather than counted as
 * warnings in diag. */
int gl_load_dumps_sink(const char *path, const gl_fetch_opts *fetch, gl_dump_list *out, gl_diag *diag,
                       void (*sink)(void *ctx, const char *msg), void *sink_ctx);

/* Frees the dumps and the list's array. */
void gl_dump_list_free(gl_dump_list *l);

#endif
