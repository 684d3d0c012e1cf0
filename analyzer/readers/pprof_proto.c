/* The binary goroutine profile (debug=0) into the model: one goroutine
 * record per sample, weighing the sample's count. pprof_decode.c does the
 * decoding; this file only maps a sample onto what the rules read. */
#include "readers/pprof.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/build.h"
#include "readers/pprof_decode.h"
#include "format/wait_classify.h"

static void set_error(gl_diag *diag, const char *name, const char *what)
{
    if (!diag)
        return;
    snprintf(diag->msg, sizeof diag->msg, "goleash: %s: %s", name, what);
    diag->line = 0;
    diag->is_warning = 0;
}

static size_t len_of(const char *s)
{
    return s ? strlen(s) : 0;
}

static int add_sample(gl_build *b, const gl_pprof_profile *p, const gl_pprof_sample *s, int leak_profile,
                      gl_pprof_frame *frames)
{
    int truncated;
    size_t n = gl_pprof_sample_frames(p, s, frames, GL_MAX_FRAMES, &truncated);
    gl_build_stack_begin(b);
    for (size_t i = 0; i < n; i++) {
        const gl_pprof_frame *pf = &frames[i];
        gl_build_frame f = {
            .function = pf->function, .function_len = len_of(pf->function),
            .file = pf->file, .file_len = len_of(pf->file),
            .line = pf->line > 0 && pf->line <= INT32_MAX ? (int)pf->line : 0,
            .pc = pf->pc,
        };
        if (gl_build_frame_add(b, &f) != 0)
            return -1;
    }
    gl_stack *st = gl_build_stack_end(b, truncated);
    if (!st)
        return -1;
    gl_build_goroutine g = gl_pprof_sample_goroutine(st, n, s->count, s->labels, leak_profile);
    return gl_build_goroutine_add(b, &g) < 0 ? -1 : 0;
}

int gl_parse_pprof_proto(const char *name, const unsigned char *buf, size_t len, gl_build *b, gl_diag *diag)
{
    gl_pprof_profile *p;
    char err[400];
    if (gl_pprof_decode(buf, len, &p, err, sizeof err) != 0) {
        set_error(diag, name, err);
        return -1;
    }
    if (p->sample_type && strcmp(p->sample_type, "goroutine") != 0
        && strcmp(p->sample_type, "goroutineleak") != 0) {
        char what[300];
        snprintf(what, sizeof what, "a %.100s profile, not a goroutine profile", p->sample_type);
        set_error(diag, name, what);
        gl_pprof_profile_free(p);
        return -1;
    }
    int leak_profile = p->sample_type && strcmp(p->sample_type, "goroutineleak") == 0;
    gl_pprof_frame *frames = malloc(GL_MAX_FRAMES * sizeof *frames);
    int rc = frames ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < p->nsamples; i++)
        rc = add_sample(b, p, &p->samples[i], leak_profile, frames);
    if (rc != 0)
        set_error(diag, name, "out of memory");
    free(frames);
    gl_pprof_profile_free(p);
    return rc;
}
