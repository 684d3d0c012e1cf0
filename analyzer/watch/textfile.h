/* `goleash watch --textfile DIR`: the metrics as a node_exporter
 * textfile-collector file, DIR/goleash.prom, replaced whole by a rename so
 * the collector never reads half a file. */
#ifndef GOLEASH_WATCH_TEXTFILE_H
#define GOLEASH_WATCH_TEXTFILE_H

#include <stddef.h>

#define GL_TEXTFILE_NAME "goleash.prom"

/* Writes text (len bytes) to dir/goleash.prom through a temporary file the
 * collector ignores (it reads *.prom only). 0, or -1 with why. */
int gl_textfile_write(const char *dir, const char *text, size_t len, char *why, size_t whylen);

#endif
