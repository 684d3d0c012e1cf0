/* The analyzer's memory bound: what goleash may hold, whatever it reads (a
 * gzip bomb, a huge or sparse file). Enforced by the kernel (RLIMIT_DATA:
 * heap and private mappings; the input files it maps read-only do not
 * count), so no allocation anywhere can pass it; an input that needs more
 * is an "out of memory" error naming the bound and the option that raises
 * it. Never applied
 * to a program goleash runs: `run` sets it after PROG has ended. */
#ifndef GOLEASH_MEMORY_LIMIT_H
#define GOLEASH_MEMORY_LIMIT_H

#include <stdint.h>

#define GL_MEMORY_LIMIT_DEFAULT ((uint64_t)512 << 20)

/* "512M", "2G", "65536" (bytes), "0" (no limit): 0, or -1 when malformed. */
int gl_memory_limit_parse(const char *arg, uint64_t *bytes);

/* Applies the limit (0: none) to this process from now on. Builds with
 * AddressSanitizer keep none: its shadow memory is counted too. */
void gl_memory_limit_apply(uint64_t bytes);

/* The bound in force, 0 none. Readers' "out of memory" errors name it
 * (gl_diag_oom_note). */
uint64_t gl_memory_limit_applied(void);

/* Says on stderr that `doing` ran out of memory, naming the bound in force
 * and how to raise it. */
void gl_memory_oom(const char *doing);

#endif
