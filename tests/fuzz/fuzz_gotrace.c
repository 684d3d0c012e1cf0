/* libFuzzer harness: gl_parse_gotrace (gc and gccgo traceback text) through
 * the streaming input layer, as `goleash report` drives it: every dump the
 * input holds, one after the other, each starting at a header line; then the
 * rules and reports on them together (fuzz_judge.h).
 * Seeds: tests/fuzz/seeds/gotrace; dictionary: gotrace.dict. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/build.h"
#include "format/dump_read.h"
#include "fuzz_judge.h"
#include "readers/input.h"
#include "readers/gotrace.h"

/* Bounds the work per input whatever the parser leaves unread. */
#define MAX_DUMPS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input f;
    gl_input *in = fuzz_input_open(&f, data, size);
    gl_diag diag = {0};
    gl_dump *dumps[MAX_DUMPS];
    size_t n = 0;
    const char *line;
    size_t len;
    while (n < MAX_DUMPS && gl_input_line(in, &line, &len, &diag) == 1) {
        if (!gl_gotrace_is_header(line, len))
            continue;
        gl_input_unread(in);
        gl_build *b = gl_build_new(f.path, "gc-traceback");
        if (!b)
            abort();
        gl_diag one = {0};
        if (gl_parse_gotrace(in, b, &one) != 0) {
            gl_build_discard(b);
            if (!one.msg[0] || one.is_warning)
                abort(); /* an error always says why */
            break;
        }
        if (!(dumps[n++] = gl_build_finish(b)))
            abort();
    }
    if (n)
        fuzz_judge(dumps, n);
    for (size_t i = 0; i < n; i++)
        gl_dump_free(dumps[i]);
    fuzz_input_close(&f);
    return 0;
}
