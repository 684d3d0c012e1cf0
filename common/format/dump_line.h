/* The line writer of goleash dumps (docs/dump-format.md), shared by both
 * writers, the shim's (shim/dump/dump_write.c) and the gc backend's
 * (tracer/dump/gc_dump.c), so a value is encoded one way whoever writes it.
 *
 * A record is gl_rec_begin(b, "tag"), its gl_kv_*(b, "key", value) fields
 * and gl_rec_end(b); tests/docs/check_dump_format.py reads both writers'
 * calls to hold the format document to what is written.
 *
 * The buffer lives on mmap and no call allocates with malloc or takes a
 * lock: the shim writes from inside a host whose malloc is not its own. A
 * failed mapping sets `failed` and later calls do nothing. */
#ifndef GOLEASH_FORMAT_DUMP_LINE_H
#define GOLEASH_FORMAT_DUMP_LINE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gl_membuf {
    char *p;
    size_t len, cap;
    int failed;
} gl_membuf;

void gl_membuf_free(gl_membuf *b);

/* Raw text, for the header line and lists built by hand. */
void gl_mb_put(gl_membuf *b, const char *s, size_t n);
void gl_mb_str(gl_membuf *b, const char *s);
void gl_mb_dec(gl_membuf *b, int64_t v);
void gl_mb_hex(gl_membuf *b, uint64_t v);   /* 0x... */

/* Records: a tag, then " key=value" fields, then a newline. */
void gl_rec_begin(gl_membuf *b, const char *tag);
void gl_rec_end(gl_membuf *b);
void gl_kv_dec(gl_membuf *b, const char *k, int64_t v);
void gl_kv_hex(gl_membuf *b, const char *k, uint64_t v);
/* Percent-encodes what would break the line grammar; "" and NULL are "-". */
void gl_kv_str(gl_membuf *b, const char *k, const char *v);
/* A value that needs no encoding and may be empty (a comma list of names). */
void gl_kv_raw(gl_membuf *b, const char *k, const char *v);
/* k=0x1,0x2,... (empty for n == 0). */
void gl_kv_hex_list(gl_membuf *b, const char *k, const uint64_t *v, size_t n);

/* Writes b to path atomically and privately: a fresh O_EXCL temporary
 * beside it (path.tmp.XXXXXX, mode 0600), renamed over it. Only a missing
 * name or a regular file is replaced: a symbolic link there fails with
 * GL_WRITE_REFUSED_LINK, anything else (a device, a FIFO, a directory) with
 * GL_WRITE_REFUSED_SPECIAL, both left untouched. 0, or -1 with errno set
 * (the temporary is removed). */
#define GL_WRITE_REFUSED_LINK ELOOP
#define GL_WRITE_REFUSED_SPECIAL EEXIST
int gl_membuf_write_file(const gl_membuf *b, const char *path);

/* Why gl_membuf_write_file failed with err, for a message: the refusals in
 * words, other errors as strerror. */
const char *gl_write_file_strerror(int err);

#endif
