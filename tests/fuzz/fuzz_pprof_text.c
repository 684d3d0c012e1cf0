/* libFuzzer harness: gl_parse_pprof_text (pprof debug=1 text), read through
 * the same input layer as `goleash report` (so gzip input is fuzzed too),
 * then the dump finished and judged (fuzz_judge.h).
 * Seeds: tests/fuzz/seeds/pprof_text; dictionary: pprof_text.dict. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/build.h"
#include "format/dump_read.h"
#include "fuzz_judge.h"
#include "readers/input.h"
#include "readers/pprof.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfile(data, size, path);
    gl_diag diag = {0};
    gl_input *in = gl_input_open(path, &diag);
    if (!in)
        abort();
    gl_build *b = gl_build_new(path, "pprof-debug1");
    if (gl_parse_pprof_text(in, b, &diag) == 0) {
        gl_dump *d = gl_build_finish(b);
        if (!d)
            abort();
        fuzz_judge(&d, 1);
        gl_dump_free(d);
    } else {
        gl_build_discard(b);
    }
    gl_input_close(in);
    close(fd);
    return 0;
}
