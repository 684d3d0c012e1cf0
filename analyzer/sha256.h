/* SHA-256 (FIPS 180-4), for the SARIF fingerprints: a hash that every SARIF
 * consumer can recompute from the documented key, without a crypto library. */
#ifndef GOLEASH_SHA256_H
#define GOLEASH_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct gl_sha256 {
    uint32_t h[8];
    uint64_t bytes;          /* message length so far */
    unsigned char block[64];
    size_t fill;             /* bytes waiting in block */
} gl_sha256;

void gl_sha256_init(gl_sha256 *c);
void gl_sha256_update(gl_sha256 *c, const void *data, size_t len);
void gl_sha256_final(gl_sha256 *c, unsigned char digest[32]);

/* The digest of data as 64 lower-case hex digits and a NUL. */
void gl_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
