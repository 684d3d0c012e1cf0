/* Unit tests of the report files: JUnit XML, SARIF, GitHub annotations, and
 * what they stand on (XML and workflow-command escaping, SHA-256, path
 * placeholders, the source root). Reports are built from the committed
 * leaky.dump, with file:line and test names filled in the way the
 * symbolizer and test attribution fill them. */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../run_suites.h"
#include "../test_data.h"
#include "reports/leak_text.h"
#include "format/dump_read.h"
#include "reports/out_path.h"
#include "reports/github.h"
#include "reports/json.h"
#include "reports/junit.h"
#include "reports/sarif.h"
#include "text_report/text_report.h"
#include "rules/rules.h"
#include "reports/sha256.h"
#include "enrich/source_root.h"
#include "reports/xml_escape.h"

/* ---- fixtures ----------------------------------------------------------- */

static void set_line(gl_dump *d, size_t stack, size_t frame, const char *file, int line)
{
    ck_assert_uint_lt(stack, d->nstacks);
    ck_assert_uint_lt(frame, d->stacks[stack]->n);
    gl_frame *f = &d->stacks[stack]->frames[frame];
    f->file = (char *)gl_dump_intern(d, file);
    f->line = line;
}

/* leaky.dump: 2 goroutines parked in main.worker (chan receive), 1 in
 * main.sender (chan send), all created by main.main. line_shift moves every
 * line, as an edit above the code would. */
static gl_dump *leaky_dump(int line_shift)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(gl_dump_read_file(gl_test_data_path("leaky.dump"), &d, &diag) == 0, "%s", diag.msg);
    set_line(d, 0, 2, "/repo/pkg/leak.go", 12 + line_shift); /* main.worker */
    set_line(d, 0, 3, "/repo/pkg/leak.go", 15 + line_shift); /* main.main..func1 */
    set_line(d, 1, 1, "/repo/pkg/leak.go", 20 + line_shift); /* main.main: go statement */
    set_line(d, 2, 1, "/repo/pkg/leak.go", 18 + line_shift); /* main.main: make(chan) */
    set_line(d, 3, 1, "/repo/pkg/leak.go", 30 + line_shift); /* main.sender */
    return d;
}

static void free_dump(gl_dump *d)
{
    /* The test lists set here are static arrays, not the reader's. */
    d->tests = NULL;
    d->ntests = 0;
    gl_dump_free(d);
}

static gl_report *report_of(gl_dump *d)
{
    gl_report *r = gl_rules_run(&d, 1, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->ngroups, 2);
    ck_assert_str_eq(r->groups[0].blocked_at->function, "main.worker");
    ck_assert_str_eq(r->groups[1].blocked_at->function, "main.sender");
    return r;
}

typedef struct capture {
    char *buf;
    size_t len;
    FILE *f;
} capture;

static FILE *capture_start(capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    ck_assert_ptr_nonnull(c->f);
    return c->f;
}

static char *capture_end(capture *c)
{
    fclose(c->f);
    return c->buf;
}

static const char paragraph_worker[] =
    "Leak of 2 goroutine(s) [chan receive, category chan-receive], parked 1.2s..1.5s, blocked at:\n"
    "    (2 inner runtime frame(s) not shown)\n"
    "    #0 main.worker /repo/pkg/leak.go:12\n"
    "    #1 main.main..func1 /repo/pkg/leak.go:15\n"
    "  created by goroutine 1 at:\n"
    "    (1 inner runtime frame(s) not shown)\n"
    "    #0 main.main /repo/pkg/leak.go:20\n"
    "  ancestors: goroutine 1 (main.main)\n"
    "  channel 0xc000012000: made at main.main /repo/pkg/leak.go:18, unbuffered, never closed; last touched by "
    "goroutine 18 (recv, 1.5s before the dump)";

static const char paragraph_sender[] =
    "Leak of 1 goroutine(s) [chan send, category chan-send], parked 1s, blocked at:\n"
    "    (1 inner runtime frame(s) not shown)\n"
    "    #0 main.sender /repo/pkg/leak.go:30\n"
    "  created by goroutine 1 at:\n"
    "    (1 inner runtime frame(s) not shown)\n"
    "    #0 main.main /repo/pkg/leak.go:20\n"
    "  ancestors: goroutine 1 (main.main)\n"
    "  channel 0xc000013000: made at main.main /repo/pkg/leak.go:18, buffered (cap 2), never closed";

/* A paragraph of a group that belongs to a test: the text report names the
 * test after the ancestors. Returns one of two static buffers (by slot). */
static const char *with_test(const char *paragraph, const char *test, int slot)
{
    static char buf[2][4096];
    const char *at = strstr(paragraph, "  channel ");
    ck_assert_ptr_nonnull(at);
    snprintf(buf[slot], sizeof buf[slot], "%.*s  test: %s\n%s", (int)(at - paragraph), paragraph, test, at);
    return buf[slot];
}

/* ---- escaping, hashing, paths ------------------------------------------- */

static char *xml_of(const char *s, int attr)
{
    capture c;
    gl_xml_escape(capture_start(&c), s, attr);
    return capture_end(&c);
}

START_TEST(xml_escape_markup_and_illegal_characters)
{
    char *s = xml_of("a&b<c>d\"e'f", 0);
    ck_assert_str_eq(s, "a&amp;b&lt;c&gt;d&quot;e&apos;f");
    free(s);
    /* Controls other than tab, LF, CR are not XML 1.0 characters: dropped.
     * CR would be turned into LF by any parser: a reference keeps it. */
    s = xml_of("x\x01\x08\x0b\x0c\x1f\x7fy\tz\r\n", 0);
    ck_assert_str_eq(s, "x\x7fy\tz&#13;\n");
    free(s);
    s = xml_of("tab\there\nnl\rcr", 1);
    ck_assert_str_eq(s, "tab&#9;here&#10;nl&#13;cr");
    free(s);
    /* UTF-8 kept (2, 3, 4 bytes); bad bytes, overlong forms, surrogates and
     * truncated sequences become '?'; U+FFFE and U+FFFF are dropped. */
    s = xml_of("\xc3\xa9\xe2\x82\xac\xf0\x9f\x90\xb9|\xff|\xc0\xaf|\xed\xa0\x80|\xef\xbf\xbe\xef\xbf\xbf|\xe2\x82", 0);
    ck_assert_str_eq(s, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x90\xb9|?|??|???||??");
    free(s);
    s = xml_of(NULL, 0);
    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

static char *gh_of(const char *s, int prop)
{
    capture c;
    gl_github_escape(capture_start(&c), s, prop);
    return capture_end(&c);
}

START_TEST(github_escape_data_and_properties)
{
    char *s = gh_of("100% done\r\nnext: a,b", 0);
    ck_assert_str_eq(s, "100%25 done%0D%0Anext: a,b");
    free(s);
    s = gh_of("100% done\r\nnext: a,b", 1);
    ck_assert_str_eq(s, "100%25 done%0D%0Anext%3A a%2Cb");
    free(s);
    s = gh_of("%0A", 0); /* already-escaped text must not decode to a newline */
    ck_assert_str_eq(s, "%250A");
    free(s);
    /* Other control characters: GitHub decodes none, so goleash's \xHH;
     * a newline stays GitHub's %0A, so no line starts a command. */
    s = gh_of("a\x1b[31mb\n::error::x\x07\xc2\x9b\xc3\xa9", 0);
    ck_assert_str_eq(s, "a\\x1b[31mb%0A::error::x\\x07\\u009b\xc3\xa9");
    free(s);
    s = gh_of("T\x1b\n::", 1);
    ck_assert_str_eq(s, "T\\x1b%0A%3A%3A");
    free(s);
}
END_TEST

START_TEST(sha256_known_answers)
{
    /* FIPS 180-2 appendix B: the wrapper hands nettle the right bytes. */
    char hex[65];
    gl_sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(out_path_placeholders)
{
    char bad = 'x', buf[256];
    ck_assert_int_eq(gl_out_path_check("reports/%b-%p.xml", &bad), 0);
    ck_assert_int_eq(gl_out_path_check("100%%.json", &bad), 0);
    ck_assert_int_eq(gl_out_path_check("a%d.xml", &bad), -1);
    ck_assert_int_eq(bad, 'd');
    ck_assert_int_eq(gl_out_path_check("a%", &bad), -1);
    ck_assert_int_eq(bad, '\0');

    ck_assert_int_eq(gl_out_path_expand("reports/%b-%p.xml", 4242, "/tmp/go-build1/b001/pool.test", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "reports/pool.test-4242.xml");
    ck_assert_int_eq(gl_out_path_expand("%%b%%p%b%%", 7, "x.test", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "%b%px.test%");
    ck_assert_int_eq(gl_out_path_expand("r/%b.xml", 7, NULL, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "r/goleash.xml");
    ck_assert_int_eq(gl_out_path_expand("r/%b.xml", 7, "dir/", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "r/goleash.xml");
    ck_assert_int_eq(gl_out_path_expand("%b%b%b", 7, "long.test", buf, 20), -1);
    ck_assert_int_eq(gl_out_path_expand("abc", 7, NULL, buf, 4), 0);
    ck_assert_int_eq(gl_out_path_expand("abcd", 7, NULL, buf, 4), -1);
}
END_TEST

/* %b is one path component, whatever the program is called. */
START_TEST(out_path_b_stays_in_its_directory)
{
    char buf[256];
    ck_assert_int_eq(gl_out_path_expand("r/%b/x.xml", 7, "/src/..", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "r/goleash/x.xml");
    ck_assert_int_eq(gl_out_path_expand("r/%b/x.xml", 7, "..", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "r/goleash/x.xml");
    ck_assert_int_eq(gl_out_path_expand("r/%b/x.xml", 7, "a/.", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "r/goleash/x.xml");
    ck_assert_int_eq(gl_out_path_expand("r/%b.xml", 7, "../../etc/pass\nwd\x1b", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "r/pass_wd_.xml");
    /* Dots inside a name are a name. */
    ck_assert_int_eq(gl_out_path_expand("r/%b.xml", 7, "/x/...", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "r/....xml");
    /* The rest of the pattern is the user's own, taken as given. */
    ck_assert_int_eq(gl_out_path_expand("../r/%b.xml", 7, "p", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "../r/p.xml");
}
END_TEST

START_TEST(out_path_makes_missing_directories)
{
    char dir[] = "/tmp/goleash-test-mk.XXXXXX", path[256], cmd[300];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a/b/c/report.xml", dir);
    ck_assert_int_eq(gl_out_path_make_parent(path), 0);
    ck_assert_int_eq(gl_out_path_make_parent(path), 0); /* already there */
    struct stat st;
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(gl_out_path_make_parent("report.xml"), 0); /* no directory part */
    /* A file in the way is an error. */
    snprintf(path, sizeof path, "%s/a/b/c/report.xml/x.xml", dir);
    FILE *f = fopen(path + 0, "w");
    ck_assert_ptr_null(f);
    snprintf(path, sizeof path, "%s/file", dir);
    f = fopen(path, "w");
    fclose(f);
    snprintf(path, sizeof path, "%s/file/x/y.xml", dir);
    ck_assert_int_eq(gl_out_path_make_parent(path), -1);
    snprintf(cmd, sizeof cmd, "rm -r %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(source_root_relative_paths)
{
    gl_source_root r;
    unsetenv("GITHUB_WORKSPACE");
    ck_assert_int_eq(gl_source_root_init(&r, "/repo/"), 0);
    ck_assert_str_eq(r.path, "/repo");
    ck_assert_str_eq(gl_source_root_relative(&r, "/repo/pkg/a.go"), "pkg/a.go");
    ck_assert_ptr_null(gl_source_root_relative(&r, "/repository/a.go"));
    ck_assert_ptr_null(gl_source_root_relative(&r, "/repo"));
    ck_assert_ptr_null(gl_source_root_relative(&r, "/usr/lib/go/src/x.go"));
    ck_assert_str_eq(gl_source_root_relative(&r, "./pkg/a.go"), "pkg/a.go");
    ck_assert_str_eq(gl_source_root_relative(&r, "pkg/a.go"), "pkg/a.go");
    ck_assert_ptr_null(gl_source_root_relative(&r, "../../../src/libgo/go/runtime/proc.go"));
    ck_assert_ptr_null(gl_source_root_relative(&r, "/repo/pkg/../../etc/x.go"));
    ck_assert_ptr_null(gl_source_root_relative(&r, NULL));

    /* Precedence: the option, then GITHUB_WORKSPACE, then the cwd. */
    setenv("GITHUB_WORKSPACE", "/home/runner/work/p/p", 1);
    ck_assert_int_eq(gl_source_root_init(&r, NULL), 0);
    ck_assert_str_eq(r.path, "/home/runner/work/p/p");
    ck_assert_int_eq(gl_source_root_init(&r, "/src"), 0);
    ck_assert_str_eq(r.path, "/src");
    setenv("GITHUB_WORKSPACE", "", 1);
    char cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(gl_source_root_init(&r, NULL), 0);
    ck_assert_str_eq(r.path, cwd);
    unsetenv("GITHUB_WORKSPACE");
    /* A relative option is taken from the cwd; symbolic links resolved too. */
    ck_assert_int_eq(gl_source_root_init(&r, "sub/"), 0);
    char want[4200];
    snprintf(want, sizeof want, "%s/sub", cwd);
    ck_assert_str_eq(r.path, want);
    char dir[] = "/tmp/goleash-test-root.XXXXXX", link[64], file[128], cmd[200];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(link, sizeof link, "%s.lnk", dir);
    ck_assert_int_eq(symlink(dir, link), 0);
    ck_assert_int_eq(gl_source_root_init(&r, link), 0);
    snprintf(file, sizeof file, "%s/x/y.go", dir);
    ck_assert_str_eq(gl_source_root_relative(&r, file), "x/y.go");
    snprintf(file, sizeof file, "%s/x/y.go", link);
    ck_assert_str_eq(gl_source_root_relative(&r, file), "x/y.go");
    snprintf(cmd, sizeof cmd, "rm -r %s %s", link, dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- JUnit -------------------------------------------------------------- */

static char *junit_of(gl_report *r, gl_dump *d, const char *program)
{
    capture c;
    ck_assert_int_eq(gl_report_junit(capture_start(&c), r, &d, 1, program), 0);
    return capture_end(&c);
}

START_TEST(junit_one_testcase_per_test)
{
    gl_dump *d = leaky_dump(0);
    static const char *tests[] = {"TestA", "TestB", "TestD/x<&>\"'", "TestB"};
    d->tests = tests;
    d->ntests = 4; /* a test listed twice (a process tree) is one testcase */
    gl_report *r = report_of(d);
    r->groups[0].test = "TestB";
    r->groups[1].test = "setup";
    char *xml = junit_of(r, d, "pool.test");
    char want[8192];
    snprintf(want, sizeof want,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<testsuites name=\"goleash\" tests=\"4\" failures=\"2\" errors=\"0\">\n"
             "  <testsuite name=\"pool.test\" tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"0\">\n"
             "    <properties>\n"
             "      <property name=\"goleash.leaked_goroutines\" value=\"3\"/>\n"
             "      <property name=\"goleash.groups\" value=\"2\"/>\n"
             "      <property name=\"goleash.dumps\" value=\"1\"/>\n"
             "    </properties>\n"
             "    <testcase classname=\"goleash.pool.test\" name=\"TestA\"/>\n"
             "    <testcase classname=\"goleash.pool.test\" name=\"TestB\">\n"
             "      <failure type=\"goroutine-leak\" message=\"Leak of 2 goroutine(s) in test TestB: chan receive "
             "(category chan-receive) at main.worker /repo/pkg/leak.go:12, created at main.main "
             "/repo/pkg/leak.go:20\">goleash: 2 leaked goroutine(s) in 1 group(s)\n"
             "\n%s\n"
             "</failure>\n"
             "    </testcase>\n"
             "    <testcase classname=\"goleash.pool.test\" name=\"TestD/x&lt;&amp;&gt;&quot;&apos;\"/>\n"
             "    <testcase classname=\"goleash.pool.test\" name=\"setup\">\n"
             "      <failure type=\"goroutine-leak\" message=\"Leak of 1 goroutine(s) in setup (before the first "
             "test): chan send (category chan-send) at main.sender /repo/pkg/leak.go:30, created at main.main "
             "/repo/pkg/leak.go:20\">goleash: 1 leaked goroutine(s) in 1 group(s)\n"
             "\n%s\n"
             "</failure>\n"
             "    </testcase>\n"
             "  </testsuite>\n"
             "</testsuites>\n",
             with_test(paragraph_worker, "TestB", 0), with_test(paragraph_sender, "setup", 1));
    ck_assert_str_eq(xml, want);
    free(xml);

    /* The failure text is what the text report prints for the group. */
    capture c;
    gl_text_opts to = {.pid = 4242};
    ck_assert_int_eq(gl_report_text(capture_start(&c), r, &to), 0);
    char *text = capture_end(&c);
    ck_assert_ptr_nonnull(strstr(text, with_test(paragraph_worker, "TestB", 0)));
    ck_assert_ptr_nonnull(strstr(text, with_test(paragraph_sender, "setup", 1)));
    free(text);
    gl_report_free(r);
    free_dump(d);
}
END_TEST

START_TEST(junit_without_tests_names_the_program)
{
    gl_dump *d = leaky_dump(0);
    gl_report *r = report_of(d);
    char *xml = junit_of(r, d, "leaky");
    /* Both groups in one failing testcase, in report order. */
    ck_assert_ptr_nonnull(strstr(xml, "<testsuites name=\"goleash\" tests=\"1\" failures=\"1\" errors=\"0\">\n"));
    ck_assert_ptr_nonnull(strstr(xml, "    <testcase classname=\"goleash.leaky\" name=\"leaky\">\n"
                                      "      <failure type=\"goroutine-leak\" message=\"Leak of 2 goroutine(s): chan "
                                      "receive (category chan-receive) at main.worker /repo/pkg/leak.go:12, created "
                                      "at main.main /repo/pkg/leak.go:20 (and 1 more group(s))\">goleash: 3 leaked "
                                      "goroutine(s) in 2 group(s)\n\n"));
    const char *a = strstr(xml, paragraph_worker), *b = strstr(xml, paragraph_sender);
    ck_assert(a && b && a < b);
    free(xml);
    gl_report_free(r);

    /* Clean and no tests: one passing testcase, so the gate shows it ran. */
    gl_rules_opts ro = {.min_park_ns = 3600LL * 1000000000};
    r = gl_rules_run(&d, 1, &ro);
    ck_assert_uint_eq(r->ngroups, 0);
    xml = junit_of(r, d, "leaky");
    ck_assert_ptr_nonnull(strstr(xml, "<testsuites name=\"goleash\" tests=\"1\" failures=\"0\" errors=\"0\">\n"));
    ck_assert_ptr_nonnull(strstr(xml, "    <testcase classname=\"goleash.leaky\" name=\"leaky\"/>\n"));
    ck_assert_ptr_null(strstr(xml, "<failure"));
    free(xml);

    /* Clean with tests: every test passes, no program testcase. */
    static const char *tests[] = {"TestOne", "TestTwo"};
    d->tests = tests;
    d->ntests = 2;
    xml = junit_of(r, d, "leaky");
    ck_assert_ptr_nonnull(strstr(xml, "tests=\"2\" failures=\"0\""));
    ck_assert_ptr_nonnull(strstr(xml, "    <testcase classname=\"goleash.leaky\" name=\"TestOne\"/>\n"
                                      "    <testcase classname=\"goleash.leaky\" name=\"TestTwo\"/>\n"
                                      "  </testsuite>\n"));
    free(xml);
    gl_report_free(r);
    free_dump(d);
}
END_TEST

/* ---- SARIF -------------------------------------------------------------- */

static json_t *sarif_of(gl_report *r, const char *root_dir, const char *category)
{
    gl_source_root root;
    ck_assert_int_eq(gl_source_root_init(&root, root_dir), 0);
    gl_sarif_opts o = {.root = &root, .category = category};
    capture c;
    ck_assert_int_eq(gl_report_sarif(capture_start(&c), r, &o), 0);
    char *s = capture_end(&c);
    json_error_t err;
    json_t *j = json_loads(s, 0, &err);
    ck_assert_msg(j != NULL, "invalid JSON: %s", err.text);
    free(s);
    return j;
}

static const char *jstr(json_t *j, const char *path)
{
    /* "a.b.0.c": objects by key, arrays by index. */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && j; tok = strtok(NULL, "."))
        j = json_is_array(j) ? json_array_get(j, strtoul(tok, NULL, 10)) : json_object_get(j, tok);
    ck_assert_msg(json_is_string(j), "%s is not a string", path);
    return json_string_value(j);
}

static json_int_t jint(json_t *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && j; tok = strtok(NULL, "."))
        j = json_is_array(j) ? json_array_get(j, strtoul(tok, NULL, 10)) : json_object_get(j, tok);
    ck_assert_msg(json_is_integer(j), "%s is not an integer", path);
    return json_integer_value(j);
}

/* The run: the tool, its rules, where paths are relative to. */
static json_t *check_sarif_run(json_t *s)
{
    json_t *runs = json_object_get(s, "runs");
    ck_assert_uint_eq(json_array_size(runs), 1);
    json_t *run = json_array_get(runs, 0);
    ck_assert_str_eq(jstr(run, "tool.driver.name"), "goleash");
    ck_assert_str_eq(jstr(run, "tool.driver.version"), GOLEASH_VERSION);
    ck_assert_str_eq(jstr(run, "automationDetails.id"), "goleash/pool.test/");
    ck_assert_str_eq(jstr(run, "originalUriBaseIds.%SRCROOT%.uri"), "file:///repo/");
    json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    ck_assert_uint_eq(json_array_size(rules), GL_CAT_ONCE + 1);
    for (size_t i = 0; i < json_array_size(rules); i++) {
        char want[64];
        gl_sarif_rule_id((gl_category)i, want, sizeof want);
        ck_assert_str_eq(jstr(json_array_get(rules, i), "id"), want);
        ck_assert_str_eq(jstr(json_array_get(rules, i), "defaultConfiguration.level"), "error");
        ck_assert(*jstr(json_array_get(rules, i), "shortDescription.text"));
    }

    return run;
}

/* The first result: a chan-receive leak of test TestB at main.worker. */
static void check_sarif_first_result(json_t *r0)
{
    ck_assert_str_eq(jstr(r0, "ruleId"), "goroutine-leak/chan-receive");
    ck_assert_int_eq(jint(r0, "ruleIndex"), GL_CAT_CHAN_RECEIVE);
    ck_assert_str_eq(jstr(r0, "level"), "error");
    /* The message: one summary line, then the text report's paragraph. */
    char want[4096];
    snprintf(want, sizeof want,
             "Leak of 2 goroutine(s) in test TestB: chan receive (category chan-receive) at main.worker "
             "/repo/pkg/leak.go:12, created at main.main /repo/pkg/leak.go:20\n\n%s",
             with_test(paragraph_worker, "TestB", 0));
    ck_assert_str_eq(jstr(r0, "message.text"), want);
    ck_assert_uint_eq(json_array_size(json_object_get(r0, "locations")), 1);
    ck_assert_str_eq(jstr(r0, "locations.0.physicalLocation.artifactLocation.uri"), "pkg/leak.go");
    ck_assert_str_eq(jstr(r0, "locations.0.physicalLocation.artifactLocation.uriBaseId"), "%SRCROOT%");
    ck_assert_int_eq(jint(r0, "locations.0.physicalLocation.region.startLine"), 12);
    ck_assert_str_eq(jstr(r0, "locations.0.logicalLocations.0.fullyQualifiedName"), "main.worker");
    ck_assert_str_eq(jstr(r0, "locations.0.logicalLocations.0.kind"), "function");
    json_t *rel = json_object_get(r0, "relatedLocations");
    ck_assert_uint_eq(json_array_size(rel), 2);
    ck_assert_int_eq(jint(rel, "0.id"), 1);
    ck_assert_str_eq(jstr(rel, "0.message.text"), "goroutine created here");
    ck_assert_int_eq(jint(rel, "0.physicalLocation.region.startLine"), 20);
    ck_assert_str_eq(jstr(rel, "0.logicalLocations.0.fullyQualifiedName"), "main.main");
    ck_assert_int_eq(jint(rel, "1.id"), 2);
    ck_assert_str_eq(jstr(rel, "1.message.text"), "channel made here");
    ck_assert_int_eq(jint(rel, "1.physicalLocation.region.startLine"), 18);
    /* Stacks from the blocking frame on; runtime frames without a file keep
     * their logical location only. */
    ck_assert_str_eq(jstr(r0, "stacks.0.message.text"), "blocking stack");
    ck_assert_uint_eq(json_array_size(json_object_get(json_array_get(json_object_get(r0, "stacks"), 0), "frames")), 2);
    ck_assert_str_eq(jstr(r0, "stacks.0.frames.1.location.logicalLocations.0.fullyQualifiedName"), "main.main..func1");
    ck_assert_str_eq(jstr(r0, "stacks.1.message.text"), "creation stack");
    ck_assert_str_eq(jstr(r0, "properties.test"), "TestB");
    ck_assert_int_eq(jint(r0, "properties.count"), 2);
    ck_assert_int_eq(jint(r0, "properties.goroutines.1"), 19);

    /* The documented fingerprint: SHA-256 over "v1", category, blocking
     * function, creation function, test, each NUL-terminated; ":1" = the
     * first group with that hash. */
    static const char key[] = "v1\0chan-receive\0main.worker\0main.main\0TestB";
    char hex[65], fp[80];
    gl_sha256_hex(key, sizeof key, hex);
    snprintf(fp, sizeof fp, "%s:1", hex);
    ck_assert_str_eq(jstr(r0, "partialFingerprints.goleashLeak/v1"), fp);

}

START_TEST(sarif_structure)
{
    gl_dump *d = leaky_dump(0);
    gl_report *r = report_of(d);
    r->groups[0].test = "TestB";
    json_t *s = sarif_of(r, "/repo", "goleash/pool.test/");
    ck_assert_str_eq(jstr(s, "version"), "2.1.0");
    ck_assert_str_eq(jstr(s, "$schema"),
                     "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
    json_t *run = check_sarif_run(s);
    json_t *results = json_object_get(run, "results");
    ck_assert_uint_eq(json_array_size(results), r->ngroups);
    json_t *r0 = json_array_get(results, 0);
    check_sarif_first_result(r0);

    json_t *r1 = json_array_get(results, 1);
    ck_assert_str_eq(jstr(r1, "ruleId"), "goroutine-leak/chan-send");
    ck_assert_int_eq(jint(r1, "ruleIndex"), GL_CAT_CHAN_SEND);
    ck_assert(json_is_null(json_object_get(json_object_get(r1, "properties"), "test")));
    json_decref(s);

    /* Outside the source root: an absolute file URI, no base id. */
    s = sarif_of(r, "/elsewhere", NULL);
    run = json_array_get(json_object_get(s, "runs"), 0);
    ck_assert_ptr_null(json_object_get(run, "automationDetails"));
    r0 = json_array_get(json_object_get(run, "results"), 0);
    ck_assert_str_eq(jstr(r0, "locations.0.physicalLocation.artifactLocation.uri"), "file:///repo/pkg/leak.go");
    json_t *artifact = json_object_get(
        json_object_get(json_array_get(json_object_get(r0, "locations"), 0), "physicalLocation"), "artifactLocation");
    ck_assert_ptr_nonnull(artifact);
    ck_assert_ptr_null(json_object_get(artifact, "uriBaseId"));
    json_decref(s);
    gl_report_free(r);
    free_dump(d);
}
END_TEST

START_TEST(sarif_without_file_uses_a_logical_location)
{
    gl_dump *d;
    ck_assert_int_eq(gl_dump_read_file(gl_test_data_path("leaky.dump"), &d, NULL), 0);
    /* Spaces and '%' in a file name are percent-encoded in the URI. */
    set_line(d, 3, 1, "/repo/my dir/100%.go", 7);
    gl_report *r = report_of(d);
    json_t *s = sarif_of(r, "/repo", NULL);
    json_t *results = json_object_get(json_array_get(json_object_get(s, "runs"), 0), "results");
    json_t *r0 = json_array_get(results, 0);
    json_t *loc = json_array_get(json_object_get(r0, "locations"), 0);
    ck_assert_ptr_null(json_object_get(loc, "physicalLocation"));
    ck_assert_str_eq(jstr(loc, "logicalLocations.0.fullyQualifiedName"), "main.worker");
    json_t *r1 = json_array_get(results, 1);
    ck_assert_str_eq(jstr(r1, "locations.0.physicalLocation.artifactLocation.uri"), "my%20dir/100%25.go");
    json_decref(s);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

static void fingerprints(gl_report *r, char fp[][96])
{
    for (size_t i = 0; i < r->ngroups; i++)
        gl_sarif_fingerprint(r, &r->groups[i], fp[i], sizeof fp[i]);
}

/* The fingerprint and the loose grouping key of group 0 with its blocking
 * frame's function spelled as given. */
static void spelled(gl_report *r, const char *fn, char fp[96], char **key)
{
    gl_frame *f = (gl_frame *)r->groups[0].blocked_at;
    char *was = f->function;
    f->function = (char *)fn;
    gl_sarif_fingerprint(r, &r->groups[0], fp, 96);
    size_t len;
    *key = gl_rules_group_key(&r->groups[0], GL_KEY_LOOSE, &len);
    ck_assert_ptr_nonnull(*key);
    f->function = was;
}

START_TEST(one_leak_one_fingerprint_across_compilers)
{
    gl_dump *d = leaky_dump(0);
    gl_report *r = report_of(d);
    char gc[96], gccgo[96], other[96], *kgc, *kgccgo, *kother;
    spelled(r, "example.com/pool.(*Pool).run.func1", gc, &kgc);
    spelled(r, "example.com/pool.Pool.run..func1", gccgo, &kgccgo);
    spelled(r, "example.com/pool.Pool.run.func2", other, &kother);
    ck_assert_str_eq(gc, gccgo);
    ck_assert_str_eq(kgc, kgccgo);
    ck_assert_str_ne(gc, other);
    ck_assert_str_ne(kgc, kother);
    /* The documented hash is over the canonical spelling. */
    static const char key[] = "v1\0chan-receive\0example.com/pool.Pool.run.func1\0main.main\0";
    char hex[65];
    gl_sha256_hex(key, sizeof key, hex);
    ck_assert_int_eq(strncmp(gc, hex, 64), 0);
    free(kgc);
    free(kgccgo);
    free(kother);
    gl_report_free(r);
    free_dump(d);
}
END_TEST

START_TEST(sarif_fingerprints_are_stable)
{
    char a[2][96], b[2][96];
    gl_dump *d = leaky_dump(0);
    gl_report *r = report_of(d);
    fingerprints(r, a);
    ck_assert_str_ne(a[0], a[1]);
    gl_report_free(r);
    free_dump(d);

    /* Another build: lines moved, code and data at other addresses. */
    d = leaky_dump(40);
    for (size_t s = 0; s < d->nstacks; s++)
        for (size_t f = 0; f < d->stacks[s]->n; f++) {
            d->stacks[s]->frames[f].pc += 0x1000;
            d->stacks[s]->frames[f].off += 0x10;
        }
    for (size_t i = 0; i < d->nchans; i++)
        d->chans[i].addr += 0x100;
    r = report_of(d);
    fingerprints(r, b);
    ck_assert_str_eq(a[0], b[0]);
    ck_assert_str_eq(a[1], b[1]);

    /* Another test, another alert. */
    r->groups[0].test = "TestA";
    fingerprints(r, b);
    ck_assert_str_ne(a[0], b[0]);
    ck_assert_str_eq(a[1], b[1]);
    r->groups[0].test = NULL;

    /* Same category, blocking and creating functions at two sites: equal
     * hashes, told apart by the ordinal (creation line order). */
    r->groups[1].category = r->groups[0].category;
    r->groups[1].blocked_at = r->groups[0].blocked_at;
    fingerprints(r, b);
    size_t colon = strchr(b[0], ':') - b[0];
    ck_assert_int_eq(strncmp(b[0], b[1], colon + 1), 0);
    ck_assert_str_eq(b[0] + colon, ":1");
    ck_assert_str_eq(b[1] + colon, ":2");
    gl_report_free(r);
    free_dump(d);
}
END_TEST

/* ---- GitHub annotations ------------------------------------------------- */

START_TEST(github_annotations_exact)
{
    gl_dump *d = leaky_dump(0);
    gl_report *r = report_of(d);
    r->groups[0].test = "TestB/case:1,2";
    gl_source_root root;
    ck_assert_int_eq(gl_source_root_init(&root, "/repo"), 0);
    capture c;
    ck_assert_int_eq(gl_report_github(capture_start(&c), r, &root), 0);
    char *out = capture_end(&c);
    const char *nl = strchr(out, '\n');
    ck_assert_ptr_nonnull(nl);
    size_t len = (size_t)(nl - out);
    char first[8192];
    memcpy(first, out, len);
    first[len] = '\0';
    ck_assert_str_eq(
        first,
        "::error file=pkg/leak.go,line=12,title=goroutine leak (chan-receive) in TestB/case%3A1%2C2::"
        "Leak of 2 goroutine(s) in test TestB/case:1,2: chan receive (category chan-receive) at main.worker "
        "/repo/pkg/leak.go:12, created at main.main /repo/pkg/leak.go:20%0A%0A"
        "Leak of 2 goroutine(s) [chan receive, category chan-receive], parked 1.2s..1.5s, blocked at:%0A"
        "    (2 inner runtime frame(s) not shown)%0A"
        "    #0 main.worker /repo/pkg/leak.go:12%0A"
        "    #1 main.main..func1 /repo/pkg/leak.go:15%0A"
        "  created by goroutine 1 at:%0A"
        "    (1 inner runtime frame(s) not shown)%0A"
        "    #0 main.main /repo/pkg/leak.go:20%0A"
        "  ancestors: goroutine 1 (main.main)%0A"
        "  test: TestB/case:1,2%0A"
        "  channel 0xc000012000: made at main.main /repo/pkg/leak.go:18, unbuffered, never closed; last touched "
        "by goroutine 18 (recv, 1.5s before the dump)");
    ck_assert_ptr_nonnull(strstr(nl + 1, "::error file=pkg/leak.go,line=30,title=goroutine leak (chan-send)::"));
    ck_assert_ptr_null(strchr(strchr(nl + 1, '\n') + 1, '\n')); /* two lines in all */
    free(out);

    /* Outside the root: no file, no line. */
    ck_assert_int_eq(gl_source_root_init(&root, "/elsewhere"), 0);
    ck_assert_int_eq(gl_report_github(capture_start(&c), r, &root), 0);
    out = capture_end(&c);
    ck_assert_int_eq(strncmp(out, "::error title=goroutine leak (chan-receive) in TestB/case%3A1%2C2::Leak of 2", 75),
                     0);
    free(out);
    gl_report_free(r);
    free_dump(d);
}
END_TEST

/* Blocked in code outside the source tree (the standard library, a module
 * cache): annotations and SARIF results are placed at the program's own
 * frame that called in, the blocking site kept as a related location. */
START_TEST(anchored_in_the_source_tree)
{
    gl_dump *d = leaky_dump(0);
    set_line(d, 0, 2, "/usr/lib/go/src/io/pipe.go", 57); /* main.worker, as if it were io.(*pipe).read */
    gl_report *r = report_of(d);
    gl_source_root root;
    ck_assert_int_eq(gl_source_root_init(&root, "/repo"), 0);
    capture c;
    ck_assert_int_eq(gl_report_github(capture_start(&c), r, &root), 0);
    char *out = capture_end(&c);
    ck_assert_msg(strncmp(out, "::error file=pkg/leak.go,line=15,title=goroutine leak (chan-receive)::", 70) == 0,
                  "%s", out);
    ck_assert_ptr_nonnull(strstr(out, " at main.worker /usr/lib/go/src/io/pipe.go:57, created at"));
    free(out);

    json_t *s = sarif_of(r, "/repo", NULL);
    json_t *r0 = json_array_get(json_object_get(json_array_get(json_object_get(s, "runs"), 0), "results"), 0);
    ck_assert_str_eq(jstr(r0, "locations.0.physicalLocation.artifactLocation.uri"), "pkg/leak.go");
    ck_assert_int_eq(jint(r0, "locations.0.physicalLocation.region.startLine"), 15);
    ck_assert_str_eq(jstr(r0, "locations.0.logicalLocations.0.fullyQualifiedName"), "main.main..func1");
    ck_assert_str_eq(jstr(r0, "relatedLocations.0.message.text"), "blocked here, outside the source tree");
    ck_assert_str_eq(jstr(r0, "relatedLocations.0.physicalLocation.artifactLocation.uri"),
                     "file:///usr/lib/go/src/io/pipe.go");
    ck_assert_str_eq(jstr(r0, "relatedLocations.1.message.text"), "goroutine created here");
    json_decref(s);

    /* No frame in the tree at all: the blocking site, as before. */
    s = sarif_of(r, "/elsewhere", NULL);
    r0 = json_array_get(json_object_get(json_array_get(json_object_get(s, "runs"), 0), "results"), 0);
    ck_assert_str_eq(jstr(r0, "locations.0.physicalLocation.artifactLocation.uri"), "file:///usr/lib/go/src/io/pipe.go");
    ck_assert_str_eq(jstr(r0, "relatedLocations.0.message.text"), "goroutine created here");
    json_decref(s);
    gl_report_free(r);
    free_dump(d);
}
END_TEST

/* ---- JSON: the test field ----------------------------------------------- */

START_TEST(json_leak_has_its_test)
{
    gl_dump *d = leaky_dump(0);
    gl_report *r = report_of(d);
    r->groups[0].test = "TestB/sub";
    capture c;
    ck_assert_int_eq(gl_report_json(capture_start(&c), r, NULL), 0);
    char *s = capture_end(&c);
    json_t *j = json_loads(s, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(jstr(j, "leaks.0.test"), "TestB/sub");
    ck_assert(json_is_null(json_object_get(json_array_get(json_object_get(j, "leaks"), 1), "test")));
    json_decref(j);
    free(s);
    gl_report_free(r);
    free_dump(d);
}
END_TEST

/* ---- lock holders: JSON and text ----------------------------------------- */

/* The group whose blocked_at is fn. */
static const gl_leak_group *group_at(const gl_report *r, const char *fn)
{
    for (size_t i = 0; i < r->ngroups; i++)
        if (r->groups[i].blocked_at && strcmp(r->groups[i].blocked_at->function, fn) == 0)
            return &r->groups[i];
    ck_abort_msg("no group blocked at %s", fn);
    return NULL;
}

static json_t *leak_at(json_t *j, const char *fn)
{
    json_t *leaks = json_object_get(j, "leaks");
    for (size_t i = 0; i < json_array_size(leaks); i++) {
        json_t *l = json_array_get(leaks, i);
        if (strcmp(json_string_value(json_object_get(json_object_get(l, "blocked_at"), "function")), fn) == 0)
            return l;
    }
    ck_abort_msg("no leak blocked at %s", fn);
    return NULL;
}

static json_t *first_holder(json_t *lock)
{
    return json_array_get(json_object_get(lock, "holders"), 0);
}

START_TEST(json_lock_holders_and_chains)
{
    gl_dump *d;
    gl_diag diag;
    ck_assert_msg(gl_dump_read_file(gl_test_data_path("locks.dump"), &d, &diag) == 0, "%s", diag.msg);
    gl_report *r = gl_rules_run(&d, 1, NULL);
    ck_assert_uint_eq(r->ngroups, 6);
    capture c;
    ck_assert_int_eq(gl_report_json(capture_start(&c), r, NULL), 0);
    char *s = capture_end(&c);
    json_t *j = json_loads(s, 0, NULL);
    ck_assert_ptr_nonnull(j);

    /* waiter -> a (blocked on second) -> b (blocked on a channel) */
    json_t *lock = json_object_get(leak_at(j, "main.waiter"), "lock");
    ck_assert_str_eq(json_string_value(json_object_get(lock, "addr")), "0xa0");
    ck_assert_str_eq(json_string_value(json_object_get(lock, "kind")), "mutex");
    ck_assert(json_is_true(json_object_get(lock, "locked")));
    ck_assert(json_is_null(json_object_get(lock, "readers")));
    json_t *h = first_holder(lock);
    ck_assert_int_eq(json_integer_value(json_object_get(h, "goid")), 11);
    ck_assert_str_eq(json_string_value(json_object_get(h, "mode")), "write");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(h, "locked_at"), "function")), "main.a");
    ck_assert(json_is_false(json_object_get(h, "exited")));
    ck_assert_str_eq(json_string_value(json_object_get(h, "state")), "parked");
    ck_assert_str_eq(json_string_value(json_object_get(h, "category")), "mutex");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(h, "blocked_at"), "function")), "main.a");
    ck_assert(json_is_false(json_object_get(h, "deadlock")));
    json_t *next = json_object_get(h, "waits_on");
    ck_assert_str_eq(json_string_value(json_object_get(next, "addr")), "0xb0");
    h = first_holder(next);
    ck_assert_int_eq(json_integer_value(json_object_get(h, "goid")), 12);
    ck_assert_str_eq(json_string_value(json_object_get(h, "category")), "chan-receive");
    ck_assert(json_is_null(json_object_get(h, "waits_on")));

    /* a holder that exited without unlocking */
    h = first_holder(json_object_get(leak_at(j, "main.update"), "lock"));
    ck_assert_int_eq(json_integer_value(json_object_get(h, "goid")), 7);
    ck_assert(json_is_true(json_object_get(h, "exited")));
    ck_assert_str_eq(json_string_value(json_object_get(h, "state")), "exited");
    ck_assert(json_is_null(json_object_get(h, "blocked_at")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(h, "locked_at"), "function")), "main.grab");

    /* d1 (14) waits for d2's lock, d2 (15) for d1's: the chain comes back
     * to 14 and ends there, on the cycle */
    h = first_holder(json_object_get(leak_at(j, "main.d1"), "lock"));
    ck_assert_int_eq(json_integer_value(json_object_get(h, "goid")), 15);
    ck_assert(json_is_false(json_object_get(h, "deadlock")));
    h = first_holder(json_object_get(h, "waits_on"));
    ck_assert_int_eq(json_integer_value(json_object_get(h, "goid")), 14);
    ck_assert(json_is_true(json_object_get(h, "deadlock")));
    ck_assert(json_is_null(json_object_get(h, "waits_on")));

    /* no lock record: null */
    ck_assert(json_is_null(json_object_get(leak_at(j, "main.b"), "lock")));
    json_decref(j);
    free(s);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

START_TEST(text_lock_holders_and_chains)
{
    gl_dump *d;
    ck_assert_int_eq(gl_dump_read_file(gl_test_data_path("locks.dump"), &d, NULL), 0);
    gl_report *r = gl_rules_run(&d, 1, NULL);
    char *p = gl_leak_paragraph(group_at(r, "main.waiter"));
    ck_assert_ptr_nonnull(strstr(p, "\n  mutex 0xa0: locked\n"
                                    "    held by goroutine 11, locked at main.a+0x10 (0x403010); it is blocked (mutex) at "
                                    "main.a+0x20 (0x403020)\n"
                                    "    on mutex 0xb0: locked\n"
                                    "      held by goroutine 12, locked at main.b+0x10 (0x404010); it is blocked "
                                    "(chan-receive) at main.b+0x20 (0x404020)"));
    free(p);
    p = gl_leak_paragraph(group_at(r, "main.update"));
    ck_assert_ptr_nonnull(strstr(p, "\n  mutex 0xc0: locked\n"
                                    "    held by goroutine 7, which exited without unlocking, locked at main.grab+0x10 "
                                    "(0x405010)"));
    free(p);
    p = gl_leak_paragraph(group_at(r, "main.d1"));
    ck_assert_ptr_nonnull(strstr(p, "(waiting for a lock held along this chain: a deadlock)"));
    free(p);
    gl_report_free(r);
    gl_dump_free(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("outputs");
    TCase *base = tcase_create("escaping_hashing_paths");
    tcase_add_test(base, xml_escape_markup_and_illegal_characters);
    tcase_add_test(base, github_escape_data_and_properties);
    tcase_add_test(base, sha256_known_answers);
    tcase_add_test(base, out_path_placeholders);
    tcase_add_test(base, out_path_b_stays_in_its_directory);
    tcase_add_test(base, out_path_makes_missing_directories);
    tcase_add_test(base, source_root_relative_paths);
    suite_add_tcase(s, base);
    TCase *rep = tcase_create("reports");
    tcase_add_test(rep, junit_one_testcase_per_test);
    tcase_add_test(rep, junit_without_tests_names_the_program);
    tcase_add_test(rep, sarif_structure);
    tcase_add_test(rep, sarif_without_file_uses_a_logical_location);
    tcase_add_test(rep, sarif_fingerprints_are_stable);
    tcase_add_test(rep, one_leak_one_fingerprint_across_compilers);
    tcase_add_test(rep, github_annotations_exact);
    tcase_add_test(rep, anchored_in_the_source_tree);
    tcase_add_test(rep, json_leak_has_its_test);
    tcase_add_test(rep, json_lock_holders_and_chains);
    tcase_add_test(rep, text_lock_holders_and_chains);
    suite_add_tcase(s, rep);
    return gl_run_suites(GL_SUITES(s), CK_VERBOSE, 0);
}
