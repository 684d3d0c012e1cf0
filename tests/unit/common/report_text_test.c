#include "suites.h"

#include "text_report/text_report.h"
#include "rules/rules.h"
#include "util/escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs the rules on d and returns the text report (malloc'd). */
static char *text_of(gl_dump *d, const gl_text_opts *opts)
{
    gl_report *r = gl_rules_run(&d, 1, NULL);
    ck_assert_ptr_nonnull(r);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(gl_report_text(f, r, opts), 0);
    fclose(f);
    gl_report_free(r);
    return buf;
}

static const char expected_small[] =
    "=================================================================\n"
    "==4242==ERROR: goleash: detected goroutine leaks\n"
    "\n"
    "Leak of 2 goroutine(s) [chan receive, category chan-receive], parked 1.2s..1.5s, blocked at:\n"
    "    (2 inner runtime frame(s) not shown)\n"
    "    #0 main.worker+0x1a (prog+0x11a0)\n"
    "    #1 main.main..func1+0x20 (prog+0x1200)\n"
    "  created by goroutine 1 at:\n"
    "    (1 inner runtime frame(s) not shown)\n"
    "    #0 main.main+0x30 (prog+0x1300)\n"
    "  ancestors: goroutine 1 (main.main)\n"
    "  channel 0xc000012000: made at main.main+0x5 (prog+0x1500), unbuffered, never closed; last touched by "
    "goroutine 18 (recv, 1.5s before the dump)\n"
    "\n"
    "Leak of 1 goroutine(s) [chan send, category chan-send], parked 1s, blocked at:\n"
    "    (1 inner runtime frame(s) not shown)\n"
    "    #0 main.sender+0x0 (prog+0x1400)\n"
    "  created by goroutine 1 at:\n"
    "    (1 inner runtime frame(s) not shown)\n"
    "    #0 main.main+0x30 (prog+0x1300)\n"
    "  ancestors: goroutine 1 (main.main)\n"
    "  channel 0xc000013000: made at main.main+0x5 (prog+0x1500), buffered (cap 2), never closed\n"
    "\n"
    "SUMMARY: goleash: 3 leaked goroutine(s) in 2 group(s).\n";

START_TEST(prints_the_small_dump_exactly)
{
    gl_dump *d;
    ck_assert_int_eq(gl_dump_read_file(data_path("leak_small.dump"), &d, NULL), 0);
    gl_text_opts o = {.pid = 4242, .print_when_clean = 1};
    char *text = text_of(d, &o);
    ck_assert_str_eq(text, expected_small);
    free(text);
    gl_dump_free(d);
}
END_TEST

START_TEST(prints_file_and_line_when_known)
{
    gl_dump *d;
    ck_assert_int_eq(gl_dump_read_file(data_path("leak_small.dump"), &d, NULL), 0);
    /* What the symbolizer would do. */
    gl_stack *s = d->stacks[0];
    s->frames[2].file = (char *)"/src/leak.go";
    s->frames[2].line = 12;
    s->frames[3].file = (char *)"/src/leak.go";
    s->frames[3].line = 15;
    gl_text_opts o = {.pid = 4242, .max_frames = 1};
    char *text = text_of(d, &o);
    ck_assert_ptr_nonnull(strstr(text, "blocked at:\n"
                                       "    (2 inner runtime frame(s) not shown)\n"
                                       "    #0 main.worker /src/leak.go:12\n"
                                       "    ... 1 more frame(s)\n"
                                       "  created by goroutine 1 at:\n"));
    free(text);
    gl_dump_free(d);
}
END_TEST

START_TEST(prints_context_leaks)
{
    gl_dump *d = parse_ok(TEST_HEADER
                          "module id=0 base=0x400000 build_id=- path=/src/prog\n"
                          "sym pc=0x401000 mod=0 off=0x1 name=main.waiter\n"
                          "sym pc=0x402000 mod=0 off=0x2 name=main.main\n"
                          "stack id=1 pcs=0x401000\n"
                          "stack id=2 pcs=0x402000\n"
                          "goroutine id=7 parent=1 created=2 state=parked reason=9 wait=select since_ns=9000000000 "
                          "stack=1 chans=0xd1\n"
                          "chan addr=0xd1 made=2 cap=0 closed=0 ctx=0xe1\n"
                          "context addr=0xe1 kind=cancel created=2 creator=1 cancelled=0 done=0xd1\n"
                          "end goroutines=1 chans=1 contexts=1 stacks=2\n");
    gl_text_opts o = {.pid = 9};
    char *text = text_of(d, &o);
    ck_assert_str_eq(text,
                     "=================================================================\n"
                     "==9==ERROR: goleash: detected goroutine leaks\n"
                     "\n"
                     "Leak of 1 goroutine(s) [select, category context], parked 1s, blocked at:\n"
                     "    #0 main.waiter+0x1 (prog+0x1000)\n"
                     "  created by goroutine 1 at:\n"
                     "    #0 main.main+0x2 (prog+0x2000)\n"
                     "  channel 0xd1: made at main.main+0x2 (prog+0x2000), unbuffered, never closed\n"
                     "  context 0xe1: WithCancel at main.main+0x2 (prog+0x2000), cancel never called\n"
                     "\n"
                     "SUMMARY: goleash: 1 leaked goroutine(s) in 1 group(s).\n");
    free(text);
    gl_dump_free(d);
}
END_TEST

START_TEST(clean_report_is_silent_unless_asked)
{
    gl_dump *d = parse_ok(TEST_HEADER "goroutine id=1 state=running\ngoroutine id=2 system=1 state=running\nend\n");
    gl_text_opts quiet = {.pid = 1, .print_when_clean = 0};
    char *text = text_of(d, &quiet);
    ck_assert_str_eq(text, "");
    free(text);
    gl_text_opts loud = {.pid = 1, .print_when_clean = 1};
    text = text_of(d, &loud);
    ck_assert_str_eq(text, "goleash: no goroutine leaks (2 goroutines in 1 dump(s))\n");
    free(text);
    gl_dump_free(d);
}
END_TEST

/* Control characters from the program never reach a terminal raw. */
START_TEST(escapes_control_characters)
{
    char buf[64];
    ck_assert_str_eq(gl_escape_to(buf, sizeof buf, "a\x1b[31mb\n::error::x\x7f\t"),
                     "a\\x1b[31mb\\x0a::error::x\\x7f\\x09");
    /* C1 controls (CSI is U+009B) in UTF-8; other UTF-8 as it is. */
    ck_assert_str_eq(gl_escape_to(buf, sizeof buf, "\xc2\x9b" "2J\xc3\xa9\xc2\xa0"), "\\u009b2J\xc3\xa9\xc2\xa0");
    /* Cut whole: never half an escape. */
    ck_assert_str_eq(gl_escape_to(buf, 6, "ab\x1b"), "ab");
    ck_assert_str_eq(gl_escape_to(buf, sizeof buf, NULL), "");
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    gl_fput_escaped(f, "x\ry\x01");
    fclose(f);
    ck_assert_str_eq(out, "x\\x0dy\\x01");
    free(out);
}
END_TEST

Suite *report_text_suite(void)
{
    Suite *s = suite_create("report_text");
    TCase *tc = tcase_create("report_text");
    tcase_add_test(tc, prints_the_small_dump_exactly);
    tcase_add_test(tc, escapes_control_characters);
    tcase_add_test(tc, prints_file_and_line_when_known);
    tcase_add_test(tc, prints_context_leaks);
    tcase_add_test(tc, clean_report_is_silent_unless_asked);
    suite_add_tcase(s, tc);
    return s;
}
