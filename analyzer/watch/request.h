/* Samples of a running gccgo service: its shim writes a dump whenever the
 * file its dump_on option names appears (GOLEASH_OPTIONS in the process's
 * environment says where, and where dump_path puts the dump). */
#ifndef GOLEASH_WATCH_REQUEST_H
#define GOLEASH_WATCH_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct gl_request {
    pid_t pid;
    char trigger[4096];   /* dump_on, %p expanded, as seen from here */
    char dump[4096];      /* dump_path, the same */
} gl_request;

/* Reads pid's GOLEASH_OPTIONS: 0, or -1 with why (no such option, not
 * readable). Relative paths are taken from the process's own directory. */
int gl_request_open(gl_request *r, pid_t pid, char *why, size_t len);

/* Asks for a dump and waits (at most timeout_ns) until a new one is at
 * r->dump: 0, or -1 with why. */
int gl_request_sample(const gl_request *r, int64_t timeout_ns, char *why, size_t len);

#endif
