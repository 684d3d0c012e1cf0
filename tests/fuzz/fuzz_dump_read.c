/* libFuzzer harness: gl_dump_read_buffer (goleash dumps, docs/dump-format.md),
 * the parser the shim's exit report and `goleash report` share; then the
 * rules and reports on what it read (fuzz_judge.h).
 * Seeds: tests/fuzz/seeds/dump_read; dictionary: dump_read.dict. */
#include <stdint.h>
#include <stdlib.h>

#include "format/dump_read.h"
#include "fuzz_judge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gl_diag diag = {0};
    gl_dump *d = NULL;
    if (gl_dump_read_buffer("fuzz.dump", (const char *)data, size, &d, &diag) == 0) {
        if (!d)
            abort();
        fuzz_judge(&d, 1);
        gl_dump_free(d);
    } else if (d || !diag.msg[0]) {
        abort(); /* an error leaves no dump and always says why */
    }
    return 0;
}
