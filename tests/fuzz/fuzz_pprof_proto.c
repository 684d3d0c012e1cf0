/* libFuzzer harness: gl_parse_pprof_proto (binary pprof profile, plain or
 * gzipped protobuf), then the dump finished and judged (fuzz_judge.h).
 * Seeds: tests/fuzz/seeds/pprof_proto (raw protobuf mutates best). */
#include <stdint.h>
#include <stdlib.h>

#include "model/build.h"
#include "format/dump_read.h"
#include "fuzz_judge.h"
#include "readers/pprof.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gl_diag diag = {0};
    gl_build *b = gl_build_new("fuzz.pb", "pprof-proto");
    if (!b)
        abort();
    fuzz_finish(b, gl_parse_pprof_proto("fuzz.pb", data, size, b, &diag));
    return 0;
}
