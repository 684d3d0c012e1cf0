/* The one builder of the model: every reader assembles its gl_dump here, so
 * every format ends in the same model, in the same memory (model/store.h),
 * with the same lookups.
 *
 * Two ways in. Sources that print what goroutines look like (gc and gccgo
 * traceback text, pprof debug=1 text, pprof protobuf) hand over frames and
 * goroutines as they read them, and the builder interns stacks and derives
 * what the text does not say (start functions, runtime goroutines, park
 * times from minutes). Usage, for each goroutine (or pprof sample):
 *
 *     gl_build_stack_begin(b);
 *     gl_build_frame(b, &frame);   // innermost first, any number
 *     gl_stack *s = gl_build_stack_end(b, truncated);
 *     ... the same for the creation stack (often one frame) ...
 *     gl_build_goroutine g = {.id = .., .stack = s, .created = c, ...};
 *     gl_build_goroutine_add(b, &g);
 *
 * then gl_build_finish(b) hands over the dump (free it with gl_dump_free).
 *
 * Why stacks are interned: the rules group by stack and have a fast path keyed
 * on the gl_stack pointer, and a million goroutines share a few hundred
 * distinct stacks. A stack's identity is exactly what exact grouping compares:
 * function, file, line, +0x offset and the *shape* of each frame's arguments
 * (gl_args_shape, names/args_shape.h), plus the truncation mark; the pc only when the
 * function is unknown. The interned stack keeps the arguments and pcs of the
 * first goroutine that had it, for display.
 *
 * Every string handed in is (pointer, length), need not be NUL-terminated and
 * need only live for the call: the builder copies what it keeps into the
 * dump's own memory. Nothing per goroutine is kept but its gl_goroutine.
 *
 * A goleash dump gives every record in full, ids and references included:
 * its reader (format/dump_read.c) makes each record with gl_build_*_new and
 * fills it in.
 *
 * Errors: functions returning int give 0 on success and -1 only when out of
 * memory; the builder is then unusable except for gl_build_discard. */
#ifndef GOLEASH_MODEL_BUILD_H
#define GOLEASH_MODEL_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

typedef struct gl_build gl_build;

/* The dump's "now" on the monotonic clock: park times of text dumps are
 * relative ("N minutes"), so they are placed before this fixed instant. */
#define GL_BUILD_NOW_NS ((int64_t)1 << 62)

/* path: the name used in messages and stored as d->path; source: the format
 * ("goleash", "gc-traceback", "gccgo-traceback", "pprof-debug1",
 * "pprof-proto"; a string constant, not copied). NULL when out of memory. */
gl_build *gl_build_new(const char *path, const char *source);

/* The dump under construction, for its info fields: min_park_ns, truncated,
 * reason (intern strings with gl_build_intern), pid... mono_ns is preset to
 * GL_BUILD_NOW_NS. Do not touch its goroutines or stacks. */
gl_dump *gl_build_dump(gl_build *b);

/* A NUL-terminated copy owned by the dump; equal strings share one copy, so
 * interned strings compare by pointer. NULL when out of memory. */
const char *gl_build_intern(gl_build *b, const char *s, size_t len);

/* One frame as a source printed it. Absent strings: NULL (length ignored). */
typedef struct gl_build_frame {
    const char *function; size_t function_len;
    const char *file;     size_t file_len;
    int line;             /* 0 unknown */
    uint64_t off;         /* +0x offset into the function, 0 none */
    uint64_t pc;          /* 0 unknown */
    const char *args;     size_t args_len; /* without the parentheses; NULL: none printed */
} gl_build_frame;

void gl_build_stack_begin(gl_build *b);
int gl_build_frame_add(gl_build *b, const gl_build_frame *f);
/* Frames added so far since gl_build_stack_begin. */
size_t gl_build_stack_depth(const gl_build *b);
/* The interned stack of the frames added since gl_build_stack_begin; a stack
 * without frames is a valid (empty) stack. NULL only when out of memory. */
gl_stack *gl_build_stack_end(gl_build *b, int truncated);

typedef struct gl_build_goroutine {
    int64_t id;               /* > 0; 0 for records without an id (pprof samples) */
    int64_t parent;           /* 0 unknown */
    gl_gstate state;
    int reason;               /* wait-reason number (format/vocabulary.h), -1 none */
    gl_wait wait;             /* GL_WAIT_NONE when unknown */
    const char *reason_text;  size_t reason_text_len; /* as printed; NULL none */
    const char *labels;       size_t labels_len;      /* as printed; NULL none */
    /* Park time: minutes >= 0 gives since_ns = now - minutes and GL_GF_MINUTES;
     * minutes < 0 leaves it unknown (never filtered by --min-park). */
    int64_t park_minutes;
    int64_t weight;           /* 0 or 1: one goroutine; n: a pprof sample of n */
    unsigned flags;           /* GL_GF_* (GL_GF_MINUTES is set from park_minutes) */
    int system;               /* -1: decide from the stacks (runtime entry
                               * function or runtime creator); 0/1: as given */
    gl_stack *stack;          /* from gl_build_stack_end; NULL unknown */
    gl_stack *created;        /* creation stack; NULL unknown */
    /* Start function, interned (gl_build_intern); NULL: the outermost frame
     * of a stack that was not truncated, else the creation frame is no help
     * and it stays unknown. */
    const char *start_function;
} gl_build_goroutine;

/* Appends a goroutine. Returns 0, 1 when a goroutine with the same id was
 * already added (this one is ignored: the caller may warn), -1 out of memory. */
int gl_build_goroutine_add(gl_build *b, const gl_build_goroutine *g);

/* An ancestor the source names but whose goroutine is gone (gc's
 * `[originating from goroutine N]` blocks): recorded as an exited goroutine
 * (the rules follow parents through those), unless the dump holds a live
 * goroutine with that id. start_function: interned (gl_build_intern), or NULL. */
int gl_build_ancestor(gl_build *b, int64_t id, int64_t parent, const char *start_function);

/* ---- records given in full (goleash dumps) ---- */

/* n zeroed bytes owned by the dump; NULL when out of memory. */
void *gl_build_alloc(gl_build *b, size_t n);

/* A stack as the source lists it, under its own id, with n frames (zeroed,
 * module -1) for the caller to fill; not interned. NULL when out of memory. */
gl_stack *gl_build_stack_new(gl_build *b, uint32_t id, size_t n, int truncated);

/* A zeroed goroutine appended to the dump (its dump set). With has_id it is
 * filed under id for gl_dump_goroutine, and a second goroutine with that id
 * is refused: NULL and *dup = 1. NULL and *dup = 0 when out of memory. */
gl_goroutine *gl_build_goroutine_new(gl_build *b, int has_id, int64_t id, int *dup);

/* The same for channels and contexts, filed under their address. */
gl_chan *gl_build_chan_new(gl_build *b, uint64_t addr, int *dup);
gl_context *gl_build_context_new(gl_build *b, uint64_t addr, int *dup);
gl_lock *gl_build_lock_new(gl_build *b, uint64_t addr, int *dup);

/* A zeroed module appended; NULL when out of memory. */
gl_module *gl_build_module_new(gl_build *b);

/* Appends a test name (interned with gl_build_intern). 0, or -1 when out of memory. */
int gl_build_test_add(gl_build *b, const char *name);

/* Adds the ancestors and returns the dump; b is consumed. NULL when out of
 * memory (b is freed then too). */
gl_dump *gl_build_finish(gl_build *b);

/* Frees b and everything built so far. */
void gl_build_discard(gl_build *b);

#endif
