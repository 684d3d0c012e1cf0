/* One input of `goleash report`: a file, `-` (stdin) or a URL, gzip'd or
 * plain (zlib tells them apart), read as a stream of lines in big chunks so
 * a gigabyte text dump never sits in memory whole. Binary sources (pprof
 * protobuf) are taken whole with gl_input_slurp. */
#ifndef GOLEASH_INPUT_H
#define GOLEASH_INPUT_H

#include <stddef.h>

#include "format/dump_read.h"

typedef struct gl_input gl_input;
struct gl_fetch_opts;

/* path "-" is stdin (named "<stdin>" in messages); an http:// or https://
 * URL is fetched (fetch.h) and named by itself. Returns NULL with diag->msg
 * set (`goleash: FILE: why`) when the file cannot be opened or the URL not
 * fetched. */
gl_input *gl_input_open(const char *path, gl_diag *diag);

/* The same, URLs fetched as fetch says (NULL: the defaults). */
gl_input *gl_input_open_fetch(const char *path, const struct gl_fetch_opts *fetch, gl_diag *diag);
void gl_input_close(gl_input *in);

/* The name for messages: the path, or "<stdin>". */
const char *gl_input_name(const gl_input *in);

/* The first bytes of the (decompressed) stream, without consuming them:
 * up to *len (in: how many wanted, at most 64 KiB; out: how many there are).
 * Returns NULL with diag set on a read error. */
const unsigned char *gl_input_peek(gl_input *in, size_t *len, gl_diag *diag);

/* The next line, without its '\n' (and without a '\r' before it), valid until
 * the next call. Returns 1 with *line and *len set, 0 at the end, -1 on a read
 * error or a line longer than 16 MiB (diag set: `goleash: FILE:LINE: ...`).
 * Lines may hold any bytes, NUL included. */
int gl_input_line(gl_input *in, const char **line, size_t *len, gl_diag *diag);

/* 1 when every line handed out stays valid until gl_input_close (a plain
 * file, mapped), not only until the next call. */
int gl_input_lines_stable(const gl_input *in);

/* Makes the next gl_input_line return the line it returned last once more
 * (one line of push-back: format detection reads the first header itself). */
void gl_input_unread(gl_input *in);

/* Dumps inside a larger log: every line of the dump carries a prefix of the
 * same shape as `prefix` (a timestamp such as GitHub Actions'
 * `2024-05-01T10:00:00.1234567Z `, a `[pod] ` tag). From now on
 * gl_input_line strips len bytes from each line whose first len bytes have
 * that shape (equal bytes, except that a digit may stand for any digit or a
 * space, and a space for a digit) and
 * reports the end of the input (0) at the first line that does not, keeping
 * that line for after gl_input_set_prefix(in, NULL, 0). len 0: no prefix. */
int gl_input_set_prefix(gl_input *in, const char *prefix, size_t len);

/* From the line returned last on, lines are log records that carry the
 * dump in a quoted message (unwrap.h): each record gives the lines of its
 * message (none when it has none), other lines pass as they are. That line
 * is returned again, decoded. Line numbers stay the input's. */
void gl_input_set_unwrap(gl_input *in);
/* The name of the tagged stream being read (streams.h: a dump whose
 * header's prefix is `NAME  | `), NULL when the input has none. */
const char *gl_input_stream(const gl_input *in);
int gl_input_unwrapping(const gl_input *in);

/* The number of the line last returned (1-based; 0 before the first). */
long gl_input_lineno(const gl_input *in);

/* 1 when the line last returned ended without a newline: the end of a file
 * cut short (a complete dump ends with one). */
int gl_input_last_unterminated(const gl_input *in);

/* The rest of the stream, whole (for binary formats). *buf is malloc'd; the
 * caller frees it. Returns 0, or -1 with diag set. */
int gl_input_slurp(gl_input *in, unsigned char **buf, size_t *len, gl_diag *diag);

/* A message for the current position: `goleash: FILE:LINE: what` (or
 * `goleash: FILE: what` when line is 0) into diag, as an error. */
__attribute__((format(printf, 4, 5)))
void gl_input_error(const gl_input *in, long line, gl_diag *diag, const char *fmt, ...);

#endif
