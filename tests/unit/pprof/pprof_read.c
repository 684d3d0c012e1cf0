#include "pprof_read.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test_data.h"
#include "model/build.h"
#include "readers/input.h"
#include "readers/pprof.h"

const char *data_path(const char *name)
{
    return gl_test_data_path(name);
}

int read_text(const char *path, gl_dump **out, gl_diag *diag)
{
    memset(diag, 0, sizeof *diag);
    *out = NULL;
    gl_input *in = gl_input_open(path, diag);
    ck_assert_msg(in != NULL, "%s", diag->msg);
    gl_build *b = gl_build_new(path, "pprof-debug1");
    ck_assert_ptr_nonnull(b);
    int rc = gl_parse_pprof_text(in, b, diag);
    if (rc == 0)
        *out = gl_build_finish(b);
    else
        gl_build_discard(b);
    gl_input_close(in);
    return rc;
}

int read_proto(const char *path, gl_dump **out, gl_diag *diag)
{
    memset(diag, 0, sizeof *diag);
    *out = NULL;
    gl_input *in = gl_input_open(path, diag);
    ck_assert_msg(in != NULL, "%s", diag->msg);
    unsigned char *buf;
    size_t len;
    int rc = gl_input_slurp(in, &buf, &len, diag);
    gl_input_close(in);
    if (rc != 0)
        return rc;
    gl_build *b = gl_build_new(path, "pprof-proto");
    ck_assert_ptr_nonnull(b);
    rc = gl_parse_pprof_proto(path, buf, len, b, diag);
    free(buf);
    if (rc == 0)
        *out = gl_build_finish(b);
    else
        gl_build_discard(b);
    return rc;
}

static const char *temp_with(const void *bytes, size_t len)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/goleash-pprof-test-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, bytes, len), (ssize_t)len);
    close(fd);
    return path;
}

int read_text_bytes(const char *text, size_t len, gl_dump **out, gl_diag *diag)
{
    const char *path = temp_with(text, len);
    int rc = read_text(path, out, diag);
    unlink(path);
    return rc;
}

int read_proto_bytes(const unsigned char *buf, size_t len, gl_dump **out, gl_diag *diag)
{
    const char *path = temp_with(buf, len);
    int rc = read_proto(path, out, diag);
    unlink(path);
    return rc;
}

unsigned char *slurp_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    unsigned char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        if (n == 0)
            break;
        *len += n;
    }
    fclose(f);
    return buf;
}

gl_report *judge(gl_dump *d)
{
    gl_rules_opts o = {.min_park_ns = 0};
    gl_report *r = gl_rules_run(&d, 1, &o);
    ck_assert_ptr_nonnull(r);
    return r;
}

const gl_leak_group *group_at(const gl_report *r, const char *fn, const char *category)
{
    for (size_t i = 0; i < r->ngroups; i++) {
        const gl_leak_group *g = &r->groups[i];
        if (g->blocked_at && g->blocked_at->function && strcmp(g->blocked_at->function, fn) == 0
            && (!category || strcmp(gl_category_name(g->category), category) == 0))
            return g;
    }
    return NULL;
}
