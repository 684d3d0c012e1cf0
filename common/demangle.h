#ifndef GOLEASH_DEMANGLE_H
#define GOLEASH_DEMANGLE_H

/* Turns a gccgo assembler name into the Go-ish name people read:
 * `..zXX` is the byte with hex value XX (`net..z2fhttp.Get` -> `net/http.Get`),
 * `..uXXXX` / `..UXXXXXXXX` a Unicode code point (written as UTF-8).
 * Other `..` sequences (`..func1`, `..thunk0`, `..stub`) are kept as they are.
 * Returns a malloc'd string (NULL on allocation failure or NULL input). */
char *gl_demangle(const char *name);

#endif
