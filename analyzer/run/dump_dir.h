/* The directory the dumps of one `goleash run` or `snapshot` go to: a
 * private temporary one, removed afterwards, or --keep-dumps DIR, where
 * dumps of earlier runs are left alone and not reported. */
#ifndef GOLEASH_DUMP_DIR_H
#define GOLEASH_DUMP_DIR_H

#include <stddef.h>

typedef struct name_list {
    size_t n, cap;
    char **names;
} name_list;

void gl_name_list_free(name_list *l);

/* The *.dump files in dir (full paths, sorted by name) that are not in
 * `before`, by name. 0, or -1 with errno. */
int gl_list_dumps(const char *dir, const name_list *before, name_list *out);

/* keep_dir NULL: creates a private directory in $TMPDIR; else makes sure
 * keep_dir exists and lists the dumps already there into before. Writes the
 * absolute directory into dir. 0, or -1 with the message printed. */
int gl_prepare_dump_dir(const char *keep_dir, char *dir, size_t len, name_list *before);

/* Empties and removes the private directory: only our child wrote there. */
void gl_remove_private_dir(const char *dir);

#endif
