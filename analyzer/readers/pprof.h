/* Readers of pprof goroutine profiles (`goroutine` and Go 1.26's
 * `goroutineleak`): the debug=1 text and the binary debug=0 protobuf.
 *
 * Contract with analyzer/load.c (which detects the format and calls these):
 *
 * gl_parse_pprof_text: `in` is positioned so that the next gl_input_line
 *   returns the `goroutine profile: total N` (or `goroutineleak profile:
 *   total N`) line itself. A log prefix (dump embedded in a CI log) is
 *   already stripped by `in` (gl_input_set_prefix), which also reports the
 *   end of the input where the log's lines stop carrying it. The reader reads
 *   until the end of the profile (a line that cannot belong to it: leave it
 *   with gl_input_unread, so several dumps in one log work) or of the input,
 *   adds one goroutine record per sample with
 *   gl_build_goroutine_add (id 0, weight = the sample's count, state parked,
 *   reason/wait from gl_wait_classify_frames, park_minutes -1, labels as
 *   printed after `# labels: `), and sets gl_build_dump(b)->source to
 *   "pprof-debug1" (preset by load.c: "pprof-debug1", or "pprof-leak-debug1"
 *   for goroutineleak, whose records get GL_GF_LEAKED). It does not call
 *   gl_build_finish. Returns 0 on success (warnings, if any, into diag with
 *   is_warning=1), -1 on malformed input with diag->msg =
 *   `goleash: FILE:LINE: what is wrong` (gl_input_error does that).
 *
 * gl_parse_pprof_proto: buf/len hold the whole profile, already
 *   decompressed (gl_input reads gzip transparently), name is for messages.
 *   Same records and return convention; positions in messages are byte
 *   offsets: `goleash: FILE: byte N: what is wrong`. */
#ifndef GOLEASH_PARSE_PPROF_H
#define GOLEASH_PARSE_PPROF_H

#include <stddef.h>

#include "model/build.h"
#include "format/dump_read.h"
#include "readers/input.h"

int gl_parse_pprof_text(gl_input *in, gl_build *b, gl_diag *diag);

/* The goroutine record of one sample of either format: count goroutines
 * with stack st (nframes frames shown, none: GL_GF_NO_STACK), parked, as
 * every goroutine of a profile but the one writing it, on what the frames
 * tell (reason -1 when they do not, which keeps it out of the leak rules),
 * GL_GF_LEAKED in a goroutineleak profile. */
gl_build_goroutine gl_pprof_sample_goroutine(gl_stack *st, size_t nframes, int64_t count, const char *labels,
                                             int leak_profile);

int gl_parse_pprof_proto(const char *name, const unsigned char *buf, size_t len, gl_build *b, gl_diag *diag);

#endif
