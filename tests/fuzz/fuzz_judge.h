/* What every harness does with the dumps a parser produced: the leak rules
 * in both grouping modes, the group keys `goleash diff` matches on, and the
 * text and JSON reports (written to /dev/null), so the rules and renderers
 * are fuzzed on whatever the parsers let through, not only on the dumps the
 * unit tests hand them. */
#ifndef GOLEASH_FUZZ_JUDGE_H
#define GOLEASH_FUZZ_JUDGE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format/dump_read.h"
#include "model/build.h"
#include "readers/input.h"
#include "reports/json.h"
#include "rules/rules.h"
#include "text_report/text_report.h"

/* The readers take paths: the input's bytes as a memory file, its path in
 * path (room for 64). Returns the fd to close afterwards. */
static inline int fuzz_memfile(const uint8_t *data, size_t size, char *path)
{
    int fd = memfd_create("fuzz", 0);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size)
        abort();
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}

/* The input's bytes read the way `goleash report` reads a file. */
typedef struct fuzz_input {
    int fd;
    char path[64];
    gl_input *in;
} fuzz_input;

static inline gl_input *fuzz_input_open(fuzz_input *f, const uint8_t *data, size_t size)
{
    gl_diag diag = {0};
    f->fd = fuzz_memfile(data, size, f->path);
    if (!(f->in = gl_input_open(f->path, &diag)))
        abort();
    return f->in;
}

static inline void fuzz_input_close(fuzz_input *f)
{
    gl_input_close(f->in);
    close(f->fd);
}

static void fuzz_judge(gl_dump *const *dumps, size_t n);

/* After a parser returned rc on b: the dump finished and judged, or
 * discarded when the parser refused the input. */
static inline void fuzz_finish(gl_build *b, int rc)
{
    if (rc != 0) {
        gl_build_discard(b);
        return;
    }
    gl_dump *d = gl_build_finish(b);
    if (!d)
        abort();
    fuzz_judge(&d, 1);
    gl_dump_free(d);
}

static FILE *fuzz_devnull(void)
{
    static FILE *f;
    if (!f && !(f = fopen("/dev/null", "w")))
        abort();
    return f;
}

static void fuzz_judge_one(gl_dump *const *dumps, size_t n, const gl_rules_opts *opts, unsigned key_flags)
{
    gl_report *r = gl_rules_run(dumps, n, opts);
    if (!r)
        abort(); /* only when out of memory: inputs are capped well below */
    for (size_t i = 0; i < r->ngroups; i++) {
        size_t len;
        free(gl_rules_group_key(&r->groups[i], key_flags, &len));
    }
    gl_text_opts topts = {.pid = 1, .print_when_clean = 1, .max_frames = 0};
    if (gl_report_text(fuzz_devnull(), r, &topts) != 0)
        abort();
    if (gl_report_json(fuzz_devnull(), r, NULL) != 0)
        abort();
    gl_report_free(r);
}

/* Both rule sets the analyzer offers: every parked goroutine judged with
 * exact grouping, and each dump's own min_park with loose grouping. */
static void fuzz_judge(gl_dump *const *dumps, size_t n)
{
    gl_rules_opts exact = {.min_park_ns = 0, .loose = 0, .ignore_setup = 0};
    fuzz_judge_one(dumps, n, &exact, 0);
    gl_rules_opts loose = {.min_park_ns = -1, .loose = 1, .ignore_setup = -1};
    fuzz_judge_one(dumps, n, &loose, GL_KEY_LOOSE | GL_KEY_USER_PART | GL_KEY_NO_CREATION);
}

#endif
