/* Strings a program under test controls (function and file names, test
 * names, labels, wait reasons) made safe for a terminal or a CI log: a
 * control character would move the cursor, recolour, or start a line of
 * its own (`\n::error::...` is a GitHub workflow command). */
#ifndef GOLEASH_ESCAPE_H
#define GOLEASH_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Writes s with C0 control characters and DEL as \xHH (lower-case hex) and
 * the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F) as \u00HH; every
 * other byte, UTF-8 included, as it is. Backslashes are not doubled: the
 * output is for people, not to be parsed back. NULL writes nothing. */
void gl_fput_escaped(FILE *out, const char *s);

/* The same into buf (always NUL-terminated, cut to len). Returns buf. */
char *gl_escape_to(char *buf, size_t len, const char *s);

#endif
