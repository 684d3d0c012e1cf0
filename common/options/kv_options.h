/* LeakSanitizer-style option strings (GOLEASH_OPTIONS): key=value pairs
 * separated by ':', ',' or white space; a value in double or single quotes
 * may hold separators. Shared by the shim, which applies every key, and
 * `goleash run`, which checks the whole string before it starts anything
 * and reads the keys that concern its own report. */
#ifndef GOLEASH_KV_OPTIONS_H
#define GOLEASH_KV_OPTIONS_H

#include <stddef.h>

/* One pair, pointing into the parsed string (not NUL-terminated). */
typedef struct gl_kv {
    const char *key;
    size_t key_len;
    const char *val;    /* NULL: a key without '=' */
    size_t val_len;
    int unterminated;   /* a quoted value without its closing quote: val runs to the end */
} gl_kv;

/* Calls fn(pair, ctx) for each pair in s, in order (later keys win is the
 * caller's business). Reads s in place, whatever its length, and allocates
 * nothing (the shim parses before malloc is safe to call). NULL s: no
 * calls. */
void gl_kv_parse(const char *s, void (*fn)(const gl_kv *kv, void *ctx), void *ctx);

/* Whether the pair's key is name. */
int gl_kv_key_is(const gl_kv *kv, const char *name);

#endif
