/* Reader of Go traceback text: what gc (1.17 .. 1.27) and libgo (gccgo)
 * print for runtime.Stack(buf, true), SIGQUIT, a panic with
 * GOTRACEBACK=all, a `go test -timeout` panic and /debug/pprof/goroutine?debug=2.
 * The grammar and how each part maps to the model: docs/input-formats.md. */
#ifndef GOLEASH_PARSE_GOTRACE_H
#define GOLEASH_PARSE_GOTRACE_H

#include <stddef.h>

#include "model/build.h"
#include "format/dump_read.h"
#include "readers/input.h"

/* Checks that line is a goroutine header: `goroutine N [...]:`, with
 * optional `gp=... m=... mp=...` between the id and the brackets. */
int gl_gotrace_is_header(const char *line, size_t len);

/* Reads one dump: `in` is positioned so that the next gl_input_line returns
 * its first goroutine header. Reads up to the end of the dump: the end of the
 * input, or a line that cannot continue it (left for the caller with
 * gl_input_unread), or a header whose goroutine id this dump already holds
 * (a second dump printed right after the first: also left unread). Sets the
 * dump's source ("gc-traceback" when frames carry argument lists,
 * "gccgo-traceback" when they do not), min_park_ns (1 minute: the resolution
 * of the park times text dumps give) and truncated.
 * Returns 0 (a warning, e.g. for a truncated dump, may be in diag with
 * is_warning=1), or -1 with diag->msg = `goleash: FILE:LINE: what is wrong`. */
int gl_parse_gotrace(gl_input *in, gl_build *b, gl_diag *diag);

#endif
