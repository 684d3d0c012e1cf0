/* Text for XML 1.0 documents (the JUnit report): markup characters become
 * entities, characters XML 1.0 forbids are dropped, bytes that are not
 * UTF-8 become '?' (names and paths from a dump need not be UTF-8). */
#ifndef GOLEASH_XML_ESCAPE_H
#define GOLEASH_XML_ESCAPE_H

#include <stdio.h>

/* Writes s escaped for element content (in_attribute 0) or for a
 * double-quoted attribute value (1: tab, newline and carriage return become
 * character references so that attribute normalization keeps them).
 * NULL writes nothing. */
void gl_xml_escape(FILE *out, const char *s, int in_attribute);

#endif
