/* Paths of the report files (-o, --json, --junit, --sarif) with
 * placeholders, so that `go test -exec 'goleash run --junit r/%b.xml --'`,
 * which runs one test binary per package, gives each its own file:
 *   %p  the pid of the program (run) or of the first dump (report)
 *   %b  the program's base name (`pool.test`)
 *   %%  a percent sign */
#ifndef GOLEASH_OUT_PATH_H
#define GOLEASH_OUT_PATH_H

#include <stddef.h>
#include <stdint.h>

/* 0 when every '%' of pattern starts one of the placeholders; else -1 with
 * the byte after the offending '%' in *bad ('\0' for a trailing '%'). */
int gl_out_path_check(const char *pattern, char *bad);

/* Expands pattern into buf. program may be a path; only its base name is
 * used, "goleash" when NULL, empty, "." or "..", with control bytes as '_':
 * %b never adds a directory level or climbs out of one. Returns 0, or -1
 * when the result does not fit. */
int gl_out_path_expand(const char *pattern, int64_t pid, const char *program, char *buf, size_t len);

/* Creates the missing directories above path (like mkdir -p of its
 * dirname). Returns 0, or -1 with errno set. */
int gl_out_path_make_parent(const char *path);

/* The base name of path ("pool.test" of "/tmp/go-build1/b001/pool.test"). */
const char *gl_out_path_base(const char *path);

#endif
