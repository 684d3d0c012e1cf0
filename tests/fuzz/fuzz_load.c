/* libFuzzer harness: gl_load_dumps, the format-detecting loader behind
 * `goleash report` and `goleash diff`: gzip or plain, goleash dumps, gc and
 * gccgo traceback text alone or inside a log (line prefixes), pprof debug=1
 * text and debug=0 protobuf, several dumps per input; then the rules and
 * reports on all of them together (fuzz_judge.h).
 * Seeds: tests/fuzz/seeds/load; dictionary: load.dict. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format/dump_read.h"
#include "fuzz_judge.h"
#include "readers/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfile(data, size, path);
    gl_dump_list list = {0};
    gl_diag diag;
    if (gl_load_dumps(path, &list, &diag) == 0) {
        if (list.n == 0)
            abort(); /* success means at least one dump */
        fuzz_judge(list.v, list.n);
    } else if (list.n != 0 || !diag.msg[0]) {
        abort(); /* on error nothing is appended, and the message says why */
    }
    gl_dump_list_free(&list);
    close(fd);
    return 0;
}
