#include "reports/sha256.h"

#include <nettle/sha2.h>
#include <stdio.h>

void gl_sha256_hex(const void *data, size_t len, char hex[65])
{
    struct sha256_ctx c;
    unsigned char d[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    sha256_update(&c, len, data);
    sha256_digest(&c, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}
