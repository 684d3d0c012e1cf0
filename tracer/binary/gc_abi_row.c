/* gc-abi-row EXE: prints the layouts and constants the gc tracer reads, as
 * EXE's DWARF gives them, as one row of tracer/binary/gc_abi_versions.inc.
 * scripts/gen_gc_abi.sh runs it on a probe built by each Go release; the
 * test suite runs it to check the table against the toolchains at hand. */
#include "binary/gc_abi.h"
#include "binary/gc_binary.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gc-abi-row EXE\n");
        return 2;
    }
    gc_binary b;
    gc_abi abi;
    char why[512];
    if (gc_binary_open(argv[1], &b) != 0 || b.kind != GL_EXE_GC || !b.has_dwarf) {
        fprintf(stderr, "gc-abi-row: %s: not a gc binary with DWARF\n", argv[1]);
        return 2;
    }
    if (gc_abi_resolve(&abi, &b, why, sizeof why) != 0) {
        fprintf(stderr, "gc-abi-row: %s: %s\n", argv[1], why);
        return 1;
    }
    /* The wait-reason strings, from the probe's own data (a plain,
     * position-dependent binary: the file holds the pointers as loaded). */
    const char *reasons[256];
    size_t n = abi.nwaitreasons > 0 && abi.nwaitreasons < 256 ? (size_t)abi.nwaitreasons : 0;
    static char text[256][80];
    for (size_t i = 0; i < n; i++) {
        uint64_t hdr[2];
        reasons[i] = "";
        if (gc_binary_read(&b, abi.var[GC_V_WAITREASON_STRINGS] + i * 16, hdr, sizeof hdr) != 0 || hdr[1] >= 80
            || (hdr[1] && gc_binary_read(&b, hdr[0], text[i], hdr[1]) != 0)) {
            fprintf(stderr, "gc-abi-row: %s: cannot read runtime.waitReasonStrings[%zu]\n", argv[1], i);
            return 1;
        }
        text[i][hdr[1]] = '\0';
        reasons[i] = text[i];
    }
    gc_abi_print_row(stdout, &abi, b.goversion, reasons, n);
    gc_binary_close(&b);
    return 0;
}
