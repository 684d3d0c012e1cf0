/* Dump text carried inside structured log records: `go test -json` events
 * (`"Output"`), docker's json-file (`"log"`), journald's JSON (`"MESSAGE"`),
 * JSON loggers (`"msg"`, `"message"`, `"stack"`, ...) and logfmt
 * (`msg="..."`). The message is a quoted string with `\n`, `\t`, `\"`
 * escapes; decoded, it holds one dump line or many (docs/input-formats.md). */
#ifndef GOLEASH_UNWRAP_H
#define GOLEASH_UNWRAP_H

#include <stddef.h>

enum {
    GL_UNWRAP_PLAIN = 0,  /* not a record: the line is read as it is */
    GL_UNWRAP_TEXT = 1,   /* a record: its message, decoded, is in *buf */
    GL_UNWRAP_EMPTY = 2,  /* a record that carries no message (a test event) */
    GL_UNWRAP_STREAM = 3, /* a record holding a piece of a byte stream (`go test
                           * -json`'s "Output", docker's "log"): a piece that
                           * does not end in a newline goes on in the next one
                           * (docker splits lines at 16 KiB, test2json writes
                           * long lines in parts) */
};

/* Decodes the message of the record in s[0, len) into *buf (of *cap bytes,
 * grown as needed), *out its length; -1 when out of memory. */
int gl_unwrap_record(const char *s, size_t len, char **buf, size_t *cap, size_t *out);

#endif
