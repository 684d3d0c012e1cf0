/* The one parser of goleash dumps (docs/dump-format.md), shared by the shim's
 * exit report and the analyzer. Never crashes on any input: anything that is
 * not a well-formed dump is an error with a file and line number. */
#ifndef GOLEASH_DUMP_READ_H
#define GOLEASH_DUMP_READ_H

#include <stdarg.h>
#include <stddef.h>

#include "model/model.h"

/* What went wrong (or the first thing worth a warning). msg is the complete
 * message, ready to print: `goleash: FILE:LINE: what is wrong`.
 * After an error: is_warning=0, line is the offending line (1-based).
 * After success: msg is empty, or holds a warning (is_warning=1; a truncated
 * dump always takes precedence over other warnings) and nwarnings counts them. */
typedef struct gl_diag {
    char msg[512];
    int line;
    int is_warning;
    unsigned nwarnings;
    /* Readers that skip what they cannot read (Go traceback text) give
     * each run of skipped lines one message: to sink when it is set
     * (not counted in nwarnings), else as any other warning. */
    void (*sink)(void *ctx, const char *msg);
    void *sink_ctx;
    /* The first thing such a reader skipped, as an error would say it
     * (`goleash: FILE:LINE: what`): the error when nothing could be read. */
    char problem[512];
} gl_diag;

/* The one shape of every reader's message, in diag->msg:
 * `goleash: NAME:LINE: what` (`goleash: NAME: what` when line <= 0). */
void gl_diag_vset(gl_diag *diag, const char *name, long line, int warning, const char *fmt, va_list ap);

/* Appended to every "out of memory" a reader reports (the analyzer's
 * memory bound says what it was and how to raise it); "" none. */
extern char gl_diag_oom_note[160];

/* Read a dump. Return 0 and *out (free with gl_dump_free) on success, -1 and
 * *out = NULL on error. A dump without `end` is a success with
 * (*out)->truncated = 1 and a warning in diag, unless it was cut before its
 * first goroutine: that is an error (nothing to judge). diag may be NULL. */
int gl_dump_read_file(const char *path, gl_dump **out, gl_diag *diag);

/* Same, from memory; name is used in messages and stored as d->path.
 * buf need not be NUL-terminated and may hold any bytes. */
int gl_dump_read_buffer(const char *name, const char *buf, size_t len, gl_dump **out, gl_diag *diag);

/* The same, fed one line at a time (a stream read in chunks never sits in
 * memory whole): new, then each line without its '\n' (complete = 0 for a
 * last line the input ended without a newline after), then finish, which
 * frees the reader and gives what the functions above give. A line after
 * an error is ignored; line returns -1 once one happened (the error is in
 * diag). discard drops a reader without finishing it. */
typedef struct gl_dump_reader gl_dump_reader;
gl_dump_reader *gl_dump_reader_new(const char *name, gl_diag *diag);
int gl_dump_reader_line(gl_dump_reader *r, const char *line, size_t n, int complete);
int gl_dump_reader_finish(gl_dump_reader *r, gl_dump **out);
void gl_dump_reader_discard(gl_dump_reader *r);

/* gl_dump_free and gl_dump_intern: model/model.h. */

#endif
