/* gen_shapes: gc goroutine dumps (runtime.Stack / pprof debug=2 text) of
 * one extreme shape each, for the analyzer benchmark (scripts/bench/analyzer.sh).
 * gen_gcdump.c draws realistic mixes of ~1 KB stacks; these are the corners
 * a parser's per-goroutine and per-frame costs show up in.
 *
 *   gen_shapes SHAPE N > FILE
 *
 * SHAPE:
 *   small      two frames and a creator (~220 bytes a goroutine), 64 sites
 *   fat        70 frames a goroutine, 64 sites
 *   identical  every goroutine the same stack (one site)
 *   distinct   every goroutine its own function (N sites)
 *   goleash    the shim's own dump format (goleash-dump 1, docs/dump-format.md):
 *              64 stacks of 4 frames, N goroutines parked on 1,024 channels
 *
 * Deterministic: the same arguments give the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void frame(const char *fn, unsigned long id, const char *args, const char *file, int line, unsigned off)
{
    printf("%s%lu(%s)\n\t%s:%d +0x%x\n", fn, id, args, file, line, off);
}

static void goroutine(unsigned long g, const char *shape)
{
    static const char *const reasons[] = {"chan receive", "select", "chan send", "IO wait"};
    unsigned long site = 0;
    int depth = 2;
    if (strcmp(shape, "small") == 0 || strcmp(shape, "fat") == 0)
        site = (g * 2654435761ul) % 64;
    else if (strcmp(shape, "distinct") == 0)
        site = g;
    if (strcmp(shape, "fat") == 0)
        depth = 70;
    const char *reason = reasons[site % 4];
    if (g % 7 == 0)
        printf("goroutine %lu [%s, %lu minutes]:\n", g, reason, 1 + g % 50);
    else
        printf("goroutine %lu [%s]:\n", g, reason);
    char args[64];
    snprintf(args, sizeof args, "0xc%09lx, 0x%lx", 0x12000ul + g * 0x40, g % 9);
    frame("main.leaf", site, args, "/src/app/leaf.go", 40 + (int)(site % 100), 0x3c);
    for (int d = 1; d < depth - 1; d++)
        frame("example.com/app/internal/pipeline.(*Stage).run", (unsigned long)d, "0xc000123456?", "/src/app/internal/pipeline/stage.go", 100 + d, 0x1f + (unsigned)d);
    frame("main.worker", site, "0xc000010000", "/src/app/main.go", 20 + (int)(site % 50), 0x55);
    printf("created by main.spawn%lu in goroutine %lu\n\t/src/app/main.go:%d +0x%x\n\n",
           site % 16, 1 + g % 3, 10 + (int)(site % 16), 0x2a);
}

/* A dump as libgoleash.so writes it at exit: symbols and stacks first,
 * then a line per goroutine and per channel, the end line counting them. */
static void shim_dump(unsigned long n)
{
    printf("goleash-dump 1\ninfo pid=4242 ppid=1 exe=/src/prog reason=exit status=0 mono_ns=900000000000"
           " wall_ns=1700000000000000000 goroutine_ids=go libgo=/usr/lib/x86_64-linux-gnu/libgo.so.21"
           " min_park_ns=0 missing=\n");
    printf("module id=0 base=0x400000 build_id=- path=/src/prog\n"
           "module id=1 base=0x7f0000000000 build_id=abcd path=/usr/lib/libgo.so.21\n");
    printf("sym pc=0x7f0000001000 mod=1 off=0x40 name=runtime.gopark\n"
           "sym pc=0x7f0000002000 mod=1 off=0x10 name=runtime.chanrecv1\n"
           "sym pc=0x7f0000003000 mod=1 off=0x8 name=__go_go\n"
           "sym pc=0x401000 mod=0 off=0x0 name=main.main\n");
    for (int s = 0; s < 64; s++)
        printf("sym pc=0x%x mod=0 off=0x1a name=main.worker%d\nsym pc=0x%x mod=0 off=0x20 name=main.spawn%d\n",
               0x410000 + s * 0x100, s, 0x420000 + s * 0x100, s);
    for (int s = 0; s < 64; s++)
        printf("stack id=%d pcs=0x7f0000001000,0x7f0000002000,0x%x,0x%x truncated=0\n", s + 1,
               0x410000 + s * 0x100, 0x420000 + s * 0x100);
    printf("stack id=65 pcs=0x7f0000003000,0x401000 truncated=0\n");
    printf("goroutine id=1 parent=0 start=0x401000 created=0 created_ns=1 system=0 state=running\n");
    for (unsigned long g = 2; g <= n; g++) {
        unsigned s = (unsigned)((g * 2654435761ul) % 64);
        printf("goroutine id=%lu parent=1 start=0x%x created=65 created_ns=%lu system=0 state=parked reason=14"
               " since_ns=%lu stack=%u wait=chan chans=0xc%09lx\n",
               g, 0x420000 + s * 0x100, 1000000 + g, 2000000 + g, s + 1, 0x12000ul + (g % 1024) * 0x60);
    }
    for (unsigned long c = 0; c < 1024; c++)
        printf("chan addr=0xc%09lx made=65 maker=1 made_ns=500000 cap=0 closed=0\n", 0x12000ul + c * 0x60);
    printf("end goroutines=%lu chans=1024 contexts=0 stacks=65\n", n);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: gen_shapes small|fat|identical|distinct|goleash N\n", stderr);
        return 2;
    }
    const char *shape = argv[1];
    if (strcmp(shape, "small") && strcmp(shape, "fat") && strcmp(shape, "identical") && strcmp(shape, "distinct")
        && strcmp(shape, "goleash")) {
        fprintf(stderr, "gen_shapes: unknown shape '%s'\n", shape);
        return 2;
    }
    unsigned long n = strtoul(argv[2], NULL, 10);
    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    if (strcmp(shape, "goleash") == 0) {
        shim_dump(n);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    printf("goroutine 1 [running]:\nmain.main()\n\t/src/app/main.go:9 +0x1d\n\n");
    for (unsigned long g = 2; g <= n; g++)
        goroutine(g, shape);
    return fflush(stdout) == 0 ? 0 : 1;
}
