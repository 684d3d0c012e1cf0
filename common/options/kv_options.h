/* LeakSanitizer-style option strings (GOLEASH_OPTIONS): key=value pairs
 * separated by ':', ',' or white space; a value in double or single quotes
 * may hold separators. Shared by the shim, which applies every key, and
 * `goleash run`, which reads the few keys that concern its own report. */
#ifndef GOLEASH_KV_OPTIONS_H
#define GOLEASH_KV_OPTIONS_H

/* Calls fn(key, value, ctx) for each pair in s, in order (later keys win is
 * the caller's business); value is NULL for a key without '='. Allocation-
 * free (the shim parses before malloc is safe to call): works on a copy of
 * the first 2047 bytes of s. NULL s: no calls. */
void gl_kv_parse(const char *s, void (*fn)(const char *key, const char *val, void *ctx), void *ctx);

#endif
