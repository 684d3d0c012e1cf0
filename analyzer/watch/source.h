/* What `goleash watch` samples: an input any command reads (a URL such as
 * a pprof goroutine endpoint, a file re-read each time, `-` is refused), a
 * running process by PID (gc: one snapshot per sample, no --min-park
 * second look: the window does that job; gccgo: a dump its shim writes on
 * request, request.h), or a directory whose files are samples, each new
 * one in name order. */
#ifndef GOLEASH_WATCH_SOURCE_H
#define GOLEASH_WATCH_SOURCE_H

#include <limits.h>
#include <sys/types.h>

#include "readers/load.h"
#include "watch/request.h"
#include "warnings.h"

typedef enum gl_source_kind { GL_SOURCE_INPUT, GL_SOURCE_PID, GL_SOURCE_DIR } gl_source_kind;

typedef struct gl_source {
    gl_source_kind kind;
    const char *arg;
    const gl_fetch_opts *fetch;
    pid_t pid;
    int gccgo;                  /* PID: a gccgo program, sampled through its shim */
    gl_request request;         /* ... where it is asked for dumps */
    char dir[PATH_MAX];         /* PID: the private directory snapshots go to */
    char *last;                 /* DIR: the name of the last file taken, NULL none */
    char taken[PATH_MAX];       /* DIR: the path of the file the last sample read */
} gl_source;

/* Decides what arg is: all digits a PID, a directory, else an input. 0,
 * or -1 after printing why (a usage error). */
int gl_source_open(gl_source *s, const char *arg, const gl_fetch_opts *fetch);

/* Reads the next sample's dumps into dumps (symbolized; warnings to w).
 * 1 a sample, 0 none ready (DIR: no new file), -1 the sample failed (why
 * printed as `goleash: ...`). */
int gl_source_next(gl_source *s, gl_dump_list *dumps, gl_warnings *w);

/* Whether more than one sample may be ready at once (DIR). */
int gl_source_drains(const gl_source *s);

/* What the sample just read came from, for messages: the URL or path, the
 * directory's file, "process PID". */
const char *gl_source_name(const gl_source *s);

void gl_source_close(gl_source *s);

#endif
