/* Text for XML 1.0 documents (the JUnit report) and HTML (the HTML
 * report: the same entities are valid HTML5 text and attributes): markup characters become
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

/* Writes s as XML 1.0 text without escaping markup: forbidden characters
 * dropped, bytes that are not UTF-8 as '?' (for text another writer
 * escapes, Graphviz's labels). NULL writes nothing. */
void gl_xml_clean(FILE *out, const char *s);

#endif
