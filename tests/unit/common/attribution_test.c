/* Per-test attribution: the dump's test fields through the reader, the
 * rules' walk up the creation chain to the nearest goroutine that ran a test,
 * ignore_setup, and the text report's tests section. */
#include "suites.h"

#include "text_report/text_report.h"
#include "rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One park stack (main.worker) and one creation stack shared by every
 * goroutine: only the test tells groups apart. */
#define ATTR_BASE                                                    \
    "module id=0 base=0x400000 build_id=- path=/src/prog.test\n"     \
    "sym pc=0x1000 mod=-1 off=0x10 name=runtime.gopark\n"            \
    "sym pc=0x401000 mod=0 off=0x1 name=main.worker\n"               \
    "sym pc=0x402000 mod=0 off=0x2 name=main.spawn\n"                \
    "stack id=1 pcs=0x1000,0x401000\n"                               \
    "stack id=2 pcs=0x402000\n"

#define PARKED "created=2 state=parked reason=14 since_ns=9000000000 stack=1 wait=chan chans="

static gl_dump *dump_with(const char *info_extra, const char *records, const char *end)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fprintf(f,
            "goleash-dump 1\n"
            "info pid=100 ppid=1 exe=/src/prog.test reason=exit status=0 mono_ns=10000000000 wall_ns=0 "
            "goroutine_ids=go libgo=/usr/lib/libgo.so.21 min_park_ns=0 missing=%s\n"
            ATTR_BASE "%s%s\n",
            info_extra, records, end);
    fclose(f);
    gl_dump *d = parse_ok(text);
    free(text);
    return d;
}

/* main (1) runs TestTree (2, exited), whose helper (3, exited) started a
 * helper (4, exited) that started two leakers (5, 6). TestPar (7) has
 * parallel subtests a (8, exited) and b (9, exited): a leaked one goroutine
 * (10), b two (11, 12), at the same code as everybody. 13 leaked from init,
 * 14 from TestMain. TestClean (15) leaked nothing. 16 is a test goroutine
 * that is itself parked. */
static const char tree[] =
    "test name=TestTree\n"
    "test name=TestPar\n"
    "test name=TestPar/a\n"
    "test name=TestPar/b\n"
    "test name=TestClean\n"
    "test name=TestStuck\n"
    "goroutine id=2 parent=1 start=0x402000 created=2 test=TestTree state=exited\n"
    "goroutine id=3 parent=2 start=0x402000 created=2 state=exited\n"
    "goroutine id=4 parent=3 start=0x402000 created=2 state=exited\n"
    "goroutine id=7 parent=1 start=0x402000 created=2 test=TestPar state=running\n"
    "goroutine id=8 parent=7 start=0x402000 created=2 test=TestPar/a state=exited\n"
    "goroutine id=9 parent=7 start=0x402000 created=2 test=TestPar/b state=exited\n"
    "goroutine id=1 parent=0 start=0x402000 state=running\n"
    "goroutine id=5 parent=4 start=0x402000 " PARKED "\n"
    "goroutine id=6 parent=4 start=0x402000 " PARKED "\n"
    "goroutine id=10 parent=8 start=0x402000 " PARKED "\n"
    "goroutine id=11 parent=9 start=0x402000 " PARKED "\n"
    "goroutine id=12 parent=9 start=0x402000 " PARKED "\n"
    "goroutine id=13 parent=1 start=0x402000 " PARKED "\n"
    "goroutine id=14 parent=1 start=0x402000 " PARKED "\n"
    "goroutine id=16 parent=1 start=0x402000 test=TestStuck " PARKED "\n";

static const char tree_end[] = "end goroutines=15 stacks=2 tests=6";

static const gl_leak_group *group_of(const gl_report *r, const char *test)
{
    for (size_t i = 0; i < r->ngroups; i++)
        if (r->groups[i].test && strcmp(r->groups[i].test, test) == 0)
            return &r->groups[i];
    return NULL;
}

START_TEST(reads_test_fields)
{
    gl_dump *d = dump_with(" tests_dropped=7 ignore_setup=1",
                           "test name=TestA\n"
                           "test name=TestA/with%20space#01\n"
                           "goroutine id=1 parent=0 start=0x402000 state=running\n"
                           "goroutine id=2 parent=1 start=0x402000 test=TestA/with%20space#01 state=running\n"
                           "goroutine id=3 parent=2 start=0x402000 state=running\n",
                           "end goroutines=3 stacks=2 tests=2");
    ck_assert_uint_eq(d->ntests, 2);
    ck_assert_str_eq(d->tests[0], "TestA");
    ck_assert_str_eq(d->tests[1], "TestA/with space#01");
    ck_assert_uint_eq(d->tests_dropped, 7);
    ck_assert_int_eq(d->ignore_setup, 1);
    ck_assert_ptr_null(gl_dump_goroutine(d, 1)->test);
    /* Pooled: the goroutine's tag is the listed name itself. */
    ck_assert_ptr_eq(gl_dump_goroutine(d, 2)->test, d->tests[1]);
    ck_assert_ptr_null(gl_dump_goroutine(d, 3)->test);
    gl_dump_free(d);
}
END_TEST

START_TEST(test_count_must_match_end)
{
    gl_dump *d = NULL;
    gl_diag diag;
    const char *text = TEST_HEADER "test name=TestA\nend tests=2\n";
    ck_assert_int_eq(gl_dump_read_buffer("t.dump", text, strlen(text), &d, &diag), -1);
    ck_assert_str_eq(diag.msg, "goleash: t.dump:4: count mismatch in end: tests=2 but the dump has 1");
    text = TEST_HEADER "test\nend\n";
    ck_assert_int_eq(gl_dump_read_buffer("t.dump", text, strlen(text), &d, &diag), -1);
    ck_assert_str_eq(diag.msg, "goleash: t.dump:3: missing key name in test");
    text = TEST_HEADER "goroutine id=1 state=running test=Test%zz\nend\n";
    ck_assert_int_eq(gl_dump_read_buffer("t.dump", text, strlen(text), &d, &diag), -1);
    ck_assert_str_eq(diag.msg, "goleash: t.dump:3: bad percent escape in key test");
}
END_TEST

START_TEST(attributes_through_the_creation_chain)
{
    gl_dump *d = dump_with("", tree, tree_end);
    gl_rules_opts o = {.min_park_ns = 0};
    gl_report *r = gl_rules_run(&d, 1, &o);
    ck_assert_ptr_nonnull(r);
    /* Same code everywhere, five owners: five groups. */
    ck_assert_uint_eq(r->ngroups, 5);
    ck_assert_uint_eq(r->leaked, 8);

    const gl_leak_group *g = group_of(r, "TestTree"); /* through three exited ancestors */
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->count, 2);
    ck_assert_uint_eq(g->ngoids, 2);
    ck_assert_int_eq(g->goids[0], 5);
    ck_assert_int_eq(g->goids[1], 6);
    ck_assert_int_eq(g->nancestors, 4); /* 4, 3, 2, 1 */

    g = group_of(r, "TestPar/a"); /* parallel siblings stay apart */
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->count, 1);
    ck_assert_int_eq(g->goids[0], 10);
    g = group_of(r, "TestPar/b");
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->count, 2);
    ck_assert_int_eq(g->goids[0], 11);
    ck_assert_int_eq(g->goids[1], 12);
    ck_assert_ptr_null(group_of(r, "TestPar"));

    g = group_of(r, GL_TEST_SETUP); /* init and TestMain */
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->count, 2);
    ck_assert_int_eq(g->goids[0], 13);
    ck_assert_uint_eq(r->setup_leaked, 2);
    ck_assert_uint_eq(r->ignored_setup, 0);

    g = group_of(r, "TestStuck"); /* a test goroutine is its own test's */
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->count, 1);

    /* Every test started, in start order, with what it leaked. */
    ck_assert_uint_eq(r->ntests, 6);
    const char *names[] = {"TestTree", "TestPar", "TestPar/a", "TestPar/b", "TestClean", "TestStuck"};
    const size_t leaked[] = {2, 0, 1, 2, 0, 1};
    for (size_t i = 0; i < 6; i++) {
        ck_assert_str_eq(r->tests[i].name, names[i]);
        ck_assert_uint_eq(r->tests[i].leaked, leaked[i]);
        ck_assert_uint_eq(r->tests[i].groups, leaked[i] ? 1 : 0);
    }
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(ignore_setup_drops_setup_only)
{
    gl_dump *d = dump_with("", tree, tree_end);
    gl_rules_opts o = {.min_park_ns = 0, .ignore_setup = 1};
    gl_report *r = gl_rules_run(&d, 1, &o);
    ck_assert_uint_eq(r->ngroups, 4);
    ck_assert_uint_eq(r->leaked, 6);
    ck_assert_ptr_null(group_of(r, GL_TEST_SETUP));
    ck_assert_uint_eq(r->setup_leaked, 2);
    ck_assert_uint_eq(r->ignored_setup, 2);
    gl_report_free(r);
    gl_dump_free(d);

    /* Negative: as the process ran (info ignore_setup). */
    d = dump_with(" ignore_setup=1", tree, tree_end);
    o.ignore_setup = -1;
    r = gl_rules_run(&d, 1, &o);
    ck_assert_uint_eq(r->ignored_setup, 2);
    ck_assert_uint_eq(r->leaked, 6);
    gl_report_free(r);
    o.ignore_setup = 0;
    r = gl_rules_run(&d, 1, &o);
    ck_assert_uint_eq(r->ignored_setup, 0);
    ck_assert_uint_eq(r->leaked, 8);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(no_tests_no_attribution)
{
    gl_dump *d = dump_with("",
                           "goroutine id=1 parent=0 start=0x402000 state=running\n"
                           "goroutine id=5 parent=1 start=0x402000 " PARKED "\n",
                           "end");
    gl_rules_opts o = {.min_park_ns = 0, .ignore_setup = 1};
    gl_report *r = gl_rules_run(&d, 1, &o);
    ck_assert_uint_eq(r->ngroups, 1);
    ck_assert_ptr_null(r->groups[0].test);
    ck_assert_uint_eq(r->ntests, 0);
    ck_assert_uint_eq(r->ignored_setup, 0); /* nothing is "setup" outside a test binary */
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(text_report_lists_leaking_tests_largest_first)
{
    gl_dump *d = dump_with("", tree, tree_end);
    gl_report *r = gl_rules_run(&d, 1, NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    gl_text_opts to = {.pid = 100};
    ck_assert_int_eq(gl_report_text(f, r, &to), 0);
    fclose(f);
    static const char table[] =
        "Leaks by test (4 of 6 test(s) leaked; setup: spawned outside any test):\n"
        "  TestTree   2 goroutine(s) in 1 group(s)\n"
        "  TestPar/b  2 goroutine(s) in 1 group(s)\n"
        "  setup      2 goroutine(s) in 1 group(s)\n"
        "  TestPar/a  1 goroutine(s) in 1 group(s)\n"
        "  TestStuck  1 goroutine(s) in 1 group(s)\n"
        "\n"
        "--- TestTree: 2 leaked goroutine(s) in 1 group(s)\n"
        "\n"
        "Leak of 2 goroutine(s) [chan receive, category chan-receive], parked 1s, blocked at:\n";
    ck_assert_msg(strstr(buf, table) != NULL, "got:\n%s", buf);
    const char *tree_sec = strstr(buf, "--- TestTree:"), *b_sec = strstr(buf, "--- TestPar/b:"),
               *setup_sec = strstr(buf, "--- setup:"), *a_sec = strstr(buf, "--- TestPar/a:");
    ck_assert(tree_sec && b_sec && setup_sec && a_sec);
    ck_assert(tree_sec < b_sec && b_sec < setup_sec && setup_sec < a_sec);
    ck_assert_ptr_nonnull(strstr(b_sec, "  test: TestPar/b\n"));
    ck_assert_ptr_nonnull(strstr(buf, "\nSUMMARY: goleash: 8 leaked goroutine(s) in 5 group(s).\n"));
    free(buf);
    gl_report_free(r);

    /* ignore_setup says what it left out, before the summary. */
    gl_rules_opts o = {.ignore_setup = 1};
    r = gl_rules_run(&d, 1, &o);
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(gl_report_text(f, r, &to), 0);
    fclose(f);
    ck_assert_ptr_null(strstr(buf, "--- setup:"));
    ck_assert_ptr_nonnull(strstr(buf, "goleash: 2 goroutine(s) leaked outside any test (setup) not reported "
                                      "(ignore_setup)\nSUMMARY: goleash: 6 leaked goroutine(s) in 4 group(s).\n"));
    free(buf);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

Suite *attribution_suite(void)
{
    Suite *s = suite_create("attribution");
    TCase *tc = tcase_create("attribution");
    tcase_add_test(tc, reads_test_fields);
    tcase_add_test(tc, test_count_must_match_end);
    tcase_add_test(tc, attributes_through_the_creation_chain);
    tcase_add_test(tc, ignore_setup_drops_setup_only);
    tcase_add_test(tc, no_tests_no_attribution);
    tcase_add_test(tc, text_report_lists_leaking_tests_largest_first);
    suite_add_tcase(s, tc);
    return s;
}
