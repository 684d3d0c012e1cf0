/* The tracer's one way to say why something failed: a line in a caller's
 * buffer, printed by the command that asked. */
#ifndef GOLEASH_WHY_H
#define GOLEASH_WHY_H

#include <stddef.h>

/* Formats into why (len bytes) and returns -1, so that
 * `return gc_why(why, len, "...", ...);` fails with a reason. */
__attribute__((format(printf, 3, 4)))
int gc_why(char *why, size_t len, const char *fmt, ...);

#endif
