/* Small helpers shared by the reader, the rules and the demangler. */
#ifndef GOLEASH_UTIL_H
#define GOLEASH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Grows *arr (of elem-sized items) so that it holds at least need items,
 * doubling; 0 on success, -1 when out of memory (*arr unchanged). */
int gl_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* The value of one hex digit, -1 when c is not one. */
int gl_hex_digit(char c);

/* "0x" (or "0X") and 1 to 16 hex digits spanning exactly s[0, len): 0 and
 * *out, else -1. */
int gl_parse_hex(const char *s, size_t len, uint64_t *out);

/* A decimal integer spanning exactly s (an optional '-', then digits, no
 * more than int64_t holds): 0 and *out, else -1. */
int gl_parse_int64(const char *s, int64_t *out);

/* v in decimal into buf, without a NUL; returns the length. For writers
 * that must not call printf (the shim) or call it a million times (JSON). */
#define GL_DEC_MAX 20
size_t gl_format_dec(char buf[GL_DEC_MAX], int64_t v);

/* The settling at exit (shim and tracer) while goroutines still wait for a
 * CPU: on a busy machine the threads that would run them may not get one
 * between two yields, so after a few rounds the calling thread gives its
 * CPU up for a moment, longer the longer they wait (20 us doubling, at most
 * 1 ms). `waiting`: rounds in a row they have waited. Allocation-free. */
void gl_yield_cpu(unsigned waiting);

#endif
