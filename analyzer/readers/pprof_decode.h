/* The binary pprof profile (debug=0: gzipped protobuf, schema in
 * proto/pprof_profile.proto) decoded into a plain form: one sample per
 * stack, its count, its frames with inlined calls expanded, its labels.
 * zlib inflates, protobuf-c decodes; this file only checks that what they
 * produced holds together (ids resolve, string indexes are in range) and
 * finds the byte to blame when it does not. */
#ifndef GOLEASH_PPROF_DECODE_H
#define GOLEASH_PPROF_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Decompressed profiles larger than this are refused (a gzip bomb must not
 * take the machine down; real goroutine profiles are far smaller). */
#define GL_PPROF_MAX_BYTES ((size_t)1 << 30)

typedef struct gl_pprof_frame {
    uint64_t pc;              /* the location's address; 0 unknown */
    const char *function;     /* NULL unknown */
    const char *file;         /* NULL unknown */
    int64_t line;             /* 0 unknown */
} gl_pprof_frame;

typedef struct gl_pprof_sample {
    int64_t count;            /* goroutines with this stack and these labels (> 0) */
    const char *labels;       /* NULL none; else `{"k":"v", "n":1}` sorted the
                               * way runtime/pprof prints `# labels:` */
    size_t offset;            /* byte of the sample in the decompressed profile */
    size_t nlocations;
    const uint32_t *locations; /* indexes of the profile's locations, leaf first */
} gl_pprof_sample;

typedef struct gl_pprof_profile {
    size_t nsamples;
    gl_pprof_sample *samples; /* in profile order; samples counting 0 dropped */
    int64_t total;            /* sum of the counts */
    int64_t time_nanos;       /* when the profile was taken (wall clock), 0 unknown */
    const char *sample_type;  /* "goroutine" for goroutine profiles, NULL none */
    void *priv_;
} gl_pprof_profile;

/* The frames of s, innermost first, inlined calls expanded: at most cap of
 * them into frames; returns how many were written and sets *truncated when
 * there were more. Strings point into p. */
size_t gl_pprof_sample_frames(const gl_pprof_profile *p, const gl_pprof_sample *s,
                              gl_pprof_frame *frames, size_t cap, int *truncated);

/* Decode buf (gzipped or plain protobuf). 0 and *out on success (free with
 * gl_pprof_profile_free); -1 on error with a message in err:
 * `byte N: what is wrong` (N counts compressed bytes for gzip errors and
 * decompressed bytes for protobuf errors, which the message says). */
int gl_pprof_decode(const unsigned char *buf, size_t len, gl_pprof_profile **out,
                    char *err, size_t errcap);

void gl_pprof_profile_free(gl_pprof_profile *p);

#endif
