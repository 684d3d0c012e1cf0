/* The directory source paths are shown relative to in SARIF (%SRCROOT%) and
 * in GitHub annotations, which both want repository-relative paths. */
#ifndef GOLEASH_SOURCE_ROOT_H
#define GOLEASH_SOURCE_ROOT_H

#include <stddef.h>

#include "model/model.h"

typedef struct gl_source_root {
    char path[4096];     /* absolute, no trailing slash ("/" stays "/") */
    char real[4096];     /* path with symbolic links resolved, "" when unknown */
} gl_source_root;

/* The root: dir when given, else $GITHUB_WORKSPACE when set and not empty,
 * else the current directory. A relative dir is taken from the current
 * directory. Returns 0, or -1 when neither could be made absolute. */
int gl_source_root_init(gl_source_root *r, const char *dir);

/* file relative to the root, pointing into file: "pkg/a.go" for
 * "<root>/pkg/a.go"; a relative file is taken as relative to the root
 * already ("./" removed) unless it climbs out with "..". NULL when file is
 * NULL, outside the root, or climbs out. */
const char *gl_source_root_relative(const gl_source_root *r, const char *file);

/* Where a leak is anchored in the source tree: s->frames[from] (the
 * blocking site) when its file is under the root, else the first frame
 * after it that is: the program's own call into the standard library or a
 * dependency it is blocked in (io.(*pipe).read called from writer.go:59).
 * NULL when no frame from `from` on is under the root. Annotations and
 * SARIF locations must point into the repository to be shown at all. */
const gl_frame *gl_source_root_frame(const gl_source_root *r, const gl_stack *s, size_t from);

#endif
