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
    fuzz_input f;
    gl_input *in = fuzz_input_open(&f, data, size);
    gl_diag diag = {0};
    gl_build *b = gl_build_new(f.path, "pprof-debug1");
    if (!b)
        abort();
    fuzz_finish(b, gl_parse_pprof_text(in, b, &diag));
    fuzz_input_close(&f);
    return 0;
}
