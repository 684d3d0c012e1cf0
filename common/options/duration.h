#ifndef GOLEASH_DURATION_H
#define GOLEASH_DURATION_H
#include <stdint.h>
#include <stddef.h>

/* Parses a Go-style duration ("250ms", "1.5s", "2m", "1h30m", "100us", "0")
 * into nanoseconds. A bare integer is taken as seconds when it is "0" and
 * rejected otherwise, so "min_park=5" cannot silently mean 5ns.
 * Returns 0 on success, -1 on a malformed or overflowing value.
 * Allocation-free and reentrant: the shim parses options with it at load time. */
int gl_parse_duration(const char *s, int64_t *ns);

/* Formats ns compactly for people ("1.2s", "850ms", "3m4s") into buf. */
char *gl_format_duration(int64_t ns, char *buf, size_t len);

#endif
