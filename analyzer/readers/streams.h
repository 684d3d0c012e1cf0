/* The output of several processes in one input, each line tagged with its
 * process's name and the lines of all interleaved, as `docker compose up`
 * and `docker compose logs` print them (`web-1     | goroutine 1 [...]:`).
 * The input is read one stream at a time, in one pass: the lines of the
 * others are kept, with their line numbers, and read again, stream by
 * stream, when the input is at its end (input.c). */
#ifndef GOLEASH_READERS_STREAMS_H
#define GOLEASH_READERS_STREAMS_H

#include <stddef.h>

/* `NAME<spaces>| ` at the start of s[0, len): the tag's length, and in
 * *name_len the name's (letters, digits, '_', '.', '-', at least one of
 * them not a digit: a right-aligned line number `1000 | ` is no tag); 0
 * when the line has none. */
size_t gl_stream_tag(const char *s, size_t len, size_t *name_len);

typedef struct gl_streams gl_streams;

/* Keeps a line of another stream for later (*s made on first use). The
 * text is copied, and stays valid until gl_streams_free. -1 out of memory. */
int gl_streams_keep(gl_streams **s, long lineno, const char *text, size_t len);

/* The kept lines begin to be read again (the input is at its end): 1, or 0
 * when none were kept. */
int gl_streams_rewind(gl_streams *s);

/* The next line being read again: 1, or 0 when none is left. */
int gl_streams_next(gl_streams *s, long *lineno, const char **text, size_t *len);

void gl_streams_free(gl_streams *s);

#endif
