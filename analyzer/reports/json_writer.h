/* A JSON document written as it is produced, so a report on a million
 * goroutines never exists as one jansson tree. The layout is exactly the one
 * jansson's json_dumpf(..., JSON_INDENT(2)) gives the whole value (objects
 * and arrays one member a line, "[]" and "{}" when empty, ": " after keys),
 * so streaming changes no byte of the output. jansson still encodes every
 * string and every sub-value handed in whole (gl_jw_value).
 *
 * Usage: gl_jw_init, then values; in an object every value takes its key,
 * in an array (and at the top) the key is NULL; gl_jw_end closes the
 * innermost container; gl_jw_finish flushes and tells whether all went well.
 * Errors (out of memory, write errors) are sticky: later calls do nothing. */
#ifndef GOLEASH_JSON_WRITER_H
#define GOLEASH_JSON_WRITER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GL_JW_MAX_DEPTH 32

typedef struct gl_jw_cache gl_jw_cache;

typedef struct gl_jw {
    FILE *out;
    int depth;                            /* open containers */
    char closer[GL_JW_MAX_DEPTH];         /* ']' or '}' */
    unsigned char has_members[GL_JW_MAX_DEPTH];
    char buf[1 << 16];                    /* output not yet handed to out */
    size_t len;
    int failed;
    gl_jw_cache *cache;                   /* encodings and fragments by address */
    size_t record_from;                   /* gl_jw_record_begin: where in buf */
    int recording, record_lost;           /* ... and whether buf was flushed since */
} gl_jw;

void gl_jw_init(gl_jw *w, FILE *out);

/* What the remembered encodings and fragments may hold (bytes, default
 * 32 MiB); past it new ones are written without being remembered, which
 * changes no byte of the output. A variable so tests can lower it. */
extern size_t gl_jw_cache_limit;

/* What the cache holds now, its table's slots included (bytes). */
size_t gl_jw_cache_held(const gl_jw *w);

/* Containers. */
void gl_jw_begin_object(gl_jw *w, const char *key);
void gl_jw_begin_array(gl_jw *w, const char *key);
void gl_jw_end(gl_jw *w);

/* Scalars. key: a plain ASCII name (written as is). */
void gl_jw_int(gl_jw *w, const char *key, int64_t v);
void gl_jw_bool(gl_jw *w, const char *key, int v);
void gl_jw_null(gl_jw *w, const char *key);

/* A string, null when s is NULL. Bytes that are not valid UTF-8 come out as
 * '?' (jansson takes only UTF-8). */
void gl_jw_string(gl_jw *w, const char *key, const char *s);

/* The same for a string whose address always holds the same text while the
 * document is written (the dumps' interned names and paths): its encoding is
 * remembered by address, so a name repeated a million times is encoded once. */
void gl_jw_string_stable(gl_jw *w, const char *key, const char *s);

/* The jansson value gl_jw_string writes for s (for sub-values built with
 * jansson): a string, cleaned like there; null for NULL. */
json_t *gl_jw_string_json(const char *s);

/* Fragments: what a run of calls wrote, remembered under a key of two
 * addresses (stable like gl_jw_string_stable's strings) and written again
 * for the same key. Record and replay only where the writer is in the same
 * state (the same depth, a member already written before it in the same
 * container); the calls recorded must leave the depth as they found it.
 *
 *     if (!gl_jw_replay(w, a, b)) {
 *         gl_jw_record_begin(w);
 *         ... calls ...
 *         gl_jw_record_end(w, a, b);
 *     }
 */
int gl_jw_replay(gl_jw *w, const void *a, const void *b); /* 1: written */
void gl_jw_record_begin(gl_jw *w);
void gl_jw_record_end(gl_jw *w, const void *a, const void *b);

/* Any jansson value (reference stolen; NULL is an error), laid out in place. */
void gl_jw_value(gl_jw *w, const char *key, json_t *v);

/* Closes what is open, writes a final newline, flushes the buffer to out.
 * Returns 0, or -1 when anything failed. Frees the writer's memory. */
int gl_jw_finish(gl_jw *w);

#endif
