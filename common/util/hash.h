/* uthash helpers for tables whose entries are malloc'd. */
#ifndef GOLEASH_UTIL_HASH_H
#define GOLEASH_UTIL_HASH_H

#include <stdlib.h>
#include <uthash.h>

/* Empties the table at head (handle hh), freeing every entry. */
#define GL_HASH_FREE(head)                                                     \
    do {                                                                       \
        __typeof__(head) e_, next_;                                            \
        HASH_ITER(hh, head, e_, next_) {                                       \
            HASH_DEL(head, e_);                                                \
            free(e_);                                                          \
        }                                                                      \
    } while (0)

#endif
