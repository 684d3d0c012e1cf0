/* SHA-256 as hex, for the SARIF fingerprints: a hash every SARIF consumer can
 * recompute from the documented key. Computed by nettle. */
#ifndef GOLEASH_SHA256_H
#define GOLEASH_SHA256_H

#include <stddef.h>

/* The digest of data as 64 lower-case hex digits and a NUL. */
void gl_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
