/* Private to the dump reader and the model lookups: the hash tables that make
 * gl_dump_goroutine/chan/context O(1), and the string pool every string of a
 * dump lives in (so frames can share names and are freed in one sweep). */
#ifndef GOLEASH_DUMP_INDEX_H
#define GOLEASH_DUMP_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <uthash.h>

typedef struct gl_index_entry {
    uint64_t key;          /* goroutine id (as uint64) or address */
    size_t idx;            /* position in the dump's array */
    UT_hash_handle hh;
} gl_index_entry;

typedef struct gl_pool_string {
    UT_hash_handle hh;
    char text[];           /* the key: NUL-terminated */
} gl_pool_string;

typedef struct gl_dump_index {
    gl_index_entry *goroutines;
    gl_index_entry *chans;
    gl_index_entry *contexts;
    gl_pool_string *strings;
} gl_dump_index;

#endif
