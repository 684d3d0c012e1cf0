/* Unit tests of the pprof goroutine profile readers: real profiles from gc
 * 1.19 and gccgo 12 (data/make_profiles.go), hand-written ones for what
 * Debian's toolchains cannot produce (labels on generic code, Go 1.26's
 * goroutineleak profile), and malformed input of every kind. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/build.h"
#include "readers/input.h"
#include "readers/pprof.h"
#include "pprof_profile.pb-c.h"
#include "pprof_read.h"
#include "../run_suites.h"
#include "../test_cli.h"

/* ---- helpers ----------------------------------------------------------- */

static int64_t total_weight(const gl_dump *d)
{
    int64_t n = 0;
    for (size_t i = 0; i < d->ngoroutines; i++)
        n += d->goroutines[i].weight;
    return n;
}

static void assert_group(const gl_report *r, const char *fn, const char *category, size_t count,
                         const char *file, int line)
{
    const gl_leak_group *g = group_at(r, fn, category);
    ck_assert_msg(g != NULL, "no %s group blocked in %s", category, fn);
    ck_assert_uint_eq(g->count, count);
    ck_assert_str_eq(g->blocked_at->file, file);
    ck_assert_int_eq(g->blocked_at->line, line);
    ck_assert_uint_eq(g->ngoids, 0); /* pprof samples have no ids */
    ck_assert_int_eq(g->parked_min_ns, -1);
}

static const gl_goroutine *labelled(const gl_dump *d, const char *labels)
{
    for (size_t i = 0; i < d->ngoroutines; i++)
        if (d->goroutines[i].labels && strcmp(d->goroutines[i].labels, labels) == 0)
            return &d->goroutines[i];
    return NULL;
}

static void assert_error(int rc, const gl_diag *diag, const char *where, const char *what)
{
    ck_assert_int_eq(rc, -1);
    ck_assert_int_eq(diag->is_warning, 0);
    ck_assert_msg(strncmp(diag->msg, "goleash: ", 9) == 0, "%s", diag->msg);
    ck_assert_msg(strstr(diag->msg, where) != NULL, "`%s` lacks `%s`", diag->msg, where);
    ck_assert_msg(strstr(diag->msg, what) != NULL, "`%s` lacks `%s`", diag->msg, what);
}

/* ---- debug=1 text: real gc 1.19 profile -------------------------------- */

START_TEST(gc_debug1_groups)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(read_text(data_path("gc119_debug1.txt"), &d, &diag) == 0, "%s", diag.msg);
    ck_assert_str_eq(diag.msg, "");
    ck_assert_uint_eq(d->ngoroutines, 9); /* one record per sample */
    ck_assert_int_eq(total_weight(d), 15);
    ck_assert_int_eq(d->truncated, 0);
    for (size_t i = 0; i < d->ngoroutines; i++) {
        ck_assert_int_eq(d->goroutines[i].id, 0);
        ck_assert_int_eq(d->goroutines[i].flags & GL_GF_LEAKED, 0);
    }
    gl_report *r = judge(d);
    ck_assert_uint_eq(r->goroutines, 15);
    ck_assert_uint_eq(r->leaked, 14);
    ck_assert_uint_eq(r->ngroups, 6);
    /* 3 receivers + 1 on a nil channel + 1 labelled: runtime/pprof hides the
     * frames that would tell the nil channel apart, and labels do not split. */
    assert_group(r, "main.recvForever", "chan", 5, "/tmp/pp/main.go", 13);
    assert_group(r, "main.waitForever", "waitgroup", 4, "/tmp/pp/main.go", 22);
    /* A send: debug=1 does not print the runtime frames that say so (docs). */
    assert_group(r, "main.sendForever", "chan", 2, "/tmp/pp/main.go", 14);
    assert_group(r, "main.lockForever", "mutex", 1, "/tmp/pp/main.go", 21);
    assert_group(r, "main.selectForever", "select", 1, "/tmp/pp/main.go", 16);
    assert_group(r, "main.main.func1", "select", 1, "/tmp/pp/main.go", 40);
    ck_assert_str_eq(r->groups[0].blocked_at->function, "main.recvForever");
    /* The goroutine writing the profile is not parked on anything. */
    ck_assert_uint_eq(r->nrunning, 1);
    ck_assert_str_eq(r->running[0].g->stack->frames[0].function,
                     "runtime/pprof.runtime_goroutineProfileWithLabels");
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(gc_debug1_frames_and_labels)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(read_text(data_path("gc119_debug1.txt"), &d, &diag) == 0, "%s", diag.msg);
    const gl_goroutine *wg = &d->goroutines[0];
    ck_assert_int_eq(wg->weight, 4);
    ck_assert_uint_eq(wg->stack->n, 3);
    const gl_frame *f = &wg->stack->frames[1];
    ck_assert_str_eq(f->function, "sync.(*WaitGroup).Wait");
    ck_assert_str_eq(f->file, "/usr/lib/go-1.19/src/sync/waitgroup.go");
    ck_assert_int_eq(f->line, 139);
    ck_assert_uint_eq(f->off, 0x51);
    ck_assert_uint_eq(f->pc, 0x469911);
    ck_assert_ptr_null(f->args);
    const gl_goroutine *g = labelled(d, "{\"shard\":\"7\", \"worker\":\"labelled\"}");
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(g->weight, 1);
    ck_assert_str_eq(g->stack->frames[0].function, "main.recvForever");
    /* Same frames, same interned stack as the unlabelled receivers. */
    ck_assert_ptr_eq(g->stack, d->goroutines[1].stack);
    size_t nlabelled = 0;
    for (size_t i = 0; i < d->ngoroutines; i++)
        nlabelled += d->goroutines[i].labels != NULL;
    ck_assert_uint_eq(nlabelled, 1);
    gl_dump_free(d);
}
END_TEST

/* ---- debug=1 text: real gccgo 12 profile ------------------------------- */

START_TEST(gccgo_debug1_no_stacks)
{
    /* libgo 12 records no stack for goroutines other than the caller:
     * `13 @` then `#\t0x0`. They count, but nothing can be said of them. */
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(read_text(data_path("gccgo12_debug1.txt"), &d, &diag) == 0, "%s", diag.msg);
    ck_assert_str_eq(diag.msg, "");
    ck_assert_uint_eq(d->ngoroutines, 3);
    ck_assert_int_eq(total_weight(d), 15);
    const gl_goroutine *g = &d->goroutines[0];
    ck_assert_int_eq(g->weight, 13);
    ck_assert_uint_eq(g->stack->n, 0);
    ck_assert_uint_ne(g->flags & GL_GF_NO_STACK, 0);
    ck_assert_int_eq(g->reason, -1);
    gl_report *r = judge(d);
    ck_assert_uint_eq(r->ngroups, 0);
    ck_assert_uint_eq(r->goroutines, 15);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

/* Stackless goroutines are counted as not judged, and the warning names
 * the cause its profile shows: gccgo's runtime/pprof (stacks through
 * libgo) records no others; a gc profile missed one. */
START_TEST(stackless_warning_names_the_cause)
{
    cli_result *r = gl_cli(NULL, NULL, ARGS("report", "-o", "/dev/null", data_path("gccgo12_debug1.txt")));
    ck_assert_int_eq(r->code, 0);
    ck_assert_msg(strstr(r->err, ": 13 goroutine(s) without a stack were not judged (gccgo's runtime/pprof") != NULL,
                  "%s", r->err);
    r = gl_cli(NULL, NULL, ARGS("report", "-o", "/dev/null", data_path("gc_stackless_debug1.txt")));
    ck_assert_int_eq(r->code, 1);
    ck_assert_msg(strstr(r->err, ": 1 goroutine(s) without a stack were not judged (the profile recorded no "
                                 "frames for them)\n") != NULL, "%s", r->err);
    ck_assert_msg(strstr(r->err, "gccgo") == NULL, "%s", r->err);
}
END_TEST

/* ---- debug=1 text: hand-written --------------------------------------- */

START_TEST(handwritten_labels)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(read_text(data_path("handwritten_labels.txt"), &d, &diag) == 0, "%s", diag.msg);
    ck_assert_uint_eq(d->ngoroutines, 4);
    ck_assert_int_eq(total_weight(d), 9);
    const gl_goroutine *a = labelled(d, "{\"request\":\"r-17\", \"tenant\":\"acme\"}");
    const gl_goroutine *b = labelled(d, "{\"tenant\":\"other\"}");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(a->weight, 4);
    ck_assert_int_eq(b->weight, 3);
    ck_assert_ptr_eq(a->stack, b->stack);
    ck_assert_str_eq(a->stack->frames[0].function, "example.com/svc.(*Pool[...]).worker");
    ck_assert_uint_eq(a->stack->frames[0].off, 0x24);
    ck_assert_str_eq(a->stack->frames[1].function, "example.com/svc.NewPool[...].func1");
    /* A frame printed as a bare address. */
    const gl_goroutine *bare = &d->goroutines[3];
    ck_assert_uint_eq(bare->stack->n, 1);
    ck_assert_ptr_null(bare->stack->frames[0].function);
    ck_assert_uint_eq(bare->stack->frames[0].pc, 0x4a3000);
    ck_assert_int_eq(bare->reason, -1);
    gl_report *r = judge(d);
    ck_assert_uint_eq(r->ngroups, 2);
    assert_group(r, "example.com/svc.(*Pool[...]).worker", "chan", 7, "/src/svc/pool.go", 48);
    assert_group(r, "example.com/svc.poll", "select", 1, "/src/svc/poll.go", 7);
    ck_assert_uint_eq(r->nrunning, 1);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

/* Found by tests/fuzz/fuzz_load: a record whose only frame is a bare
 * address (no function, no file) made the dump builder memcpy from NULL.
 * The profile is also cut short: 3 of the 5 goroutines its header counts. */
START_TEST(fuzz_bare_frame)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(read_text(data_path("fuzz_bare_frame.txt"), &d, &diag) == 0, "%s", diag.msg);
    ck_assert_int_eq(diag.is_warning, 1);
    ck_assert_msg(strstr(diag.msg, "fuzz_bare_frame.txt:1: the profile holds 3 goroutines, its header says 5"),
                  "%s", diag.msg);
    ck_assert_int_eq(d->truncated, 1);
    ck_assert_uint_eq(d->ngoroutines, 1);
    ck_assert_int_eq(total_weight(d), 3);
    const gl_stack *s = d->goroutines[0].stack;
    ck_assert_uint_eq(s->n, 1);
    ck_assert_ptr_null(s->frames[0].function);
    ck_assert_ptr_null(s->frames[0].file);
    ck_assert_uint_eq(s->frames[0].pc, 0x1);
    gl_report *r = judge(d);
    ck_assert_uint_eq(r->ngroups, 0);
    ck_assert_uint_eq(r->nrunning, 1);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(goroutineleak_profile)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(read_text(data_path("goroutineleak_debug1.txt"), &d, &diag) == 0, "%s", diag.msg);
    ck_assert_uint_eq(d->ngoroutines, 3);
    ck_assert_int_eq(total_weight(d), 8);
    for (size_t i = 0; i < d->ngoroutines; i++)
        ck_assert_uint_ne(d->goroutines[i].flags & GL_GF_LEAKED, 0);
    ck_assert_ptr_nonnull(labelled(d, "{\"job\":\"collect\"}"));
    gl_report *r = judge(d);
    ck_assert_uint_eq(r->ngroups, 3);
    ck_assert_uint_eq(r->leaked, 8);
    assert_group(r, "app.(*Server[go.shape.int,go.shape.int]).AggregateResults.func1", "chan", 6,
                 "/src/app/server.go", 37);
    assert_group(r, "app.collect", "select", 1, "/src/app/collect.go", 12);
    assert_group(r, "app.waitAll", "waitgroup", 1, "/src/app/wait.go", 9);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(profile_inside_a_log)
{
    /* The reader stops at the first line that cannot be the profile's and
     * leaves it for whoever reads on. */
    const char text[] = "goroutine profile: total 2\n"
                        "2 @ 0x1 0x2 0x3 0x4 0x5\n"
                        "#\t0x4\tmain.f+0x1\t/x/f.go:3\n"
                        "\n"
                        "FAIL\texample.com/pkg\t12.5s\n";
    const char *path;
    {
        static char p[64];
        snprintf(p, sizeof p, "/tmp/goleash-pprof-log-XXXXXX");
        int fd = mkstemp(p);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
        close(fd);
        path = p;
    }
    gl_diag diag = {0};
    gl_input *in = gl_input_open(path, &diag);
    ck_assert_ptr_nonnull(in);
    gl_build *b = gl_build_new(path, "pprof-debug1");
    ck_assert_int_eq(gl_parse_pprof_text(in, b, &diag), 0);
    ck_assert_str_eq(diag.msg, "");
    const char *line;
    size_t len;
    ck_assert_int_eq(gl_input_line(in, &line, &len, &diag), 1);
    ck_assert_uint_eq(len, strlen("FAIL\texample.com/pkg\t12.5s"));
    ck_assert_int_eq(memcmp(line, "FAIL", 4), 0);
    gl_dump *d = gl_build_finish(b);
    ck_assert_uint_eq(d->ngoroutines, 1);
    ck_assert_int_eq(d->goroutines[0].weight, 2);
    ck_assert_int_eq(d->goroutines[0].reason, 14);
    gl_dump_free(d);
    gl_input_close(in);
    unlink(path);
}
END_TEST

START_TEST(truncated_text_warns)
{
    size_t len;
    unsigned char *buf = slurp_file(data_path("gc119_debug1.txt"), &len);
    /* Cut after the first two records (4 + 3 goroutines), mid-line. */
    const char *third = strstr((char *)buf, "\n2 @ ");
    ck_assert_ptr_nonnull(third);
    size_t cut = (size_t)(third - (char *)buf) + 8;
    gl_dump *d;
    gl_diag diag;
    ck_assert_int_eq(read_text_bytes((char *)buf, cut, &d, &diag), 0);
    ck_assert_int_eq(diag.is_warning, 1);
    ck_assert_msg(strstr(diag.msg, ":1: the profile holds 9 goroutines, its header says 15 (truncated?)"),
                  "%s", diag.msg);
    ck_assert_int_eq(d->truncated, 1);
    ck_assert_int_eq(total_weight(d), 9); /* the cut record counts, its frames are gone */
    gl_dump_free(d);
    free(buf);
}
END_TEST

static const struct {
    const char *text;
    const char *where;
    const char *what;
} bad_texts[] = {
    {"goroutine profile: total x\n", ":1:", "expected `goroutine profile: total N`"},
    {"", ": empty input", "no `goroutine profile: total N` line"},
    {"goroutine profile: total 1\n1 @ 0x1 @ 0x2\n", ":2:", "`@` is not an address"},
    {"goroutine profile: total 1\n1x @ 0x1\n", ":2:", "record count `1x` is not a number"},
    {"goroutine profile: total 1\n1 @ 0x1 zz\n", ":2:", "`zz` is not an address"},
    {"goroutine profile: total 1\n1 @ 0x1 0x\n", ":2:", "`0x` is not an address"},
    {"goroutine profile: total 1\n99999999999999999999 @ 0x1\n", ":2:", "is not a number"},
    {"goroutine profile: total 1\n1 @\n12 ab\n", ":3:", "record line must be `N @ 0x... 0x...`"},
    {"goroutine profile: total 1\n#\t0x1\tmain.f+0x1\tf.go:1\n", ":2:", "frame outside a record"},
    {"goroutine profile: total 1\n1 @ 0x1\n#\tmain.f\n", ":3:", "must start with `#`, a tab and an address"},
    {"goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tmain.f+0x1\tf.go\n", ":3:", "`f.go` is not file:line"},
    {"goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tmain.f+0x1\tf.go:x\n", ":3:", "is not file:line"},
    {"goroutine profile: total 1\n1 @ 0x1\n#\t0x1\t+0x1\tf.go:1\n", ":3:", "empty function name"},
    {"goroutine profile: total 1\n1 @ 0x1\n# labels: x\n", ":3:", "labels must be a {...} set"},
    {"goroutine profile: total 1\n# labels: {}\n", ":2:", "labels outside a record"},
    {"goroutine profile: total 1\n1 @ 0x1\n# oops\n", ":3:", "unexpected `#` line"},
};

START_TEST(malformed_text)
{
    gl_dump *d;
    gl_diag diag;
    int rc = read_text_bytes(bad_texts[_i].text, strlen(bad_texts[_i].text), &d, &diag);
    ck_assert_ptr_null(d);
    assert_error(rc, &diag, bad_texts[_i].where, bad_texts[_i].what);
}
END_TEST

/* ---- debug=0 binary ---------------------------------------------------- */

START_TEST(gc_debug0_groups)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(read_proto(data_path("gc119_debug0.pb.gz"), &d, &diag) == 0, "%s", diag.msg);
    ck_assert_str_eq(diag.msg, "");
    ck_assert_uint_eq(d->ngoroutines, 9);
    ck_assert_int_eq(total_weight(d), 15);
    gl_report *r = judge(d);
    ck_assert_uint_eq(r->goroutines, 15);
    ck_assert_uint_eq(r->leaked, 14);
    ck_assert_uint_eq(r->ngroups, 7);
    /* Every runtime frame is there: directions and select{} are exact. */
    assert_group(r, "main.waitForever", "waitgroup", 4, "/tmp/pp/main.go", 22);
    assert_group(r, "main.sendForever", "chan-send", 2, "/tmp/pp/main.go", 14);
    assert_group(r, "main.lockForever", "mutex", 1, "/tmp/pp/main.go", 21);
    assert_group(r, "main.selectForever", "select", 1, "/tmp/pp/main.go", 16);
    assert_group(r, "main.main.func1", "select-forever", 1, "/tmp/pp/main.go", 40);
    /* 3 receivers and the labelled one share a stack; the nil-channel
     * receive parks at another line of runtime.chanrecv: its own group. */
    ck_assert_uint_eq(r->groups[0].count, 4);
    ck_assert_str_eq(gl_category_name(r->groups[0].category), "chan-receive");
    ck_assert_str_eq(r->groups[0].blocked_at->function, "main.recvForever");
    ck_assert_int_eq(r->groups[0].blocked_at->line, 13);
    ck_assert_int_eq(r->groups[0].stack->frames[1].line, 583);
    size_t nil_recv = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        if (r->groups[i].count == 1 && strcmp(r->groups[i].blocked_at->function, "main.recvForever") == 0) {
            nil_recv++;
            ck_assert_int_eq(r->groups[i].stack->frames[1].line, 469);
        }
    ck_assert_uint_eq(nil_recv, 1);
    ck_assert_uint_eq(r->nrunning, 1);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(gc_debug0_inlined_frames_and_labels)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(read_proto(data_path("gc119_debug0.pb.gz"), &d, &diag) == 0, "%s", diag.msg);
    /* The WaitGroup sample: location 2 holds goparkunlock inlined into
     * semacquire1, expanded innermost first at one address. */
    const gl_stack *s = d->goroutines[0].stack;
    ck_assert_uint_eq(s->n, 6);
    static const char *const fns[] = {"runtime.gopark", "runtime.goparkunlock", "runtime.semacquire1",
                                      "sync.runtime_Semacquire", "sync.(*WaitGroup).Wait", "main.waitForever"};
    static const int lines[] = {363, 369, 150, 62, 139, 22};
    for (size_t i = 0; i < 6; i++) {
        ck_assert_str_eq(s->frames[i].function, fns[i]);
        ck_assert_int_eq(s->frames[i].line, lines[i]);
    }
    ck_assert_uint_eq(s->frames[1].pc, s->frames[2].pc);
    ck_assert_str_eq(s->frames[5].file, "/tmp/pp/main.go");
    /* Labels come out as debug=1 prints them, so both group alike. */
    const gl_goroutine *g = labelled(d, "{\"shard\":\"7\", \"worker\":\"labelled\"}");
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(g->weight, 1);
    ck_assert_int_eq(g->reason, 14);
    gl_dump_free(d);
}
END_TEST

START_TEST(gccgo_debug0)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(read_proto(data_path("gccgo12_debug0.pb.gz"), &d, &diag) == 0, "%s", diag.msg);
    ck_assert_uint_eq(d->ngoroutines, 3);
    ck_assert_int_eq(total_weight(d), 15);
    ck_assert_int_eq(d->goroutines[0].weight, 13);
    ck_assert_uint_ne(d->goroutines[0].flags & GL_GF_NO_STACK, 0);
    ck_assert_str_eq(d->goroutines[1].stack->frames[0].function, "runtime.goroutineProfileWithLabels..func3");
    ck_assert_str_eq(d->goroutines[1].stack->frames[7].function, "main.main");
    ck_assert_int_eq(d->goroutines[1].stack->frames[7].line, 55);
    gl_report *r = judge(d);
    ck_assert_uint_eq(r->ngroups, 0);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

/* Raw protobuf of the gc profile (decompressed): the reader takes both. */
static unsigned char *gc_raw(size_t *len)
{
    size_t zlen;
    unsigned char *z = slurp_file(data_path("gc119_debug0.pb.gz"), &zlen);
    gl_diag diag;
    gl_input *in = gl_input_open(data_path("gc119_debug0.pb.gz"), &diag);
    ck_assert_ptr_nonnull(in);
    unsigned char *raw;
    ck_assert_int_eq(gl_input_slurp(in, &raw, len, &diag), 0);
    gl_input_close(in);
    ck_assert_uint_gt(*len, zlen);
    free(z);
    return raw;
}

static int parse_proto_bytes(const unsigned char *buf, size_t len, gl_dump **out, gl_diag *diag)
{
    memset(diag, 0, sizeof *diag);
    *out = NULL;
    gl_build *b = gl_build_new("prof.pb", "pprof-proto");
    int rc = gl_parse_pprof_proto("prof.pb", buf, len, b, diag);
    if (rc == 0)
        *out = gl_build_finish(b);
    else
        gl_build_discard(b);
    return rc;
}

START_TEST(truncated_proto)
{
    size_t len;
    unsigned char *raw = gc_raw(&len);
    gl_dump *d;
    gl_diag diag;
    /* Cut inside the last record: the framing names its byte. */
    assert_error(parse_proto_bytes(raw, len - 3, &d, &diag), &diag, "prof.pb: byte ", "past the end of the profile");
    /* Cut at every length: never a crash, an error or a shorter profile. */
    for (size_t n = 0; n < len; n++) {
        int rc = parse_proto_bytes(raw, n, &d, &diag);
        if (rc == 0)
            gl_dump_free(d);
        else
            ck_assert_msg(strstr(diag.msg, "prof.pb: byte "), "%s", diag.msg);
    }
    free(raw);
}
END_TEST

START_TEST(truncated_gzip)
{
    size_t len;
    unsigned char *z = slurp_file(data_path("gc119_debug0.pb.gz"), &len);
    gl_dump *d;
    gl_diag diag;
    /* Still compressed (the reader takes gzip too, e.g. from a fuzzer). */
    assert_error(parse_proto_bytes(z, len / 2, &d, &diag), &diag, "prof.pb: byte ", "gzip data truncated");
    z[len / 2] ^= 0xff;
    z[len / 2 + 1] ^= 0xff;
    int rc = parse_proto_bytes(z, len, &d, &diag);
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(diag.msg, "prof.pb: byte "), "%s", diag.msg);
    /* Through the input layer, as `goleash report` reads it. */
    rc = read_proto_bytes(z, len / 2, &d, &diag);
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(diag.msg, "goleash: /tmp/goleash-pprof-test-"), "%s", diag.msg);
    free(z);
}
END_TEST

/* ---- crafted profiles (packed with protobuf-c) ------------------------ */

typedef struct crafted {
    Glpprof__Profile p;
    Glpprof__ValueType st;
    Glpprof__ValueType *sts[1];
    Glpprof__Sample s;
    Glpprof__Sample *ss[1];
    uint64_t locids[2];
    int64_t values[1];
    Glpprof__Label l[2];
    Glpprof__Label *ls[2];
    Glpprof__Location loc[2];
    Glpprof__Location *locs[2];
    Glpprof__Line line[2];
    Glpprof__Line *lines[2];
    Glpprof__Function fn[2];
    Glpprof__Function *fns[2];
    char *strings[12];
} crafted;

/* A goroutine profile of one sample: 5 goroutines in main.f (chan receive,
 * under runtime.chanrecv1), labels job=x and n=3. */
static void craft(crafted *c)
{
    memset(c, 0, sizeof *c);
    static char *strings[] = {"", "goroutine", "count", "runtime.chanrecv1", "/go/chan.go",
                              "main.f", "/src/f.go", "job", "x", "n", "alloc_objects"};
    memcpy(c->strings, strings, sizeof strings);
    glpprof__profile__init(&c->p);
    glpprof__value_type__init(&c->st);
    c->st.type = 1;
    c->st.unit = 2;
    c->sts[0] = &c->st;
    c->p.n_sample_type = 1;
    c->p.sample_type = c->sts;
    for (int i = 0; i < 2; i++) {
        glpprof__function__init(&c->fn[i]);
        c->fn[i].id = (uint64_t)i + 1;
        c->fn[i].name = i ? 5 : 3;
        c->fn[i].filename = i ? 6 : 4;
        c->fns[i] = &c->fn[i];
        glpprof__line__init(&c->line[i]);
        c->line[i].function_id = (uint64_t)i + 1;
        c->line[i].line = i ? 7 : 442;
        c->lines[i] = &c->line[i];
        glpprof__location__init(&c->loc[i]);
        c->loc[i].id = (uint64_t)i + 10;
        c->loc[i].address = 0x1000 * ((uint64_t)i + 1);
        c->loc[i].n_line = 1;
        c->loc[i].line = &c->lines[i];
        c->locs[i] = &c->loc[i];
        c->locids[i] = (uint64_t)i + 10;
        glpprof__label__init(&c->l[i]);
        c->ls[i] = &c->l[i];
    }
    c->l[0].key = 9;
    c->l[0].num = 3;
    c->l[1].key = 7;
    c->l[1].str = 8;
    c->p.n_function = 2;
    c->p.function = c->fns;
    c->p.n_location = 2;
    c->p.location = c->locs;
    glpprof__sample__init(&c->s);
    c->s.n_location_id = 2;
    c->s.location_id = c->locids;
    c->values[0] = 5;
    c->s.n_value = 1;
    c->s.value = c->values;
    c->s.n_label = 2;
    c->s.label = c->ls;
    c->ss[0] = &c->s;
    c->p.n_sample = 1;
    c->p.sample = c->ss;
    c->p.n_string_table = 10;
    c->p.string_table = c->strings;
}

static unsigned char *pack(const crafted *c, size_t *len)
{
    *len = glpprof__profile__get_packed_size(&c->p);
    unsigned char *buf = malloc(*len + 1);
    glpprof__profile__pack(&c->p, buf);
    return buf;
}

START_TEST(crafted_ok)
{
    crafted c;
    craft(&c);
    size_t len;
    unsigned char *buf = pack(&c, &len);
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(parse_proto_bytes(buf, len, &d, &diag) == 0, "%s", diag.msg);
    ck_assert_uint_eq(d->ngoroutines, 1);
    const gl_goroutine *g = &d->goroutines[0];
    ck_assert_int_eq(g->weight, 5);
    ck_assert_int_eq(g->reason, 14);
    ck_assert_str_eq(g->labels, "{\"job\":\"x\", \"n\":3}");
    ck_assert_uint_eq(g->stack->n, 2);
    ck_assert_str_eq(g->stack->frames[1].function, "main.f");
    ck_assert_str_eq(g->stack->frames[1].file, "/src/f.go");
    ck_assert_int_eq(g->stack->frames[1].line, 7);
    ck_assert_uint_eq(g->stack->frames[1].pc, 0x2000);
    gl_dump_free(d);
    free(buf);
}
END_TEST

START_TEST(crafted_leak_profile)
{
    crafted c;
    craft(&c);
    c.strings[1] = "goroutineleak";
    size_t len;
    unsigned char *buf = pack(&c, &len);
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(parse_proto_bytes(buf, len, &d, &diag) == 0, "%s", diag.msg);
    ck_assert_uint_ne(d->goroutines[0].flags & GL_GF_LEAKED, 0);
    gl_dump_free(d);
    free(buf);
}
END_TEST

enum { BAD_TYPE, BAD_LOCATION, BAD_FUNCTION, BAD_STRING, DUP_LOCATION, ZERO_FUNCTION, NEG_COUNT, NO_VALUE,
       BAD_FIRST_STRING, NBAD };

START_TEST(crafted_bad)
{
    static const char *const what[NBAD] = {
        [BAD_TYPE] = "a alloc_objects profile, not a goroutine profile",
        [BAD_LOCATION] = "location id 99 is not in the profile",
        [BAD_FUNCTION] = "function id 42 is not in the profile",
        [BAD_STRING] = "label value: string index 77 outside the string table (10 entries)",
        [DUP_LOCATION] = "location id 10 is zero or repeated",
        [ZERO_FUNCTION] = "function id 0 is zero or repeated",
        [NEG_COUNT] = "sample counts -2 goroutines",
        [NO_VALUE] = "sample has 0 values",
        [BAD_FIRST_STRING] = "the string table must start with the empty string",
    };
    crafted c;
    craft(&c);
    switch (_i) {
    case BAD_TYPE: c.st.type = 10; c.p.n_string_table = 11; break;
    case BAD_LOCATION: c.locids[1] = 99; break;
    case BAD_FUNCTION: c.line[1].function_id = 42; break;
    case BAD_STRING: c.l[1].str = 77; break;
    case DUP_LOCATION: c.loc[1].id = 10; break;
    case ZERO_FUNCTION: c.fn[0].id = 0; break;
    case NEG_COUNT: c.values[0] = -2; break;
    case NO_VALUE: c.s.n_value = 0; break;
    case BAD_FIRST_STRING: c.strings[0] = "x"; break;
    }
    size_t len;
    unsigned char *buf = pack(&c, &len);
    gl_dump *d;
    gl_diag diag;
    assert_error(parse_proto_bytes(buf, len, &d, &diag), &diag, _i == BAD_TYPE ? "prof.pb: a " : "prof.pb: byte ", what[_i]);
    free(buf);
}
END_TEST

START_TEST(not_protobuf)
{
    static const struct {
        const char *bytes;
        size_t len;
        const char *what;
    } cases[] = {
        {"\x0a\x05\x08\x01", 4, "byte 0: field 1: length runs past the end"},
        {"\x00\x01", 2, "byte 0: field number 0"},
        {"\x0f", 1, "byte 0: field 1: wire type 7"},
        {"\x48\x80\x80", 3, "byte 0: field 9: truncated varint"},
        {"\x08\x01", 2, "byte 0: sample_type (field 1) has wire type 0, not 2"},
        {"\x12\x02\x0a\x01", 4, "byte 0: malformed sample (field 2, 2 bytes)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gl_dump *d;
        gl_diag diag;
        assert_error(parse_proto_bytes((const unsigned char *)cases[i].bytes, cases[i].len, &d, &diag), &diag,
                     "prof.pb: ", cases[i].what);
    }
}
END_TEST

static Suite *pprof_suite(void)
{
    Suite *s = suite_create("pprof");
    TCase *text = tcase_create("debug1");
    tcase_add_test(text, gc_debug1_groups);
    tcase_add_test(text, gc_debug1_frames_and_labels);
    tcase_add_test(text, gccgo_debug1_no_stacks);
    tcase_add_test(text, stackless_warning_names_the_cause);
    tcase_add_test(text, handwritten_labels);
    tcase_add_test(text, fuzz_bare_frame);
    tcase_add_test(text, goroutineleak_profile);
    tcase_add_test(text, profile_inside_a_log);
    tcase_add_test(text, truncated_text_warns);
    tcase_add_loop_test(text, malformed_text, 0, sizeof bad_texts / sizeof bad_texts[0]);
    suite_add_tcase(s, text);
    TCase *proto = tcase_create("debug0");
    tcase_set_timeout(proto, 60);
    tcase_add_test(proto, gc_debug0_groups);
    tcase_add_test(proto, gc_debug0_inlined_frames_and_labels);
    tcase_add_test(proto, gccgo_debug0);
    tcase_add_test(proto, truncated_proto);
    tcase_add_test(proto, truncated_gzip);
    tcase_add_test(proto, crafted_ok);
    tcase_add_test(proto, crafted_leak_profile);
    tcase_add_loop_test(proto, crafted_bad, 0, NBAD);
    tcase_add_test(proto, not_protobuf);
    suite_add_tcase(s, proto);
    return s;
}

int main(void)
{
    return gl_run_suites(GL_SUITES(pprof_suite()), CK_NORMAL, 0);
}
