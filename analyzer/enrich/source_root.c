#include "enrich/source_root.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void strip_trailing_slashes(char *p)
{
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
}

int gl_source_root_init(gl_source_root *r, const char *dir)
{
    char cwd[4096];
    r->path[0] = r->real[0] = '\0';
    if (!dir || !*dir) {
        const char *ws = getenv("GITHUB_WORKSPACE");
        dir = ws && *ws ? ws : NULL;
    }
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';
    if (!dir) {
        if (!cwd[0])
            return -1;
        dir = cwd;
    }
    if (dir[0] == '/') {
        snprintf(r->path, sizeof r->path, "%s", dir);
    } else {
        if (!cwd[0])
            return -1;
        int n = snprintf(r->path, sizeof r->path, "%s/", cwd);
        if (n < 0 || (size_t)n >= sizeof r->path || strlen(dir) >= sizeof r->path - (size_t)n)
            return -1;
        memcpy(r->path + n, dir, strlen(dir) + 1);
    }
    strip_trailing_slashes(r->path);
    char *real = realpath(r->path, NULL);
    if (real) {
        snprintf(r->real, sizeof r->real, "%s", real);
        free(real);
    }
    return 0;
}

static const char *under(const char *root, const char *file)
{
    if (!root[0])
        return NULL;
    if (strcmp(root, "/") == 0)
        return file[1] ? file + 1 : NULL;
    size_t n = strlen(root);
    if (strncmp(file, root, n) != 0 || file[n] != '/' || !file[n + 1])
        return NULL;
    return file + n + 1;
}

static int climbs_out(const char *rel)
{
    return strcmp(rel, "..") == 0 || strncmp(rel, "../", 3) == 0 || strstr(rel, "/../") ||
           (strlen(rel) >= 3 && strcmp(rel + strlen(rel) - 3, "/..") == 0);
}

const char *gl_source_root_relative(const gl_source_root *r, const char *file)
{
    if (!file || !*file)
        return NULL;
    const char *rel;
    if (file[0] == '/') {
        rel = under(r->path, file);
        if (!rel)
            rel = under(r->real, file);
    } else {
        rel = file;
        while (strncmp(rel, "./", 2) == 0)
            rel += 2;
    }
    if (!rel || !*rel || climbs_out(rel))
        return NULL;
    return rel;
}

const gl_frame *gl_source_root_frame(const gl_source_root *r, const gl_stack *s, size_t from)
{
    for (size_t i = from; s && i < s->n; i++)
        if (gl_source_root_relative(r, s->frames[i].file))
            return &s->frames[i];
    return NULL;
}
