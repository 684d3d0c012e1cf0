/* Unit tests of the analyzer: the JSON report field by field, and the
 * goleash command's exit codes and messages (GOLEASH_BIN, built by meson). */
#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "../test_cli.h"
#include "../run_suites.h"
#include "../test_data.h"
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "format/dump_read.h"
#include "reports/json.h"
#include "reports/json_writer.h"
#include "rules/rules.h"
#include "rules/suppress.h"
#include "warnings.h"
#include "lazy_lib.h"
#include <dlfcn.h>

static const char *data_path(const char *name)
{
    return gl_test_data_path(name);
}

/* ---- JSON -------------------------------------------------------------- */

/* The JSON report of the dump at path, after the rules of supp (NULL none). */
static json_t *json_of_dump_supp(const char *path, const char *supp)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(gl_dump_read_file(path, &d, &diag) == 0, "%s", diag.msg);
    gl_report *r = gl_rules_run(&d, 1, NULL);
    gl_suppressions s = {0};
    gl_supp_error serr;
    if (supp) {
        ck_assert_int_eq(gl_supp_parse(&s, "x.supp", supp, strlen(supp), &serr), 0);
        gl_supp_apply(&s, r);
    }
    gl_warnings w = {.quiet = 1};
    gl_warn(&w, "something to say");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(gl_report_json(f, r, &w), 0);
    fclose(f);
    ck_assert_int_eq(buf[len - 1], '\n');
    json_error_t err;
    json_t *root = json_loads(buf, 0, &err);
    ck_assert_msg(root != NULL, "invalid JSON: %s", err.text);
    free(buf);
    gl_warnings_free(&w);
    gl_report_free(r);
    gl_supp_free(&s);
    gl_dump_free(d);
    return root;
}

static json_t *json_of_dump(const char *path)
{
    return json_of_dump_supp(path, NULL);
}

static void assert_keys_in_order(json_t *obj, const char *const *keys, size_t n)
{
    size_t i = 0;
    for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it), i++) {
        ck_assert_uint_lt(i, n);
        ck_assert_str_eq(json_object_iter_key(it), keys[i]);
    }
    ck_assert_uint_eq(i, n);
}

static void assert_site(json_t *site, const char *function)
{
    ck_assert(json_is_object(site));
    ck_assert_str_eq(json_string_value(json_object_get(site, "function")), function);
    ck_assert(json_is_null(json_object_get(site, "file")));
    ck_assert_int_eq(json_integer_value(json_object_get(site, "line")), 0);
}

static void check_summary(json_t *root)
{
    json_t *sum = json_object_get(root, "summary");
    static const char *const sum_keys[] = {"leaked_goroutines", "groups", "goroutines", "still_running", "dumps",
                                           "truncated", "suppressed_goroutines", "suppressed_groups", "tests",
                                           "tests_leaking", "setup_leaked", "ignored_setup", "below_min_park"};
    assert_keys_in_order(sum, sum_keys, 13);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "suppressed_goroutines")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "suppressed_groups")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(root, "suppressions")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "tests")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "setup_leaked")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "leaked_goroutines")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "groups")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "goroutines")), 5);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "still_running")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "dumps")), 1);
    ck_assert(json_is_false(json_object_get(sum, "truncated")));

}

static void check_first_leak_stacks(json_t *l)
{
    static const char *const leak_keys[] = {"count", "category", "wait", "reason", "labels", "flags", "blocked_at", "stack",
                                            "created_at", "creation_stack", "ancestors", "parked_ns", "goroutines",
                                            "pids", "channel", "context", "lock", "test"};
    assert_keys_in_order(l, leak_keys, 18);
    ck_assert(json_is_null(json_object_get(l, "test")));
    ck_assert_int_eq(json_integer_value(json_object_get(l, "count")), 2);
    ck_assert_str_eq(json_string_value(json_object_get(l, "category")), "chan-receive");
    ck_assert_str_eq(json_string_value(json_object_get(l, "wait")), "chan");
    ck_assert_str_eq(json_string_value(json_object_get(l, "reason")), "chan receive");
    assert_site(json_object_get(l, "blocked_at"), "main.worker");
    json_t *stack = json_object_get(l, "stack");
    ck_assert_uint_eq(json_array_size(stack), 4);
    json_t *f0 = json_array_get(stack, 0);
    static const char *const frame_keys[] = {"function", "file", "line", "pc"};
    assert_keys_in_order(f0, frame_keys, 4);
    ck_assert_str_eq(json_string_value(json_object_get(f0, "function")), "runtime.gopark");
    ck_assert_str_eq(json_string_value(json_object_get(f0, "pc")), "0x7f0000001000");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(stack, 3), "function")), "main.main..func1");
    assert_site(json_object_get(l, "created_at"), "main.main");
    json_t *cstack = json_object_get(l, "creation_stack");
    ck_assert_uint_eq(json_array_size(cstack), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cstack, 0), "function")), "__go_go");
    json_t *anc = json_object_get(l, "ancestors");
    ck_assert_uint_eq(json_array_size(anc), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(anc, 0), "goid")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(anc, 0), "function")), "main.main");
    json_t *parked = json_object_get(l, "parked_ns");
    ck_assert_int_eq(json_integer_value(json_object_get(parked, "min")), 1200000000);
    ck_assert_int_eq(json_integer_value(json_object_get(parked, "max")), 1500000000);
    json_t *goids = json_object_get(l, "goroutines");
    ck_assert_uint_eq(json_array_size(goids), 2);
    ck_assert_int_eq(json_integer_value(json_array_get(goids, 0)), 18);
    ck_assert_int_eq(json_integer_value(json_array_get(goids, 1)), 19);
    json_t *pids = json_object_get(l, "pids");
    ck_assert_uint_eq(json_array_size(pids), 1);
    ck_assert_int_eq(json_integer_value(json_array_get(pids, 0)), 4242);

}

static void check_first_leak_channel(json_t *l)
{
    json_t *ch = json_object_get(l, "channel");
    static const char *const chan_keys[] = {"addr", "made_at", "capacity", "closed", "timer", "touches"};
    assert_keys_in_order(ch, chan_keys, 6);
    ck_assert_str_eq(json_string_value(json_object_get(ch, "addr")), "0xc000012000");
    assert_site(json_object_get(ch, "made_at"), "main.main");
    ck_assert_int_eq(json_integer_value(json_object_get(ch, "capacity")), 0);
    ck_assert(json_is_false(json_object_get(ch, "closed")));
    ck_assert(json_is_null(json_object_get(ch, "timer")));
    json_t *touches = json_object_get(ch, "touches");
    ck_assert_uint_eq(json_array_size(touches), 1);
    json_t *t = json_array_get(touches, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(t, "goid")), 18);
    ck_assert_str_eq(json_string_value(json_object_get(t, "op")), "recv");
    ck_assert_int_eq(json_integer_value(json_object_get(t, "ago_ns")), 1500000000);
    ck_assert(json_is_null(json_object_get(l, "context")));
    ck_assert(json_is_null(json_object_get(l, "lock"))); /* no lock records: a channel wait */
    ck_assert(json_is_null(json_object_get(l, "test"))); /* a dump without test records */

}

static void check_running_and_warnings(json_t *root)
{
    json_t *running = json_object_get(root, "running");
    ck_assert_uint_eq(json_array_size(running), 1);
    json_t *r0 = json_array_get(running, 0);
    static const char *const run_keys[] = {"goid", "function", "created_at"};
    assert_keys_in_order(r0, run_keys, 3);
    ck_assert_int_eq(json_integer_value(json_object_get(r0, "goid")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(r0, "function")), "main.main");
    ck_assert(json_is_null(json_object_get(r0, "created_at")));

    json_t *warnings = json_object_get(root, "warnings");
    ck_assert_uint_eq(json_array_size(warnings), 1);
    ck_assert_str_eq(json_string_value(json_array_get(warnings, 0)), "something to say");
}

START_TEST(json_report_matches_the_contract)
{
    json_t *root = json_of_dump(data_path("leaky.dump"));
    static const char *const root_keys[] = {"version", "tool", "source", "summary", "leaks", "running", "warnings",
                                            "suppressions", "tests"};
    assert_keys_in_order(root, root_keys, 9);
    /* Not a test binary: no tests, and no leak belongs to one. */
    ck_assert_uint_eq(json_array_size(json_object_get(root, "tests")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(root, "version")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(root, "tool")), "goleash " GOLEASH_VERSION);
    ck_assert_str_eq(json_string_value(json_object_get(root, "source")), "goleash");
    check_summary(root);

    json_t *leaks = json_object_get(root, "leaks");
    ck_assert_uint_eq(json_array_size(leaks), 2);
    json_t *l = json_array_get(leaks, 0);
    check_first_leak_stacks(l);
    check_first_leak_channel(l);

    json_t *l2 = json_array_get(leaks, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(l2, "count")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(l2, "category")), "chan-send");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(l2, "channel"), "capacity")), 2);
    check_running_and_warnings(root);
    json_decref(root);
}
END_TEST

/* The JSON report of path as bytes (malloc'd, NUL-terminated). */
static char *json_bytes_of_dump(const char *path)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(gl_dump_read_file(path, &d, &diag) == 0, "%s", diag.msg);
    gl_report *r = gl_rules_run(&d, 1, NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(gl_report_json(f, r, NULL), 0);
    fclose(f);
    gl_report_free(r);
    gl_dump_free(d);
    return buf;
}

/* The writer's cache of encodings and fragments is bounded (a dump of
 * distinct stacks would keep a copy of its report); full, or never used,
 * it changes no byte. */
START_TEST(json_cache_limit_changes_nothing)
{
    const char *dumps[] = {"leaky.dump", "odd_names.dump", "hostile.dump"};
    size_t saved = gl_jw_cache_limit;
    for (size_t i = 0; i < sizeof dumps / sizeof *dumps; i++) {
        gl_jw_cache_limit = saved;
        char *whole = json_bytes_of_dump(data_path(dumps[i]));
        const size_t limits[] = {0, 1, 200, 2000};
        for (size_t k = 0; k < sizeof limits / sizeof *limits; k++) {
            gl_jw_cache_limit = limits[k];
            char *bounded = json_bytes_of_dump(data_path(dumps[i]));
            ck_assert_msg(strcmp(whole, bounded) == 0, "%s, limit %zu: the report differs", dumps[i], limits[k]);
            free(bounded);
        }
        free(whole);
    }
    gl_jw_cache_limit = saved;
}
END_TEST

/* The limit holds what the cache holds, its table included: the table
 * doubles only while the doubled table fits (its slots, at most half
 * full, once outweighed the encodings two to one). */
START_TEST(json_cache_stays_within_its_limit)
{
    size_t saved = gl_jw_cache_limit;
    gl_jw_cache_limit = 64 << 10;
    static char names[20000][16];
    FILE *f = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(f);
    gl_jw w;
    gl_jw_init(&w, f);
    gl_jw_begin_array(&w, NULL);
    size_t most = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(names[i], sizeof names[i], "main.f%zu", i);
        gl_jw_string_stable(&w, NULL, names[i]);
        size_t held = gl_jw_cache_held(&w);
        most = held > most ? held : most;
    }
    gl_jw_end(&w);
    ck_assert_int_eq(gl_jw_finish(&w), 0);
    fclose(f);
    gl_jw_cache_limit = saved;
    ck_assert_msg(most <= (64 << 10) + 16, "the cache held %zu bytes, over its limit", most);
    ck_assert_msg(most >= (32 << 10), "the cache held at most %zu bytes: not used", most);
}
END_TEST

/* libcurl, Graphviz and libmicrohttpd are opened when first needed: a
 * JSON report loads none of them. The loader gives every symbol or says
 * what is missing, and answers the same when asked again. */
START_TEST(optional_libraries_load_on_first_use)
{
    free(json_bytes_of_dump(data_path("leaky.dump")));
    const char *optional[] = {"libcurl.so.4", "libgvc.so.6", "libmicrohttpd.so.12"};
    for (size_t i = 0; i < sizeof optional / sizeof *optional; i++)
        ck_assert_msg(!dlopen(optional[i], RTLD_NOW | RTLD_NOLOAD), "%s loaded by a JSON report", optional[i]);

    void *a = NULL, *b = NULL;
    const gl_lazy_sym good[] = {{"strlen", &a}, {"qsort", &b}};
    gl_lazy_lib libc = GL_LAZY_LIB("libc.so.6", good);
    ck_assert_int_eq(gl_lazy_load(&libc), 0);
    ck_assert(a && b);

    void *c = NULL;
    const gl_lazy_sym missing[] = {{"strlen", &a}, {"goleash_no_such_function", &c}};
    gl_lazy_lib partial = GL_LAZY_LIB("libc.so.6", missing);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(gl_lazy_load(&partial), -1);
        ck_assert_str_eq(partial.err, "libc.so.6: no symbol goleash_no_such_function");
    }
    gl_lazy_lib absent = GL_LAZY_LIB("libgoleash-absent.so.1", good);
    ck_assert_int_eq(gl_lazy_load(&absent), -1);
    ck_assert_msg(strstr(absent.err, "libgoleash-absent.so.1"), "error: %s", absent.err);
}
END_TEST

/* Strings go out as jansson would write them, whichever path the writer
 * takes (plain ASCII by hand, anything else through jansson). */
START_TEST(json_strings_as_jansson_writes_them)
{
    const char *cases[] = {"", "main.worker", "/src/app/main.go", "0x4011a0", "a/b", "q\"uote", "back\\slash",
                           "tab\there", "nl\n", "\x01ctl", "del\x7f", "caf\xc3\xa9", "bad\xff utf8", "~ }{ ^`|"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (int stable = 0; stable < 2; stable++) {
            char *buf = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            gl_jw w;
            gl_jw_init(&w, f);
            if (stable)
                gl_jw_string_stable(&w, NULL, cases[i]);
            else
                gl_jw_string(&w, NULL, cases[i]);
            ck_assert_int_eq(gl_jw_finish(&w), 0);
            fclose(f);
            json_t *j = gl_jw_string_json(cases[i]);
            char *want = json_dumps(j, JSON_ENCODE_ANY);
            json_decref(j);
            ck_assert_uint_eq(len, strlen(want) + 1); /* gl_jw_finish ends the document with a newline */
            buf[len - 1] = '\0';
            ck_assert_msg(strcmp(buf, want) == 0, "case %zu (%s): %s, jansson %s", i, stable ? "stable" : "plain",
                          buf, want);
            free(want);
            free(buf);
        }
    }
}
END_TEST

START_TEST(json_context_leak)
{
    const char *path = "/tmp/goleash-test-ctx.dump";
    FILE *f = fopen(path, "w");
    fputs("goleash-dump 1\n"
          "info pid=5 mono_ns=10000000000\n"
          "sym pc=0x401000 mod=0 off=0x1 name=main.waiter\n"
          "sym pc=0x402000 mod=0 off=0x2 name=main.main\n"
          "stack id=1 pcs=0x401000\n"
          "stack id=2 pcs=0x402000\n"
          "goroutine id=7 parent=1 created=2 state=parked reason=9 wait=select since_ns=9000000000 stack=1 "
          "chans=0xd1,0xd2\n"
          "chan addr=0xd1 made=2 cap=0 ctx=0xe1\n"
          "chan addr=0xd2 made=2 cap=0 timer=ticker timer_live=0\n"
          "context addr=0xe1 kind=timeout created=2 creator=1 cancelled=0 deadline_ns=20000000000 done=0xd1\n"
          "end\n",
          f);
    fclose(f);
    json_t *root = json_of_dump(path);
    unlink(path);
    json_t *l = json_array_get(json_object_get(root, "leaks"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(l, "category")), "context");
    ck_assert_str_eq(json_string_value(json_object_get(l, "reason")), "select");
    json_t *ctx = json_object_get(l, "context");
    static const char *const ctx_keys[] = {"addr", "kind", "created_at", "cancelled"};
    assert_keys_in_order(ctx, ctx_keys, 4);
    ck_assert_str_eq(json_string_value(json_object_get(ctx, "addr")), "0xe1");
    ck_assert_str_eq(json_string_value(json_object_get(ctx, "kind")), "timeout");
    assert_site(json_object_get(ctx, "created_at"), "main.main");
    ck_assert(json_is_false(json_object_get(ctx, "cancelled")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(l, "channel"), "addr")), "0xd1");
    ck_assert(json_is_true(json_object_get(json_object_get(root, "summary"), "truncated")) == 0);
    json_decref(root);
}
END_TEST

/* A context's kind comes from the dump as it is: bytes that are not UTF-8
 * (a damaged dump) are written as '?', never the end of the report. */
START_TEST(json_context_kind_not_utf8)
{
    const char *path = "/tmp/goleash-test-ctx-utf8.dump";
    FILE *f = fopen(path, "w");
    fputs("goleash-dump 1\n"
          "info pid=5 mono_ns=10000000000\n"
          "sym pc=0x401000 mod=0 off=0x1 name=main.waiter\n"
          "stack id=1 pcs=0x401000\n"
          "goroutine id=7 parent=1 created=1 state=parked reason=9 wait=select since_ns=9000000000 stack=1 "
          "chans=0xd1\n"
          "chan addr=0xd1 made=1 cap=0 ctx=0xe1\n"
          "context addr=0xe1 kind=\xfftimeout created=1 creator=1 cancelled=0 done=0xd1\n"
          "end\n",
          f);
    fclose(f);
    json_t *root = json_of_dump(path);
    unlink(path);
    ck_assert_ptr_nonnull(root);
    json_t *ctx = json_object_get(json_array_get(json_object_get(root, "leaks"), 0), "context");
    ck_assert_str_eq(json_string_value(json_object_get(ctx, "kind")), "?timeout");
    json_decref(root);
}
END_TEST

/* ---- the command ------------------------------------------------------- */

#define cli(env, args) gl_cli(env, NULL, args)


START_TEST(usage_errors_exit_2)
{
    cli_result *r = cli(NULL, ARGS("bogus"));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr(r->err, "goleash: unknown command 'bogus'"));
    ck_assert_int_eq(cli(NULL, (const char *const[]){NULL})->code, 2);
    r = cli(NULL, ARGS("report"));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr(r->err, "report: no dump given"));
    r = cli(NULL, ARGS("report", "--format", "xml", data_path("clean.dump")));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr(r->err, "--format must be text, json, pprof or html, not 'xml'"));
    /* A binary profile is no use on a terminal: it needs a file. */
    r = cli(NULL, ARGS("report", "--format", "pprof", data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->out, "");
    ck_assert_str_eq(r->err, "goleash: report: --format pprof writes a binary file: give -o FILE (or --pprof FILE)\n");
    r = cli(NULL, ARGS("diff", "--format", "pprof", data_path("leaky.dump"), data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr(r->err, "goleash: diff: --format is text or json (pprof and html are for report, "
                                         "run and snapshot)\n"));
    r = cli(NULL, ARGS("report", "--min-park", "5", data_path("clean.dump")));
    ck_assert_int_eq(r->code, 2);
    /* getopt's own messages would lack the prefix: every error has it. */
    r = cli(NULL, ARGS("report", "--no-such-option", data_path("clean.dump")));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->err, "goleash: unknown option '--no-such-option'\ngoleash: see 'goleash report --help'\n");
    r = cli(NULL, ARGS("report", "-x", data_path("clean.dump")));
    ck_assert_str_eq(r->err, "goleash: unknown option '-x'\ngoleash: see 'goleash report --help'\n");
    r = cli(NULL, ARGS("report", "-o"));
    ck_assert_str_eq(r->err, "goleash: option '-o' needs an argument\ngoleash: see 'goleash report --help'\n");
    r = cli(NULL, ARGS("diff", "--min-growth"));
    ck_assert_str_eq(r->err, "goleash: option '--min-growth' needs an argument\ngoleash: see 'goleash diff --help'\n");
    r = cli(NULL, ARGS("report", "--keep-dumps", "/tmp", data_path("clean.dump")));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->err, "goleash: --keep-dumps is for run and snapshot\ngoleash: see 'goleash report --help'\n");
    /* Options that cannot apply are refused, never ignored. */
    r = cli(NULL, ARGS("diff", "--sarif", "x.sarif", data_path("clean.dump"), data_path("clean.dump")));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->err, "goleash: --sarif is for report, run and snapshot\ngoleash: see 'goleash diff --help'\n");
    ck_assert_int_eq(cli(NULL, ARGS("run"))->code, 2);
    r = cli(NULL, ARGS("help", "bogus"));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr(r->err, "goleash: help: unknown command 'bogus'"));
}
END_TEST

START_TEST(help_and_version_exit_0)
{
    cli_result *r = cli(NULL, ARGS("--help"));
    ck_assert_int_eq(r->code, 0);
    ck_assert_ptr_nonnull(strstr(r->out, "usage: goleash report"));
    ck_assert_int_eq(cli(NULL, ARGS("help"))->code, 0);
    /* A command's own help: its usage and only the options it takes. */
    static const char *const forms[][3] = {{"help", "diff", NULL}, {"diff", "--help", NULL}, {"diff", "-h", NULL}};
    for (size_t i = 0; i < 3; i++) {
        r = cli(NULL, forms[i]);
        ck_assert_int_eq(r->code, 0);
        ck_assert_msg(strncmp(r->out, "usage: goleash diff [OPTIONS]", 29) == 0, "%s", r->out);
        ck_assert_ptr_nonnull(strstr(r->out, "  --min-growth N "));
        ck_assert_ptr_null(strstr(r->out, "--keep-dumps"));
        ck_assert_ptr_null(strstr(r->out, "--sarif"));
    }
    r = cli(NULL, ARGS("run", "--help"));
    ck_assert_ptr_nonnull(strstr(r->out, "  --keep-dumps DIR "));
    ck_assert_ptr_nonnull(strstr(r->out, "  --sarif FILE "));
    ck_assert_ptr_null(strstr(r->out, "--min-growth"));
    r = cli(NULL, ARGS("--version"));
    ck_assert_int_eq(r->code, 0);
    ck_assert_str_eq(r->out, "goleash " GOLEASH_VERSION "\n");
}
END_TEST

START_TEST(corrupt_dump_exits_2_with_file_and_line)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", data_path("corrupt.dump"));
    cli_result *r = cli(NULL, ARGS("report", path));
    ck_assert_int_eq(r->code, 2);
    char want[4200];
    snprintf(want, sizeof want, "goleash: %s:3: bad hex in key pc\n", path);
    ck_assert_str_eq(r->err, want);
    ck_assert_str_eq(r->out, "");
    r = cli(NULL, ARGS("report", "/nonexistent.dump"));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->err, "goleash: /nonexistent.dump: No such file or directory\n");
}
END_TEST

START_TEST(clean_dump_exits_0)
{
    cli_result *r = cli(NULL, ARGS("report", data_path("clean.dump")));
    ck_assert_int_eq(r->code, 0);
    ck_assert_str_eq(r->out, "goleash: no goroutine leaks (3 goroutines in 1 dump(s))\n");
}
END_TEST

START_TEST(leaky_dump_exits_1)
{
    cli_result *r = cli(NULL, ARGS("report", data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 1);
    ck_assert_ptr_nonnull(strstr(r->out, "==4242==ERROR: goleash: detected goroutine leaks\n"));
    ck_assert_ptr_nonnull(strstr(r->out, "SUMMARY: goleash: 3 leaked goroutine(s) in 2 group(s).\n"));
    /* Modules of another machine: a warning each, no failure. */
    ck_assert_ptr_nonnull(strstr(r->err, "module /src/prog not found here"));

    /* --min-park above every park time: nothing left to report. */
    r = cli(NULL, ARGS("report", "--min-park", "1h", data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 0);

    /* Two dumps: counts add up. */
    r = cli(NULL, ARGS("report", "--format", "json", data_path("leaky.dump"), data_path("clean.dump")));
    ck_assert_int_eq(r->code, 1);
    json_t *root = json_loads(r->out, 0, NULL);
    ck_assert_ptr_nonnull(root);
    json_t *sum = json_object_get(root, "summary");
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "dumps")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "leaked_goroutines")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "goroutines")), 8);
    ck_assert_uint_eq(json_array_size(json_object_get(root, "warnings")), 2);
    json_decref(root);
}
END_TEST

START_TEST(output_file_gets_the_report)
{
    char path[] = "/tmp/goleash-test-report.XXXXXX";
    close(mkstemp(path));
    cli_result *r = cli(NULL, ARGS("report", "-o", path, data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 1);
    ck_assert_str_eq(r->out, "");
    char buf[8192];
    int fd = open(path, O_RDONLY);
    gl_slurp_fd(fd, buf, sizeof buf);
    unlink(path);
    ck_assert_ptr_nonnull(strstr(buf, "SUMMARY: goleash: 3 leaked goroutine(s) in 2 group(s).\n"));
}
END_TEST

START_TEST(diff_flags_groups_that_grew)
{
    cli_result *r = cli(NULL, ARGS("diff", data_path("clean.dump"), data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 1);
    ck_assert_ptr_nonnull(strstr(r->out, "       0        2       +2  GREW main.worker+0x1a (prog+0x11a0) [chan-receive]\n"));
    ck_assert_ptr_nonnull(strstr(r->out, "       0        1       +1  GREW main.sender+0x0 (prog+0x1400) [chan-send]\n"));
    ck_assert_ptr_nonnull(strstr(r->out, "SUMMARY: goleash: 2 group(s) grew by at least 1 goroutine(s), +3 goroutine(s) in all.\n"));

    /* Same dump twice: nothing grew. Shrinking is not growth either. */
    r = cli(NULL, ARGS("diff", data_path("leaky.dump"), data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 0);
    ck_assert_ptr_nonnull(strstr(r->out, "       2        2       +0  main.worker"));
    r = cli(NULL, ARGS("diff", data_path("leaky.dump"), data_path("clean.dump")));
    ck_assert_int_eq(r->code, 0);
    ck_assert_ptr_nonnull(strstr(r->out, "       2        0       -2  main.worker"));

    /* --min-growth 2: only the worker group qualifies. */
    r = cli(NULL, ARGS("diff", "--min-growth", "2", "--format", "json", data_path("clean.dump"), data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 1);
    json_t *root = json_loads(r->out, 0, NULL);
    ck_assert_ptr_nonnull(root);
    json_t *groups = json_object_get(root, "groups");
    ck_assert_uint_eq(json_array_size(groups), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(groups, 0), "growth")), 2);
    ck_assert(json_is_true(json_object_get(json_array_get(groups, 0), "grew")));
    ck_assert(json_is_false(json_object_get(json_array_get(groups, 1), "grew")));
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(root, "summary"), "grown_groups")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(root, "after"), "source")), "goleash");
    json_decref(root);
    r = cli(NULL, ARGS("diff", "--min-growth", "3", data_path("clean.dump"), data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 0);

    /* Usage and input errors. */
    ck_assert_int_eq(cli(NULL, ARGS("diff", data_path("clean.dump")))->code, 2);
    ck_assert_int_eq(cli(NULL, ARGS("diff", "--min-growth", "0", data_path("clean.dump"), data_path("leaky.dump")))->code, 2);
    ck_assert_int_eq(cli(NULL, ARGS("report", "--min-growth", "2", data_path("clean.dump")))->code, 2);
    r = cli(NULL, ARGS("diff", data_path("clean.dump"), data_path("corrupt.dump")));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->out, "");
}
END_TEST

static char *read_whole(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s: missing", path);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(report_files_with_placeholders)
{
    char dir[] = "/tmp/goleash-test-files.XXXXXX", json[256], junit[256], sarif[256], cmd[300], path[300];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    /* %b: the dump's program (exe=/src/prog), %p: its pid; missing
     * directories are made; the main report still goes to stdout. */
    snprintf(json, sizeof json, "%s/j/%%b-%%p.json", dir);
    snprintf(junit, sizeof junit, "%s/x/%%b.xml", dir);
    snprintf(sarif, sizeof sarif, "%s/%%b.%%%%.sarif", dir);
    cli_result *r = cli(NULL, ARGS("report", "--json", json, "--junit", junit, "--sarif", sarif, "--source-root", "/src",
                                   data_path("leaky.dump")));
    ck_assert_msg(r->code == 1, "exit %d: %s", r->code, r->err);
    ck_assert_ptr_nonnull(strstr(r->out, "SUMMARY: goleash: 3 leaked goroutine(s) in 2 group(s).\n"));
    ck_assert_ptr_null(strstr(r->out, "::error"));

    snprintf(path, sizeof path, "%s/j/prog-4242.json", dir);
    json_t *root = json_loads(read_whole(path), 0, NULL);
    ck_assert_ptr_nonnull(root);
    ck_assert_uint_eq(json_array_size(json_object_get(root, "leaks")), 2);
    json_decref(root);
    snprintf(path, sizeof path, "%s/x/prog.xml", dir);
    const char *xml = read_whole(path);
    ck_assert_ptr_nonnull(strstr(xml, "<testsuites name=\"goleash\" tests=\"1\" failures=\"1\" errors=\"0\">"));
    ck_assert_ptr_nonnull(strstr(xml, "<testcase classname=\"goleash.prog\" name=\"prog\">"));
    snprintf(path, sizeof path, "%s/prog.%%.sarif", dir);
    root = json_loads(read_whole(path), 0, NULL);
    ck_assert_ptr_nonnull(root);
    json_t *run = json_array_get(json_object_get(root, "runs"), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(run, "results")), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(run, "automationDetails"), "id")),
                     "goleash/prog/");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(json_object_get(run, "originalUriBaseIds"), "%SRCROOT%"),
                                          "uri")),
        "file:///src/");
    json_decref(root);

    /* -o takes the placeholders too; JSON on both at once is fine. */
    snprintf(json, sizeof json, "%s/main-%%p.txt", dir);
    r = cli(NULL, ARGS("report", "-o", json, "--sarif-category", "leaks/%b", data_path("clean.dump")));
    ck_assert_msg(r->code == 0, "exit %d: %s", r->code, r->err);
    ck_assert_str_eq(r->out, "");
    snprintf(cmd, sizeof cmd, "test \"$(cat %s/main-*.txt)\" = 'goleash: no goroutine leaks (3 goroutines in 1 dump(s))' && rm -r %s", dir, dir);
    ck_assert_int_eq(system(cmd), 0);

    /* Unknown placeholders are usage errors, before anything is read. */
    r = cli(NULL, ARGS("report", "--junit", "r/%d.xml", data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->err, "goleash: --junit r/%d.xml: unknown placeholder %d (use %p, %b or %%)\n");
    r = cli(NULL, ARGS("report", "-o", "r%", data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr(r->err, "lone %"));
    r = cli(NULL, ARGS("report", "--github-annotations", "maybe", data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 2);
    /* A file that cannot be written is an error (2), after the report. */
    r = cli(NULL, ARGS("report", "--sarif", "/proc/goleash/x.sarif", data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr(r->err, "goleash: /proc/goleash/x.sarif: "));
}
END_TEST

/* A dump whose exe is "/src/..": %b must not climb out of the report
 * directory (reports/%b/leaks.xml stays under reports/). */
START_TEST(report_b_placeholder_stays_in_its_directory)
{
    char dir[] = "/tmp/goleash-test-b.XXXXXX", dump[300], junit[300], path[300], cmd[400];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(dump, sizeof dump, "%s/dots.dump", dir);
    snprintf(cmd, sizeof cmd, "sed 's|exe=/src/prog|exe=/src/..|' '%s' >'%s'", data_path("leaky.dump"), dump);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(junit, sizeof junit, "%s/reports/%%b/leaks.xml", dir);
    cli_result *r = cli(NULL, ARGS("report", "--junit", junit, dump));
    ck_assert_msg(r->code == 1, "exit %d: %s", r->code, r->err);
    snprintf(path, sizeof path, "%s/reports/goleash/leaks.xml", dir);
    ck_assert_int_eq(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/leaks.xml", dir);
    ck_assert_int_eq(access(path, F_OK), -1);
    snprintf(cmd, sizeof cmd, "rm -r '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A symbolic link at a report file's name: exit 2, the link and what it
 * points to untouched; the other files are still written. */
START_TEST(report_file_never_written_through_a_symlink)
{
    char dir[] = "/tmp/goleash-test-link.XXXXXX", target[300], link[300], json[300], want[700], cmd[400];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(target, sizeof target, "%s/precious", dir);
    snprintf(link, sizeof link, "%s/leaks.xml", dir);
    snprintf(json, sizeof json, "%s/leaks.json", dir);
    FILE *f = fopen(target, "w");
    fputs("precious\n", f);
    fclose(f);
    ck_assert_int_eq(symlink(target, link), 0);
    for (int i = 0; i < 2; i++) {
        const char *opt = i == 0 ? "--junit" : "-o";
        cli_result *r = cli(NULL, ARGS("report", opt, link, "--json", json, data_path("leaky.dump")));
        ck_assert_int_eq(r->code, 2);
        snprintf(want, sizeof want,
                 "goleash: %s: a symbolic link; goleash does not write through it (name the file itself)\n", link);
        ck_assert_ptr_nonnull(strstr(r->err, want));
        ck_assert_str_eq(read_whole(target), "precious\n");
        struct stat st;
        ck_assert_int_eq(lstat(link, &st), 0);
        ck_assert(S_ISLNK(st.st_mode));
        ck_assert_ptr_nonnull(strstr(read_whole(json), "\"leaked_goroutines\": 3"));
        unlink(json);
    }
    /* A report to /dev/null is written in place, not replaced. */
    cli_result *r = cli(NULL, ARGS("report", "--sarif", "/dev/null", data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 1);
    struct stat st;
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    snprintf(cmd, sizeof cmd, "rm -r '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(github_annotations_follow_the_environment)
{
    /* No file:line in this dump (its binary is elsewhere): no file= either. */
    cli_result *r = cli("GITHUB_ACTIONS=true", ARGS("report", data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 1);
    const char *ann = strstr(r->out, "::error title=goroutine leak (chan-receive)::Leak of 2 goroutine(s): chan receive "
                                     "(category chan-receive) at main.worker+0x1a (prog+0x11a0), created at "
                                     "main.main+0x30 (prog+0x1300)%0A%0ALeak of 2 goroutine(s) [chan receive");
    ck_assert_ptr_nonnull(ann);
    /* After the text report, one line per group. */
    const char *summary = strstr(r->out, "SUMMARY");
    ck_assert(summary && summary < ann);
    ck_assert_ptr_nonnull(strstr(ann, "\n::error title=goroutine leak (chan-send)::Leak of 1 goroutine(s)"));
    r = cli("GITHUB_ACTIONS=true", ARGS("report", "--github-annotations", "off", data_path("leaky.dump")));
    ck_assert_ptr_null(strstr(r->out, "::error"));
    r = cli("GITHUB_ACTIONS=false", ARGS("report", data_path("leaky.dump")));
    ck_assert_ptr_null(strstr(r->out, "::error"));
    r = cli(NULL, ARGS("report", "--github-annotations", "on", "-o", "/dev/null", data_path("leaky.dump")));
    ck_assert_int_eq(strncmp(r->out, "::error title=goroutine leak (chan-receive)::", 45), 0);
    /* Clean: nothing to annotate. */
    r = cli("GITHUB_ACTIONS=true", ARGS("report", data_path("clean.dump")));
    ck_assert_ptr_null(strstr(r->out, "::error"));
}
END_TEST

START_TEST(truncated_dump_warns_and_reports)
{
    cli_result *r = cli(NULL, ARGS("report", "--format", "json", data_path("truncated.dump")));
    ck_assert_int_eq(r->code, 1);
    ck_assert_ptr_nonnull(strstr(r->err, "truncated dump (no end record)"));
    json_t *root = json_loads(r->out, 0, NULL);
    ck_assert_ptr_nonnull(root);
    json_t *sum = json_object_get(root, "summary");
    ck_assert(json_is_true(json_object_get(sum, "truncated")));
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "leaked_goroutines")), 1);
    json_decref(root);
}
END_TEST

/* A fresh leak in a text dump is hidden by the default --min-park 1m, but
 * never without a word: the report says how many and what shows them. */
START_TEST(min_park_hides_nothing_silently)
{
    char path[] = "/tmp/goleash-fresh.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *dump = "goroutine 1 [running]:\nmain.main()\n\t/src/m.go:5 +0x1\n\n"
                       "goroutine 7 [chan receive]:\nmain.worker()\n\t/src/m.go:9 +0x1d\n"
                       "created by main.main in goroutine 1\n\t/src/m.go:4 +0x25\n";
    ck_assert_int_eq(write(fd, dump, strlen(dump)), (ssize_t)strlen(dump));
    close(fd);
    cli_result *r = cli(NULL, ARGS("report", path));
    ck_assert_int_eq(r->code, 0);
    ck_assert_msg(strstr(r->out, "goleash: 1 goroutine(s) in leak-prone waits parked for less than min_park (1m0s) "
                                 "not judged (--min-park 0 or min_park=0 shows them)\n"),
                  "stdout: %s", r->out);
    r = cli(NULL, ARGS("report", "--min-park", "0", path));
    ck_assert_int_eq(r->code, 1);
    ck_assert_ptr_null(strstr(r->out, "not judged"));
    r = cli(NULL, ARGS("report", "--format", "json", path));
    json_t *root = json_loads(r->out, 0, NULL);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(root, "summary"), "below_min_park")), 1);
    json_decref(root);
    unlink(path);
}
END_TEST

/* Colours: asked for, or a terminal without NO_COLOR; never into a pipe or
 * a file by default. */
START_TEST(colour_only_when_wanted)
{
    cli_result *r = cli(NULL, ARGS("report", "--color=always", data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 1);
    ck_assert_ptr_nonnull(strstr(r->out, "\033[1;31m==4242==ERROR: goleash: detected goroutine leaks\033[0m\n"));
    ck_assert_ptr_nonnull(strstr(r->out, "\033[1;31mSUMMARY: goleash: 3 leaked goroutine(s) in 2 group(s).\033[0m\n"));
    r = cli(NULL, ARGS("report", data_path("leaky.dump")));
    ck_assert_ptr_null(strchr(r->out, '\033'));
    r = cli(NULL, ARGS("report", "--color", "never", data_path("leaky.dump")));
    ck_assert_ptr_null(strchr(r->out, '\033'));
    r = cli(NULL, ARGS("report", "--color", "sometimes", data_path("leaky.dump")));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr(r->err, "goleash: --color must be auto, always or never, not 'sometimes'"));
}
END_TEST

/* A goleash dump of about 40 MiB, written to path, gzip'd when gz: the
 * inputs read whole must not stop at the line reader's limit. */
static size_t write_big_dump(const char *path, int gz)
{
    gzFile z = gzopen(path, gz ? "wb1" : "wbT");
    ck_assert_ptr_nonnull(z);
    char name[201];
    memset(name, 'x', 200);
    name[200] = '\0';
    gzprintf(z, "goleash-dump 1\ninfo pid=7 ppid=1 exe=/x reason=exit status=0 mono_ns=1 wall_ns=1\n");
    size_t n = 180000;
    for (size_t i = 1; i <= n; i++)
        gzprintf(z, "goroutine id=%zu start_name=main.%s state=running\n", i, name);
    gzprintf(z, "end goroutines=%zu chans=0 contexts=0 stacks=0\n", n);
    ck_assert_int_eq(gzclose(z), Z_OK);
    return n;
}

/* Whole-read inputs of any size through gzip and through a pipe. */
START_TEST(big_dumps_through_gzip_and_pipes)
{
    char gz[] = "/tmp/goleash-big.XXXXXX", plain[] = "/tmp/goleash-big-plain.XXXXXX";
    close(mkstemp(gz));
    close(mkstemp(plain));
    size_t n = write_big_dump(gz, 1);
    write_big_dump(plain, 0);
    struct stat st;
    ck_assert_int_eq(stat(plain, &st), 0);
    ck_assert_int_gt(st.st_size, 32 << 20);
    char want[128];
    snprintf(want, sizeof want, "goleash: no goroutine leaks (%zu goroutines in 1 dump(s))\n", n);
    cli_result *r = cli(NULL, ARGS("report", gz));
    ck_assert_msg(r->code == 0, "gzip: exit %d: %s", r->code, r->err);
    ck_assert_str_eq(r->out, want);
    char cmd[8300], out[] = "/tmp/goleash-big-out.XXXXXX";
    close(mkstemp(out));
    snprintf(cmd, sizeof cmd, "cat %s | %s report - > %s", plain, getenv("GOLEASH_BIN"), out);
    ck_assert_int_eq(system(cmd), 0);
    int fd = open(out, O_RDONLY);
    static char buf[65536];
    gl_slurp_fd(fd, buf, sizeof buf);
    ck_assert_str_eq(buf, want);
    unlink(gz);
    unlink(plain);
    unlink(out);
}
END_TEST

/* Goroutines the gc backend could not read are never silently missing. */
START_TEST(unreadable_goroutines_are_warned_about)
{
    char path[] = "/tmp/goleash-unreadable.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *dump = "goleash-dump 1\n"
                       "info pid=7 ppid=1 exe=/x reason=exit status=0 mono_ns=1 wall_ns=1 runtime=gc unreadable=3\n"
                       "goroutine id=1 state=running\n"
                       "end goroutines=1 chans=0 contexts=0 stacks=0\n";
    ck_assert_int_eq(write(fd, dump, strlen(dump)), (ssize_t)strlen(dump));
    close(fd);
    cli_result *r = cli(NULL, ARGS("report", path));
    unlink(path);
    ck_assert_int_eq(r->code, 0);
    ck_assert_msg(strstr(r->err, "3 goroutine(s) of process 7 could not be read: they are not in the report"),
                  "stderr: %s", r->err);
}
END_TEST

/* Cut after its stacks, before any goroutine: not "no leaks" but an input
 * error (2), whatever else is given. */
START_TEST(dump_cut_before_goroutines_exits_2)
{
    char path[4096], want[4300];
    snprintf(path, sizeof path, "%s", data_path("cut_before_goroutines.dump"));
    snprintf(want, sizeof want,
             "goleash: %s: truncated dump (no end record) cut before its first goroutine: nothing to judge\n", path);
    cli_result *r = cli(NULL, ARGS("report", path));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->err, want);
    ck_assert_str_eq(r->out, "");
    r = cli(NULL, ARGS("report", "--format", "json", data_path("clean.dump"), path));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->err, want);
    ck_assert_str_eq(r->out, "");
}
END_TEST

/* ---- goleash run, with a stand-in shim and programs that write dumps ----- */

static char shim_env[4200];

static const char *fake_shim_env(void)
{
    snprintf(shim_env, sizeof shim_env, "GOLEASH_SHIM=%s", getenv("GOLEASH_FAKE_SHIM"));
    return shim_env;
}

/* A shell snippet that plays the shim: writes `dump` where GOLEASH_OPTIONS
 * says, checks LD_PRELOAD and GOLEASH_OPTIONS, then exits with `code`. */
static char script[8192];
static const char *fake_program(const char *dump, int code)
{
    snprintf(script, sizeof script,
             "case \"$LD_PRELOAD\" in *fake_shim*) ;; *) exit 97;; esac; "
             "case \"$GOLEASH_OPTIONS\" in verbosity=0:dump_path=*/goleash.%%p.dump:report=0:exitcode=0) ;; *) exit 98;; esac; "
             "p=${GOLEASH_OPTIONS#*dump_path=}; p=${p%%%%:*}; d=${p%%/*}; "
             "%s%s%s "
             "exit %d",
             dump ? "cp '" : "", dump ? dump : "", dump ? "' \"$d/goleash.$$.dump\";" : "", code);
    return script;
}

START_TEST(run_reports_the_dumps_of_the_program)
{
    char leaky[4096];
    snprintf(leaky, sizeof leaky, "%s", data_path("leaky.dump"));
    putenv((char *)"GOLEASH_OPTIONS=verbosity=0");
    cli_result *r = cli(fake_shim_env(), ARGS("run", "--", "sh", "-c", fake_program(leaky, 0)));
    ck_assert_msg(r->code == 1, "exit %d, stderr: %s", r->code, r->err);
    /* PROG's stdout is its own: the report is on stderr. */
    ck_assert_str_eq(r->out, "");
    ck_assert_ptr_nonnull(strstr(r->err, "SUMMARY: goleash: 3 leaked goroutine(s) in 2 group(s).\n"));

    r = cli(fake_shim_env(), ARGS("run", "--", "sh", "-c", fake_program(data_path("clean.dump"), 0)));
    ck_assert_msg(r->code == 0, "exit %d, stderr: %s", r->code, r->err);
    ck_assert_ptr_nonnull(strstr(r->err, "goleash: no goroutine leaks"));

    /* The program's own failure wins over the leaks. */
    r = cli(fake_shim_env(), ARGS("run", "--", "sh", "-c", fake_program(leaky, 3)));
    ck_assert_int_eq(r->code, 3);
    ck_assert_ptr_nonnull(strstr(r->err, "SUMMARY"));

    /* A machine format would mix with PROG's output. */
    r = cli(fake_shim_env(), ARGS("run", "--format", "json", "--", "sh", "-c", fake_program(leaky, 0)));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->err, "goleash: run: --format json would mix with the program's output: give -o FILE (or "
                             "--json FILE)\n");

    /* A corrupt dump is an input error. */
    r = cli(fake_shim_env(), ARGS("run", "--", "sh", "-c", fake_program(data_path("corrupt.dump"), 0)));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr(r->err, ":3: bad hex in key pc"));

    /* So is a dump cut before its first goroutine: the gate fails (2). */
    r = cli(fake_shim_env(), ARGS("run", "--", "sh", "-c", fake_program(data_path("cut_before_goroutines.dump"), 0)));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr(r->err, ".dump: truncated dump (no end record) cut before its first goroutine: "
                                         "nothing to judge\n"));
    ck_assert_str_eq(r->out, "");
}
END_TEST

/* A malformed GOLEASH_OPTIONS is an error before PROG starts (2), naming
 * the option: the shim alone would only warn and carry on without it. */
START_TEST(run_refuses_malformed_goleash_options)
{
    static const struct {
        const char *env, *err;
    } cases[] = {
        {"GOLEASH_OPTIONS=report=maybe", "goleash: bad value for option 'report' in GOLEASH_OPTIONS\n"},
        {"GOLEASH_OPTIONS=dump_path=\"/tmp/a b:exitcode=0",
         "goleash: unterminated quote in the value of option 'dump_path' in GOLEASH_OPTIONS\n"},
        {"GOLEASH_OPTIONS=min_park=5:no_such=1",
         "goleash: bad value for option 'min_park' in GOLEASH_OPTIONS\n"
         "goleash: unknown option 'no_such' in GOLEASH_OPTIONS\n"},
        {"GOLEASH_OPTIONS=ignore_setup", "goleash: option without value 'ignore_setup' in GOLEASH_OPTIONS\n"},
    };
    char marker[] = "/tmp/goleash-test-ran.XXXXXX", cmd[300];
    close(mkstemp(marker));
    unlink(marker);
    snprintf(cmd, sizeof cmd, "touch %s", marker);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        putenv((char *)cases[i].env);
        cli_result *r = cli(fake_shim_env(), ARGS("run", "--", "sh", "-c", cmd));
        ck_assert_int_eq(r->code, 2);
        ck_assert_str_eq(r->err, cases[i].err);
        ck_assert_int_eq(access(marker, F_OK), -1);
    }
    /* A long one (> 2 KB) that is fine runs. */
    static char longopts[5000] = "GOLEASH_OPTIONS=";
    while (strlen(longopts) < sizeof longopts - 20)
        strcat(longopts, "verbosity=0:");
    putenv(longopts);
    cli_result *r = cli(fake_shim_env(), ARGS("run", "--allow-unsupported", "--", "sh", "-c", cmd));
    ck_assert_msg(r->code == 0, "exit %d: %s", r->code, r->err);
    ck_assert_int_eq(access(marker, F_OK), 0);
    unlink(marker);
    putenv((char *)"GOLEASH_OPTIONS=verbosity=0");
}
END_TEST

START_TEST(run_without_dump_keeps_the_exit_code)
{
    putenv((char *)"GOLEASH_OPTIONS=verbosity=0");
    /* Nothing analysable ran: never a silent pass (exit 3), unless asked. */
    cli_result *r = cli(fake_shim_env(), ARGS("run", "--", "sh", "-c", fake_program(NULL, 0)));
    ck_assert_int_eq(r->code, 3);
    ck_assert_str_eq(r->err, "goleash: sh ran no Go program goleash can analyse (no gc or gccgo executable in its "
                             "process tree)\n");
    r = cli(fake_shim_env(), ARGS("run", "--allow-unsupported", "--", "sh", "-c", fake_program(NULL, 0)));
    ck_assert_int_eq(r->code, 0);
    ck_assert_ptr_nonnull(strstr(r->err, "--allow-unsupported: not failing for it"));
    r = cli(fake_shim_env(), ARGS("run", "--", "sh", "-c", fake_program(NULL, 5)));
    ck_assert_int_eq(r->code, 5);
    r = cli(fake_shim_env(), ARGS("run", "--", "sh", "-c", "kill -TERM $$"));
    ck_assert_int_eq(r->code, 128 + 15);
    r = cli(fake_shim_env(), ARGS("run", "--", "/nonexistent/prog"));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr(r->err, "cannot run /nonexistent/prog"));
    r = cli("GOLEASH_SHIM=/nonexistent/libgoleash.so", ARGS("run", "--", "true"));
    ck_assert_int_eq(r->code, 2);
}
END_TEST

START_TEST(run_keeps_dumps_when_asked)
{
    char dir[] = "/tmp/goleash-test-keep.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char old[4200];
    snprintf(old, sizeof old, "%s/goleash.1.dump", dir);
    FILE *f = fopen(old, "w"); /* an earlier run's dump: not this run's report */
    fputs("garbage", f);
    fclose(f);
    putenv((char *)"GOLEASH_OPTIONS=verbosity=0");
    cli_result *r = cli(fake_shim_env(), ARGS("run", "--keep-dumps", dir, "--", "sh", "-c",
                                              fake_program(data_path("clean.dump"), 0)));
    ck_assert_msg(r->code == 0, "exit %d, stderr: %s", r->code, r->err);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "test $(ls %s/*.dump | wc -l) -eq 2 && rm -r %s", dir, dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(json_suppressions)
{
    json_t *root = json_of_dump_supp(data_path("leaky.dump"), "stack:main.nowhere\n\ntop:main.sender\n");
    json_t *sum = json_object_get(root, "summary");
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "leaked_goroutines")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "groups")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "suppressed_goroutines")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "suppressed_groups")), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(root, "leaks")), 1);
    json_t *used = json_object_get(root, "suppressions");
    ck_assert_uint_eq(json_array_size(used), 1); /* only rules that matched */
    json_t *u = json_array_get(used, 0);
    static const char *const keys[] = {"rule", "kind", "pattern", "file", "line", "goroutines", "groups"};
    assert_keys_in_order(u, keys, 7);
    ck_assert_str_eq(json_string_value(json_object_get(u, "rule")), "top:main.sender");
    ck_assert_str_eq(json_string_value(json_object_get(u, "kind")), "top");
    ck_assert_str_eq(json_string_value(json_object_get(u, "pattern")), "main.sender");
    ck_assert_str_eq(json_string_value(json_object_get(u, "file")), "x.supp");
    ck_assert_int_eq(json_integer_value(json_object_get(u, "line")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(u, "goroutines")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(u, "groups")), 1);
    json_decref(root);
}
END_TEST

START_TEST(suppressions_options)
{
    char sender[4096], worker[4096], bad[4096], leaky[4096];
    snprintf(sender, sizeof sender, "%s", data_path("sender.supp"));
    snprintf(worker, sizeof worker, "%s", data_path("worker.supp"));
    snprintf(bad, sizeof bad, "%s", data_path("bad.supp"));
    snprintf(leaky, sizeof leaky, "%s", data_path("leaky.dump"));
    char want[8400];

    cli_result *r = cli(NULL, ARGS("report", "--suppressions", sender, leaky));
    ck_assert_int_eq(r->code, 1);
    snprintf(want, sizeof want,
             "Suppressions used:\n  goroutines  groups  rule\n           1       1  top:main.sender (%s:2)\n", sender);
    ck_assert_msg(strstr(r->out, want) != NULL, "got:\n%s", r->out);
    ck_assert_ptr_nonnull(strstr(r->out, "SUMMARY: goleash: 2 leaked goroutine(s) in 1 group(s); 1 suppressed.\n"));
    ck_assert_ptr_null(strstr(r->out, "main.sender+"));

    /* Repeatable; everything suppressed is a clean exit. */
    r = cli(NULL, ARGS("report", "--suppressions", sender, "--suppressions", worker, leaky));
    ck_assert_int_eq(r->code, 0);
    ck_assert_ptr_nonnull(strstr(r->out, "goleash: no goroutine leaks (5 goroutines in 1 dump(s); 3 suppressed)\n"));
    snprintf(want, sizeof want, "           2       1  stack:main.worker (%s:1)\n", worker);
    ck_assert_ptr_nonnull(strstr(r->out, want));

    /* An unknown kind: exit 2, file and line, no report. */
    r = cli(NULL, ARGS("report", "--suppressions", sender, "--suppressions", bad, leaky));
    ck_assert_int_eq(r->code, 2);
    snprintf(want, sizeof want, "goleash: %s:3: unknown suppression kind 'foo'\n", bad);
    ck_assert_str_eq(r->err, want);
    ck_assert_str_eq(r->out, "");
    r = cli(NULL, ARGS("report", "--suppressions", "/nonexistent.supp", leaky));
    ck_assert_int_eq(r->code, 2);
    ck_assert_str_eq(r->err, "goleash: /nonexistent.supp: No such file or directory\n");
    ck_assert_int_eq(cli(NULL, ARGS("report", leaky, "--suppressions"))->code, 2);

    /* run checks the file before it starts the program. */
    char marker[] = "/tmp/goleash-test-ran.XXXXXX", cmd[200];
    close(mkstemp(marker));
    unlink(marker);
    snprintf(cmd, sizeof cmd, "touch %s", marker);
    r = cli(fake_shim_env(), ARGS("run", "--suppressions", bad, "--", "sh", "-c", cmd));
    ck_assert_int_eq(r->code, 2);
    ck_assert_int_eq(access(marker, F_OK), -1);

    ck_assert_int_eq(cli(NULL, ARGS("report", "--no-default-suppressions", data_path("clean.dump")))->code, 0);
    r = cli(NULL, ARGS("--help"));
    ck_assert_ptr_nonnull(strstr(r->out, "--suppressions FILE"));
    ck_assert_ptr_nonnull(strstr(r->out, "--no-default-suppressions"));
}
END_TEST

int main(void)
{
    Suite *json = suite_create("report_json");
    TCase *tj = tcase_create("report_json");
    tcase_add_test(tj, json_report_matches_the_contract);
    tcase_add_test(tj, json_context_leak);
    tcase_add_test(tj, json_context_kind_not_utf8);
    tcase_add_test(tj, json_cache_limit_changes_nothing);
    tcase_add_test(tj, json_cache_stays_within_its_limit);
    tcase_add_test(tj, optional_libraries_load_on_first_use);
    tcase_add_test(tj, json_strings_as_jansson_writes_them);
    tcase_add_test(tj, json_suppressions);
    suite_add_tcase(json, tj);

    Suite *cmd = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, usage_errors_exit_2);
    tcase_add_test(tc, help_and_version_exit_0);
    tcase_add_test(tc, corrupt_dump_exits_2_with_file_and_line);
    tcase_add_test(tc, clean_dump_exits_0);
    tcase_add_test(tc, leaky_dump_exits_1);
    tcase_add_test(tc, output_file_gets_the_report);
    tcase_add_test(tc, report_files_with_placeholders);
    tcase_add_test(tc, github_annotations_follow_the_environment);
    tcase_add_test(tc, report_file_never_written_through_a_symlink);
    tcase_add_test(tc, report_b_placeholder_stays_in_its_directory);
    tcase_add_test(tc, truncated_dump_warns_and_reports);
    tcase_add_test(tc, unreadable_goroutines_are_warned_about);
    tcase_add_test(tc, big_dumps_through_gzip_and_pipes);
    tcase_add_test(tc, min_park_hides_nothing_silently);
    tcase_add_test(tc, colour_only_when_wanted);
    tcase_add_test(tc, dump_cut_before_goroutines_exits_2);
    tcase_add_test(tc, diff_flags_groups_that_grew);
    tcase_add_test(tc, run_reports_the_dumps_of_the_program);
    tcase_add_test(tc, run_without_dump_keeps_the_exit_code);
    tcase_add_test(tc, run_refuses_malformed_goleash_options);
    tcase_add_test(tc, suppressions_options);
    tcase_add_test(tc, run_keeps_dumps_when_asked);
    suite_add_tcase(cmd, tc);

    return gl_run_suites(GL_SUITES(json, cmd), CK_VERBOSE, 0);
}
