#include "names/canonical.h"
#include "suites.h"

#include "text_report/text_report.h"
#include "rules/rules.h"
#include "rules/suppress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gl_suppressions parse_ok_supp(const char *text)
{
    gl_suppressions s = {0};
    gl_supp_error err = {{0}, 0};
    int rc = gl_supp_parse(&s, "t.supp", text, strlen(text), &err);
    ck_assert_msg(rc == 0, "parse failed: %s", err.msg);
    return s;
}

/* Parses text that must fail; returns the message, checks the line. */
static const char *parse_err(const char *text, size_t len, int line)
{
    static gl_supp_error err;
    gl_suppressions s = {0};
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(gl_supp_parse(&s, "t.supp", text, len, &err), -1);
    ck_assert_int_eq(err.line, line);
    ck_assert_uint_eq(s.n, 0);
    gl_supp_free(&s);
    return err.msg;
}

START_TEST(parses_every_kind)
{
    gl_suppressions s = parse_ok_supp("stack:main.worker\n"
                                      "top:net/http.persistConn.writeLoop\n"
                                      "created:main.startPool\n"
                                      "file:*/vendor/*\n"
                                      "test:TestFlaky/*\n");
    ck_assert_uint_eq(s.n, 5);
    static const gl_supp_kind kinds[] = {GL_SUPP_STACK, GL_SUPP_TOP, GL_SUPP_CREATED, GL_SUPP_FILE, GL_SUPP_TEST};
    static const char *patterns[] = {"main.worker", "net/http.persistConn.writeLoop", "main.startPool", "*/vendor/*",
                                     "TestFlaky/*"};
    static const char *names[] = {"stack", "top", "created", "file", "test"};
    for (size_t i = 0; i < 5; i++) {
        ck_assert_int_eq(s.rules[i].kind, kinds[i]);
        ck_assert_str_eq(s.rules[i].pattern, patterns[i]);
        ck_assert_str_eq(gl_supp_kind_name(s.rules[i].kind), names[i]);
        ck_assert_int_eq(s.rules[i].line, (int)i + 1);
        ck_assert_str_eq(s.rules[i].origin, "t.supp");
        ck_assert_uint_eq(s.rules[i].hit_groups, 0);
    }
    ck_assert_str_eq(s.rules[3].text, "file:*/vendor/*");
    gl_supp_free(&s);
}
END_TEST

START_TEST(comments_blanks_and_spacing)
{
    /* Line numbers count every line, comments and blank ones included;
     * blanks around kind and pattern go, CRLF endings too; the last line
     * needs no newline. */
    gl_suppressions s = parse_ok_supp("# header comment\n"
                                      "\n"
                                      "   \t\n"
                                      "  # indented comment\n"
                                      "  top : main.a  \r\n"
                                      "stack:main.b#not-a-comment\n"
                                      "\n"
                                      "test:TestX with space");
    ck_assert_uint_eq(s.n, 3);
    ck_assert_int_eq(s.rules[0].line, 5);
    ck_assert_str_eq(s.rules[0].pattern, "main.a");
    ck_assert_str_eq(s.rules[0].text, "top : main.a");
    ck_assert_int_eq(s.rules[1].line, 6);
    ck_assert_str_eq(s.rules[1].pattern, "main.b#not-a-comment");
    ck_assert_int_eq(s.rules[2].line, 8);
    ck_assert_str_eq(s.rules[2].pattern, "TestX with space");
    gl_supp_free(&s);
}
END_TEST

START_TEST(empty_and_comment_only_files)
{
    gl_suppressions s = parse_ok_supp("");
    ck_assert_uint_eq(s.n, 0);
    gl_supp_free(&s);
    s = parse_ok_supp("# nothing\n\n# here\n");
    ck_assert_uint_eq(s.n, 0);
    ck_assert_uint_eq(gl_supp_used(&s, NULL), 0);
    gl_supp_free(&s);
}
END_TEST

START_TEST(unknown_kind_names_file_and_line)
{
    const char *t = "# ok\ntop:main.a\n\nfoo:main.b\nstack:main.c\n";
    ck_assert_str_eq(parse_err(t, strlen(t), 4), "goleash: t.supp:4: unknown suppression kind 'foo'");
    /* Kinds are lower case, like the rest of the syntax. */
    t = "Stack:main.a\n";
    ck_assert_str_eq(parse_err(t, strlen(t), 1), "goleash: t.supp:1: unknown suppression kind 'Stack'");
    /* LeakSanitizer's other kinds are not ours. */
    t = "\n\ncalled_from_lib:libfoo.so";
    ck_assert_str_eq(parse_err(t, strlen(t), 3), "goleash: t.supp:3: unknown suppression kind 'called_from_lib'");
}
END_TEST

START_TEST(other_syntax_errors)
{
    const char *t = "top:main.a\nmain.worker\n";
    ck_assert_str_eq(parse_err(t, strlen(t), 2),
                     "goleash: t.supp:2: expected KIND:PATTERN (stack, top, created, file, test or leak), got 'main.worker'");
    t = "top:main.a\n\n\ncreated:   \n";
    ck_assert_str_eq(parse_err(t, strlen(t), 4), "goleash: t.supp:4: empty pattern for 'created'");
    t = ":main.a\n";
    ck_assert_str_eq(parse_err(t, strlen(t), 1), "goleash: t.supp:1: unknown suppression kind ''");
    static const char nul[] = "top:main.a\ntop:ma\0in.b\n";
    ck_assert_str_eq(parse_err(nul, sizeof nul - 1, 2), "goleash: t.supp:2: NUL byte in the line (not a text file?)");
}
END_TEST

START_TEST(failed_parse_keeps_earlier_rules_only)
{
    gl_suppressions s = parse_ok_supp("top:main.a\n");
    gl_supp_error err;
    const char *bad = "stack:main.b\nbogus:x\n";
    ck_assert_int_eq(gl_supp_parse(&s, "second.supp", bad, strlen(bad), &err), -1);
    ck_assert_str_eq(err.msg, "goleash: second.supp:2: unknown suppression kind 'bogus'");
    /* All or nothing: main.b from the bad file is not kept. */
    ck_assert_uint_eq(s.n, 1);
    ck_assert_str_eq(s.rules[0].pattern, "main.a");
    gl_supp_free(&s);
}
END_TEST

START_TEST(very_long_lines)
{
    size_t n = 200000;
    char *text = malloc(n + 64);
    char *name = malloc(n + 1);
    strcpy(text, "# long\nstack:main.");
    size_t off = strlen(text);
    memset(text + off, 'x', n);
    strcpy(text + off + n, "*\ntop:main.after\n");
    gl_suppressions s = parse_ok_supp(text);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_uint_eq(strlen(s.rules[0].pattern), n + 6);
    ck_assert_int_eq(s.rules[1].line, 3);
    /* It matches a function name as long as itself, plus the '*'. */
    memcpy(name, "main.", 5);
    memset(name + 5, 'x', n - 5);
    name[n] = '\0';
    ck_assert_int_eq(gl_supp_glob(s.rules[0].pattern, name), 0);
    char *longer = malloc(n + 16);
    snprintf(longer, n + 16, "main.%sxxxxxtail", name + 5);
    ck_assert_int_eq(gl_supp_glob(s.rules[0].pattern, longer), 1);
    /* An error on a long line quotes a bounded part of it. */
    memset(text, 'y', n);
    text[n] = '\0';
    const char *msg = parse_err(text, n, 1);
    ck_assert_uint_lt(strlen(msg), 256);
    ck_assert_ptr_nonnull(strstr(msg, "t.supp:1: expected KIND:PATTERN"));
    free(longer);
    free(name);
    free(text);
    gl_supp_free(&s);
}
END_TEST

START_TEST(reads_files_and_names_missing_ones)
{
    gl_suppressions s = {0};
    gl_supp_error err;
    const char *path = data_path("example.supp");
    ck_assert_int_eq(gl_supp_load_file(&s, path, &err), 0);
    ck_assert_uint_eq(s.n, 3);
    ck_assert_str_eq(s.rules[0].origin, path);
    ck_assert_int_eq(s.rules[0].kind, GL_SUPP_TOP);
    ck_assert_str_eq(s.rules[0].pattern, "main.sender");
    ck_assert_int_eq(s.rules[0].line, 4);
    ck_assert_int_eq(s.rules[2].kind, GL_SUPP_TEST);
    ck_assert_int_eq(s.rules[2].line, 10);

    ck_assert_int_eq(gl_supp_load_file(&s, "/nonexistent/dir/x.supp", &err), -1);
    ck_assert_str_eq(err.msg, "goleash: /nonexistent/dir/x.supp: No such file or directory");
    ck_assert_int_eq(err.line, 0);
    ck_assert_int_eq(gl_supp_load_file(&s, "/", &err), -1);
    ck_assert_str_eq(err.msg, "goleash: /: Is a directory");
    ck_assert_uint_eq(s.n, 3);
    gl_supp_free(&s);
}
END_TEST

/* The test runner's own goroutines are not suspects by default, in either
 * spelling; a hung test's own goroutine still is. */
START_TEST(default_list_leaves_out_the_test_runner)
{
    gl_suppressions s = {0};
    gl_supp_error err;
    ck_assert_msg(gl_supp_load_default(&s, &err) == 0, "%s", err.msg);
    static const char *const runner[] = {"testing.T.Run", "testing.(*T).Run", "testing.tRunner",
                                         "testing.(*T).Parallel"};
    for (size_t i = 0; i < sizeof runner / sizeof runner[0]; i++) {
        gl_frame f = {.function = (char *)runner[i]};
        gl_leak_group g = {.count = 1, .blocked_at = &f};
        ck_assert_msg(gl_supp_match(&s, &g) != NULL, "%s is not suppressed", runner[i]);
    }
    gl_frame hung = {.function = "example.com/x.TestHangs"};
    gl_leak_group g = {.count = 1, .blocked_at = &hung};
    ck_assert_ptr_null(gl_supp_match(&s, &g));
    gl_supp_free(&s);
}
END_TEST

START_TEST(default_list_is_valid)
{
    gl_suppressions s = {0};
    gl_supp_error err;
    ck_assert_msg(gl_supp_load_default(&s, &err) == 0, "%s", err.msg);
    ck_assert_uint_ge(s.n, 2);
    int writeloop = 0;
    for (size_t i = 0; i < s.n; i++) {
        ck_assert_str_eq(s.rules[i].origin, GL_SUPP_DEFAULT_ORIGIN);
        writeloop += strcmp(s.rules[i].text, "top:net/http.persistConn.writeLoop") == 0;
    }
    ck_assert_int_eq(writeloop, 1);
    gl_supp_free(&s);
}
END_TEST

START_TEST(glob)
{
    static const struct {
        const char *pattern, *str;
        int match;
    } cases[] = {
        {"main.worker", "main.worker", 1},
        {"main.worker", "main.worker2", 0},       /* whole string, not a prefix */
        {"main.worker", "xmain.worker", 0},
        {"main.work", "main.worker", 0},
        {"Main.worker", "main.worker", 0},        /* case-sensitive */
        {"*", "", 1},
        {"*", "anything/at.all", 1},
        {"", "", 1},
        {"", "x", 0},
        {"main.*", "main.worker..func1", 1},
        {"*.worker", "main.worker", 1},
        {"*.worker", "main.worker.x", 0},
        {"net/*/persistConn.*Loop", "net/http/persistConn.readLoop", 1},
        {"net/*/persistConn.*Loop", "net/http/persistConn.readLoopX", 0},
        {"*a*b", "xaxxb", 1},
        {"*a*b", "xaxxbx", 0},
        {"a*b*c", "abc", 1},
        {"a*b*c", "acb", 0},
        {"**x**", "x", 1},
        {"*/vendor/*", "/src/app/vendor/lib/x.go", 1},
        {"*/vendor/*", "vendor/lib/x.go", 0},
        {"a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0},
        {"a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(gl_supp_glob(cases[i].pattern, cases[i].str) == cases[i].match, "glob('%s', '%s') != %d",
                      cases[i].pattern, cases[i].str, cases[i].match);
    ck_assert_int_eq(gl_supp_glob("*", NULL), 0);
}
END_TEST

START_TEST(gc_receiver_spelling)
{
    gl_suppressions s = parse_ok_supp("top:net/http.(*persistConn).writeLoop\n"
                                      "stack:example.com/x.(*T).run..func1\n"
                                      "created:main.(*).x\n"
                                      "file:/src/(*T).go\n"
                                      "test:Test(*T).x\n");
    ck_assert_str_eq(s.rules[0].pattern, "net/http.persistConn.writeLoop");
    ck_assert_str_eq(s.rules[0].text, "top:net/http.(*persistConn).writeLoop");
    ck_assert_str_eq(s.rules[1].pattern, "example.com/x.T.run.func1");
    ck_assert_str_eq(s.rules[2].pattern, "main.(*).x");    /* not a receiver: kept */
    ck_assert_str_eq(s.rules[3].pattern, "/src/(*T).go");  /* only function kinds */
    ck_assert_str_eq(s.rules[4].pattern, "Test(*T).x");
    gl_supp_free(&s);
}
END_TEST

START_TEST(canonical_names)
{
    static const struct {
        const char *name, *canonical;
    } cases[] = {
        {"net/http.(*persistConn).writeLoop", "net/http.persistConn.writeLoop"},
        {"net/http.persistConn.writeLoop", "net/http.persistConn.writeLoop"},
        {"main.main..func1", "main.main.func1"},
        {"main.main.func1", "main.main.func1"},
        {"example.com/x.(*T).run..func2..func1", "example.com/x.T.run.func2.func1"},
        {"example.com/x.(*List[...]).Push", "example.com/x.List[...].Push"},
        {"main.(*).x", "main.(*).x"},          /* no receiver name */
        {"main.go..thunk0", "main.go..thunk0"},  /* wrappers keep their spelling */
        {"main.f..funcx", "main.f..funcx"},
        {"runtime.gopark", "runtime.gopark"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[16], *heap;
        const char *c = gl_canonical_name(cases[i].name, buf, sizeof buf, &heap);
        ck_assert_msg(c && strcmp(c, cases[i].canonical) == 0, "canonical('%s') = '%s', want '%s'", cases[i].name,
                      c ? c : "(null)", cases[i].canonical);
        ck_assert_int_eq(gl_name_is_canonical(cases[i].name), strcmp(cases[i].name, cases[i].canonical) == 0);
        free(heap);
    }
    char *heap;
    ck_assert_ptr_null(gl_canonical_name(NULL, NULL, 0, &heap));
}
END_TEST

/* A hand-made group: parks in main.worker (under runtime frames, file
 * /src/app/worker.go), created in main.startPool called by main.main. */
typedef struct fixture {
    gl_frame park[3], made[3];
    gl_stack stack, created;
    gl_leak_group g;
} fixture;

static void fixture_init(fixture *f, const char *test)
{
    memset(f, 0, sizeof *f);
    f->park[0] = (gl_frame){.function = "runtime.gopark"};
    f->park[1] = (gl_frame){.function = "main.worker", .file = "/src/app/worker.go", .line = 12};
    f->park[2] = (gl_frame){.function = "main.go..thunk0", .file = "/src/app/pool.go", .line = 30};
    f->made[0] = (gl_frame){.function = "main.startPool", .file = "/src/app/pool.go", .line = 30};
    f->made[1] = (gl_frame){.function = "main.main", .file = "/src/app/main.go", .line = 8};
    f->made[2] = (gl_frame){.function = "runtime.main"};
    f->stack = (gl_stack){.n = 3, .frames = f->park};
    f->created = (gl_stack){.n = 3, .frames = f->made};
    f->g.count = 1;
    f->g.stack = &f->stack;
    f->g.created = &f->created;
    f->g.blocked_index = 1;
    f->g.blocked_at = &f->park[1];
    f->g.created_at = &f->made[0];
    f->g.test = test;
}

static int matches(const char *rule, const gl_leak_group *g)
{
    gl_suppressions s = parse_ok_supp(rule);
    int m = gl_supp_match(&s, g) != NULL;
    gl_supp_free(&s);
    return m;
}

START_TEST(match_kinds)
{
    fixture f;
    fixture_init(&f, "TestPool/small");
    const gl_leak_group *g = &f.g;
    /* stack: any frame of the park stack, runtime ones included. */
    ck_assert_int_eq(matches("stack:main.worker", g), 1);
    ck_assert_int_eq(matches("stack:runtime.gopark", g), 1);
    ck_assert_int_eq(matches("stack:main.go..thunk*", g), 1);
    ck_assert_int_eq(matches("stack:main.startPool", g), 0);
    /* top: only blocked_at. */
    ck_assert_int_eq(matches("top:main.worker", g), 1);
    ck_assert_int_eq(matches("top:runtime.gopark", g), 0);
    ck_assert_int_eq(matches("top:main.go..thunk0", g), 0);
    /* created: any frame of the creation stack. */
    ck_assert_int_eq(matches("created:main.main", g), 1);
    ck_assert_int_eq(matches("created:main.startPool", g), 1);
    ck_assert_int_eq(matches("created:main.worker", g), 0);
    /* file: a park-stack frame's file, whole path. */
    ck_assert_int_eq(matches("file:/src/app/worker.go", g), 1);
    ck_assert_int_eq(matches("file:*/pool.go", g), 1);
    ck_assert_int_eq(matches("file:worker.go", g), 0);
    ck_assert_int_eq(matches("file:*/main.go", g), 0); /* only in the creation stack */
    /* test: the group's test, subtest path included. */
    ck_assert_int_eq(matches("test:TestPool/small", g), 1);
    ck_assert_int_eq(matches("test:TestPool/*", g), 1);
    ck_assert_int_eq(matches("test:TestPool", g), 0);
    ck_assert_int_eq(matches("test:setup", g), 0);
    /* leak: LeakSanitizer's, a substring of a function or file in either
     * stack, ^ and $ anchoring it. */
    ck_assert_int_eq(matches("leak:worker", g), 1);
    ck_assert_int_eq(matches("leak:startPool", g), 1);       /* creation stack */
    ck_assert_int_eq(matches("leak:app/pool.go", g), 1);     /* a file */
    ck_assert_int_eq(matches("leak:^main.work", g), 1);
    ck_assert_int_eq(matches("leak:^ain.worker", g), 0);
    ck_assert_int_eq(matches("leak:main.worker$", g), 1);
    ck_assert_int_eq(matches("leak:^main.worker$", g), 1);
    ck_assert_int_eq(matches("leak:^main.work$", g), 0);
    ck_assert_int_eq(matches("leak:TestPool", g), 0);        /* not the test */
    ck_assert_int_eq(matches("leak:(*Pool).run", g), 0);
}
END_TEST

START_TEST(match_without_facts)
{
    /* Unknown stacks, no file names (the shim's in-process report), no test:
     * the rules that need them never match, and nothing crashes. */
    fixture f;
    fixture_init(&f, NULL);
    f.park[1].file = NULL;
    f.park[2].file = NULL;
    ck_assert_int_eq(matches("file:*", &f.g), 0);
    ck_assert_int_eq(matches("test:*", &f.g), 0);
    f.g.test = "setup";
    ck_assert_int_eq(matches("test:setup", &f.g), 1);
    gl_leak_group empty = {.count = 1};
    ck_assert_int_eq(matches("stack:*", &empty), 0);
    ck_assert_int_eq(matches("top:*", &empty), 0);
    ck_assert_int_eq(matches("created:*", &empty), 0);
    ck_assert_int_eq(matches("file:*", &empty), 0);
    ck_assert_int_eq(matches("test:*", &empty), 0);
}
END_TEST

START_TEST(first_matching_rule_gets_the_hit)
{
    fixture f;
    fixture_init(&f, NULL);
    gl_suppressions s = parse_ok_supp("top:main.other\ncreated:main.main\nstack:main.worker\n");
    const gl_supp_rule *r = gl_supp_match(&s, &f.g);
    ck_assert_ptr_eq(r, &s.rules[1]);
    gl_supp_free(&s);
}
END_TEST

/* A report of three groups: 3 in main.worker, 2 in main.idle, 1 in
 * main.other; arrays malloc'd as gl_rules_run makes them. */
static gl_report *report_of(fixture *f)
{
    static const char *tops[] = {"main.worker", "main.idle", "main.other"};
    static const size_t counts[] = {3, 2, 1};
    gl_report *r = calloc(1, sizeof *r);
    r->groups = calloc(3, sizeof *r->groups);
    r->ngroups = 3;
    for (size_t i = 0; i < 3; i++) {
        fixture_init(&f[i], i == 1 ? "TestIdle" : NULL);
        f[i].park[1].function = (char *)tops[i];
        f[i].g.count = counts[i];
        f[i].g.ngoids = counts[i];
        f[i].g.goids = calloc(counts[i], sizeof *f[i].g.goids);
        f[i].g.npids = 1;
        f[i].g.pids = calloc(1, sizeof *f[i].g.pids);
        r->groups[i] = f[i].g;
        r->leaked += counts[i];
    }
    return r;
}

START_TEST(apply_removes_and_counts)
{
    fixture f[3];
    gl_report *r = report_of(f);
    gl_suppressions s = parse_ok_supp("top:main.other\n"
                                      "test:TestIdle\n"
                                      "stack:main.never\n"
                                      "file:*/worker.go\n");
    /* file: would also match main.other's group: the earlier rule wins. */
    gl_supp_apply(&s, r);
    ck_assert_ptr_eq(r->suppressions, &s);
    ck_assert_uint_eq(r->ngroups, 0);
    ck_assert_uint_eq(r->leaked, 0);
    ck_assert_uint_eq(r->suppressed, 6);
    ck_assert_uint_eq(r->suppressed_groups, 3);
    ck_assert_uint_eq(s.rules[0].hit_groups, 1);
    ck_assert_uint_eq(s.rules[0].hit_goroutines, 1);
    ck_assert_uint_eq(s.rules[1].hit_groups, 1);
    ck_assert_uint_eq(s.rules[1].hit_goroutines, 2);
    ck_assert_uint_eq(s.rules[2].hit_groups, 0);
    ck_assert_uint_eq(s.rules[3].hit_groups, 1);
    ck_assert_uint_eq(s.rules[3].hit_goroutines, 3);
    size_t user;
    ck_assert_uint_eq(gl_supp_used(&s, &user), 3);
    ck_assert_uint_eq(user, 3);
    gl_report_free(r);
    gl_supp_free(&s);
}
END_TEST

START_TEST(apply_keeps_order_of_the_rest)
{
    fixture f[3];
    gl_report *r = report_of(f);
    gl_suppressions s = parse_ok_supp("top:main.idle\n");
    gl_supp_apply(&s, r);
    ck_assert_uint_eq(r->ngroups, 2);
    ck_assert_str_eq(r->groups[0].blocked_at->function, "main.worker");
    ck_assert_str_eq(r->groups[1].blocked_at->function, "main.other");
    ck_assert_uint_eq(r->leaked, 4);
    ck_assert_uint_eq(r->suppressed, 2);
    ck_assert_uint_eq(r->suppressed_groups, 1);
    gl_report_free(r);
    gl_supp_free(&s);

    /* No rules, or none given: nothing changes. */
    r = report_of(f);
    gl_supp_apply(NULL, r);
    ck_assert_uint_eq(r->ngroups, 3);
    ck_assert_uint_eq(r->leaked, 6);
    ck_assert_ptr_null(r->suppressions);
    gl_report_free(r);
}
END_TEST

/* A suppressed group leaves its test's tally: the `--- LEAK: TestX` lines
 * and JSON tests[] once named a test whose only leak was suppressed (seen
 * on groupcache's TestHTTPPool, net/http's writeLoop). */
START_TEST(apply_untallies_the_test)
{
    fixture f[3];
    gl_report *r = report_of(f);
    r->tests = calloc(2, sizeof *r->tests);
    r->ntests = 2;
    r->tests[0] = (gl_test_result){.name = "TestOther", .leaked = 0, .groups = 0};
    r->tests[1] = (gl_test_result){.name = f[1].g.test, .leaked = 2, .groups = 1};
    gl_suppressions s = parse_ok_supp("top:main.idle\n");
    gl_supp_apply(&s, r);
    ck_assert_uint_eq(r->ngroups, 2);
    ck_assert_uint_eq(r->tests[1].leaked, 0);
    ck_assert_uint_eq(r->tests[1].groups, 0);
    ck_assert_uint_eq(r->tests[0].leaked, 0);
    gl_report_free(r);
    gl_supp_free(&s);
}
END_TEST

static char *text_with(const char *rules, const char *origin, const gl_text_opts *o, gl_suppressions *s)
{
    gl_dump *d;
    ck_assert_int_eq(gl_dump_read_file(data_path("leak_small.dump"), &d, NULL), 0);
    gl_report *r = gl_rules_run(&d, 1, NULL);
    gl_supp_error err;
    ck_assert_int_eq(gl_supp_parse(s, origin, rules, strlen(rules), &err), 0);
    gl_supp_apply(s, r);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(gl_report_text(f, r, o), 0);
    fclose(f);
    gl_report_free(r);
    gl_dump_free(d);
    return buf;
}

START_TEST(text_report_lists_used_rules)
{
    gl_suppressions s = {0};
    gl_text_opts o = {.pid = 4242, .print_when_clean = 1};
    char *t = text_with("# x\nstack:main.never\ntop:main.sender\n", "my.supp", &o, &s);
    const char *table = strstr(t, "-----------------------------------------------------\n"
                                  "Suppressions used:\n"
                                  "  goroutines  groups  rule\n"
                                  "           1       1  top:main.sender (my.supp:3)\n"
                                  "  (shown with --no-default-suppressions or default_suppressions=0 for the\n"
                                  "  <default> rules, and without the file for the others)\n"
                                  "-----------------------------------------------------\n"
                                  "\n"
                                  "SUMMARY: goleash: 2 leaked goroutine(s) in 1 group(s); 1 suppressed.\n");
    ck_assert_msg(table != NULL, "got:\n%s", t);
    ck_assert_str_eq(table + strlen(table) - 1, "\n");
    ck_assert_ptr_null(strstr(t, "main.sender+"));
    ck_assert_ptr_null(strstr(t, "main.never"));
    free(t);
    gl_supp_free(&s);
}
END_TEST

START_TEST(text_report_when_everything_is_suppressed)
{
    gl_suppressions s = {0};
    gl_text_opts o = {.pid = 4242, .print_when_clean = 1};
    char *t = text_with("created:main.main\n", "all.supp", &o, &s);
    ck_assert_str_eq(t, "-----------------------------------------------------\n"
                        "Suppressions used:\n"
                        "  goroutines  groups  rule\n"
                        "           3       2  created:main.main (all.supp:1)\n"
                        "  (shown with --no-default-suppressions or default_suppressions=0 for the\n"
                        "  <default> rules, and without the file for the others)\n"
                        "-----------------------------------------------------\n"
                        "\n"
                        "goleash: no goroutine leaks (5 goroutines in 1 dump(s); 3 suppressed)\n");
    free(t);
    gl_supp_free(&s);

    /* The shim: silent when only built-in rules were used ... */
    gl_text_opts shim = {.pid = 4242, .quiet_default_suppressions = 1};
    gl_suppressions d = {0};
    t = text_with("created:main.main\n", GL_SUPP_DEFAULT_ORIGIN, &shim, &d);
    ck_assert_str_eq(t, "");
    free(t);
    gl_supp_free(&d);
    /* ... but it shows a table of the user's rules. */
    gl_suppressions u = {0};
    t = text_with("created:main.main\n", "u.supp", &shim, &u);
    ck_assert_ptr_nonnull(strstr(t, "           3       2  created:main.main (u.supp:1)\n"));
    ck_assert_ptr_null(strstr(t, "no goroutine leaks"));
    free(t);
    gl_supp_free(&u);
}
END_TEST

START_TEST(text_report_with_leaks_shows_default_rules_too)
{
    gl_suppressions s = {0};
    gl_text_opts shim = {.pid = 4242, .quiet_default_suppressions = 1};
    char *t = text_with("top:main.sender\n", GL_SUPP_DEFAULT_ORIGIN, &shim, &s);
    ck_assert_ptr_nonnull(strstr(t, "           1       1  top:main.sender (<default>:1)\n"));
    ck_assert_ptr_nonnull(strstr(t, "SUMMARY: goleash: 2 leaked goroutine(s) in 1 group(s); 1 suppressed.\n"));
    free(t);
    gl_supp_free(&s);
}
END_TEST

Suite *suppress_suite(void)
{
    Suite *s = suite_create("suppress");
    TCase *p = tcase_create("parse");
    tcase_add_test(p, parses_every_kind);
    tcase_add_test(p, comments_blanks_and_spacing);
    tcase_add_test(p, empty_and_comment_only_files);
    tcase_add_test(p, unknown_kind_names_file_and_line);
    tcase_add_test(p, other_syntax_errors);
    tcase_add_test(p, failed_parse_keeps_earlier_rules_only);
    tcase_add_test(p, very_long_lines);
    tcase_add_test(p, reads_files_and_names_missing_ones);
    tcase_add_test(p, default_list_is_valid);
    tcase_add_test(p, default_list_leaves_out_the_test_runner);
    tcase_add_test(p, gc_receiver_spelling);
    tcase_add_test(p, canonical_names);
    suite_add_tcase(s, p);
    TCase *m = tcase_create("match");
    tcase_add_test(m, glob);
    tcase_add_test(m, match_kinds);
    tcase_add_test(m, match_without_facts);
    tcase_add_test(m, first_matching_rule_gets_the_hit);
    tcase_add_test(m, apply_removes_and_counts);
    tcase_add_test(m, apply_keeps_order_of_the_rest);
    tcase_add_test(m, apply_untallies_the_test);
    suite_add_tcase(s, m);
    TCase *t = tcase_create("report");
    tcase_add_test(t, text_report_lists_used_rules);
    tcase_add_test(t, text_report_when_everything_is_suppressed);
    tcase_add_test(t, text_report_with_leaks_shows_default_rules_too);
    suite_add_tcase(s, t);
    return s;
}
