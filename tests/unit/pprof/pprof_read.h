/* Helpers shared by the pprof reader tests: read a profile file through the
 * same input layer `goleash report` uses, judge it with the leak rules. */
#ifndef GOLEASH_TEST_PPROF_READ_H
#define GOLEASH_TEST_PPROF_READ_H

#include <stddef.h>

#include "format/dump_read.h"
#include "model/model.h"
#include "rules/rules.h"

const char *data_path(const char *name);

/* 0 and *out, or -1 with diag; the reader's own return code. */
int read_text(const char *path, gl_dump **out, gl_diag *diag);
int read_proto(const char *path, gl_dump **out, gl_diag *diag);
/* The same from bytes (written to a temporary file first). */
int read_text_bytes(const char *text, size_t len, gl_dump **out, gl_diag *diag);
int read_proto_bytes(const unsigned char *buf, size_t len, gl_dump **out, gl_diag *diag);

/* A file's bytes, whole (malloc'd). */
unsigned char *slurp_file(const char *path, size_t *len);

gl_report *judge(gl_dump *d);
/* The group blocked in function fn (NULL when none). */
const gl_leak_group *group_at(const gl_report *r, const char *fn, const char *category);

#endif
