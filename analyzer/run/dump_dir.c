/* The directory the dumps of one `goleash run` or `snapshot` go to
 * (dump_dir.h). */
#include "dump_dir.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int name_list_add(name_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->names, cap * sizeof *p);
        if (!p)
            return -1;
        l->names = p;
        l->cap = cap;
    }
    if (!(l->names[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

static int name_list_has(const name_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->names[i], s) == 0)
            return 1;
    return 0;
}

void gl_name_list_free(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    memset(l, 0, sizeof *l);
}

static int is_dump_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".dump") == 0;
}

/* The *.dump files in dir (full paths) that are not in `before`, by name. */
int gl_list_dumps(const char *dir, const name_list *before, name_list *out)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return -1;
    struct dirent *e;
    name_list names = {0};
    while ((e = readdir(dh))) {
        if (is_dump_name(e->d_name) && (!before || !name_list_has(before, e->d_name)))
            if (name_list_add(&names, e->d_name) != 0) {
                closedir(dh);
                gl_name_list_free(&names);
                return -1;
            }
    }
    closedir(dh);
    /* Sorting by name keeps the report the same from run to run. */
    for (size_t i = 1; i < names.n; i++)
        for (size_t j = i; j > 0 && strcmp(names.names[j - 1], names.names[j]) > 0; j--) {
            char *t = names.names[j];
            names.names[j] = names.names[j - 1];
            names.names[j - 1] = t;
        }
    for (size_t i = 0; i < names.n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names.names[i]);
        if (name_list_add(out, path) != 0) {
            gl_name_list_free(&names);
            return -1;
        }
    }
    gl_name_list_free(&names);
    return 0;
}

/* Empties and removes the private directory: only our child wrote there. */
void gl_remove_private_dir(const char *dir)
{
    DIR *dh = opendir(dir);
    if (dh) {
        struct dirent *e;
        while ((e = readdir(dh))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            unlinkat(dirfd(dh), e->d_name, 0);
        }
        closedir(dh);
    }
    if (rmdir(dir) != 0)
        fprintf(stderr, "goleash: cannot remove %s: %s\n", dir, strerror(errno));
}

int gl_prepare_dump_dir(const char *keep_dir, char *dir, size_t len, name_list *before)
{
    if (keep_dir) {
        if (mkdir(keep_dir, 0700) != 0 && errno != EEXIST) {
            fprintf(stderr, "goleash: --keep-dumps %s: %s\n", keep_dir, strerror(errno));
            return -1;
        }
        char *abs = realpath(keep_dir, NULL);
        if (!abs) {
            fprintf(stderr, "goleash: --keep-dumps %s: %s\n", keep_dir, strerror(errno));
            return -1;
        }
        snprintf(dir, len, "%s", abs);
        free(abs);
        /* Dumps of earlier runs may be there: report only this run's. */
        name_list none = {0};
        if (gl_list_dumps(dir, &none, before) != 0) {
            fprintf(stderr, "goleash: --keep-dumps %s: %s\n", keep_dir, strerror(errno));
            return -1;
        }
        for (size_t i = 0; i < before->n; i++) {
            char *slash = strrchr(before->names[i], '/');
            memmove(before->names[i], slash + 1, strlen(slash + 1) + 1);
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        if (!tmp || tmp[0] != '/')
            tmp = "/tmp";
        snprintf(dir, len, "%s/goleash.XXXXXX", tmp);
        if (!mkdtemp(dir)) {
            fprintf(stderr, "goleash: cannot create a directory in %s: %s\n", tmp, strerror(errno));
            return -1;
        }
    }
    if (strchr(dir, ':')) {
        /* ':' separates GOLEASH_OPTIONS entries. */
        fprintf(stderr, "goleash: dump directory %s must not contain ':'\n", dir);
        if (!keep_dir)
            rmdir(dir);
        return -1;
    }
    return 0;
}

