#ifndef GOLEASH_DEMANGLE_H
#define GOLEASH_DEMANGLE_H

/* Turns a gccgo assembler name into the Go-ish name people read.
 * Two encodings exist and both are undone:
 *  - gccgo 9/10: `..zXX` is the byte with hex value XX (`net..z2fhttp.Get` ->
 *    `net/http.Get`), `..uXXXX` / `..UXXXXXXXX` a code point (as UTF-8);
 *  - gccgo 11+ (gccgo 12 writes this): `_` escapes: `__` `_`, `_0` `.`, `_1` `/`,
 *    `_2` `*`, `_3` `,`, `_4` `{`, `_5` `}`, `_6` `[`, `_7` `]`, `_8` `(`,
 *    `_9` `)`, `_a` `"`, `_b` space, `_c` `;`, `_xXX`, `_uXXXX`, `_UXXXXXXXX`
 *    (`crypto_1ed25519.NewScalar` -> `crypto/ed25519.NewScalar`). These only
 *    apply to Go symbols: names with a `.` that do not start with `_`, so C
 *    functions of libgo (`__go_go`, `runtime_mstart`) are left alone.
 * Other `..` sequences (`..func1`, `..thunk0`, `..stub`) are kept as they are.
 * Returns a malloc'd string (NULL on allocation failure or NULL input). */
char *gl_demangle(const char *name);

#endif
