/* GOLEASH_OPTIONS parsing: LeakSanitizer syntax, later keys win, bad input
 * warns and keeps the default, nothing ever aborts. */
#include "core/core.h"
#include "options/options.h"

#include <check.h>
#include <errno.h>

#include "../run_suites.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char warnings[8][256];
static int nwarn;

static void capture(const char *msg)
{
    if (nwarn < 8)
        snprintf(warnings[nwarn], sizeof warnings[0], "%s", msg);
    nwarn++;
}

static gl_options parse(const char *s)
{
    gl_options o;
    nwarn = 0;
    memset(warnings, 0, sizeof warnings);
    gl_options_defaults(&o);
    gl_options_parse(&o, s, capture);
    return o;
}

START_TEST(defaults)
{
    gl_options o = parse(NULL);
    ck_assert_int_eq(o.report, 1);
    ck_assert_int_eq(o.exitcode, 23);
    ck_assert_int_eq(o.min_park_ns, 0);
    ck_assert_int_eq(o.dump_interval_ns, 0);
    ck_assert_str_eq(o.dump_path, "");
    ck_assert_str_eq(o.log_path, "");
    ck_assert_int_eq(nwarn, 0);
}
END_TEST

START_TEST(all_keys)
{
    gl_options o = parse("dump_path=/tmp/d.%p.dump:report=0:exitcode=7:min_park=1.5s:"
                         "dump_interval=250ms:log_path=/tmp/log.%p:verbosity=2:help=1");
    ck_assert_int_eq(nwarn, 0);
    ck_assert_str_eq(o.dump_path, "/tmp/d.%p.dump");
    ck_assert_int_eq(o.report, 0);
    ck_assert_int_eq(o.exitcode, 7);
    ck_assert_int_eq(o.min_park_ns, 1500000000LL);
    ck_assert_int_eq(o.dump_interval_ns, 250000000LL);
    ck_assert_str_eq(o.log_path, "/tmp/log.%p");
    ck_assert_int_eq(o.verbosity, 2);
    ck_assert_int_eq(o.help, 1);
}
END_TEST

START_TEST(later_keys_win_and_separators)
{
    gl_options o = parse("exitcode=3 exitcode=4,report=false:\texitcode=0");
    ck_assert_int_eq(nwarn, 0);
    ck_assert_int_eq(o.exitcode, 0);
    ck_assert_int_eq(o.report, 0);
}
END_TEST

START_TEST(quoted_values_keep_separators)
{
    gl_options o = parse("dump_path=\"/tmp/a b/x:%p,1\":exitcode=2");
    ck_assert_int_eq(nwarn, 0);
    ck_assert_str_eq(o.dump_path, "/tmp/a b/x:%p,1");
    ck_assert_int_eq(o.exitcode, 2);
}
END_TEST

START_TEST(unknown_key_warns_once_and_continues)
{
    gl_options o = parse("frobnicate=1:exitcode=9");
    ck_assert_int_eq(nwarn, 1);
    ck_assert_str_eq(warnings[0], "goleash: unknown option 'frobnicate' in GOLEASH_OPTIONS ignored");
    ck_assert_int_eq(o.exitcode, 9);
}
END_TEST

START_TEST(bad_values_keep_defaults)
{
    gl_options o = parse("exitcode=300:min_park=5:report=maybe:dump_interval=1x:verbosity=abc");
    ck_assert_int_eq(nwarn, 5);
    ck_assert_str_eq(warnings[0], "goleash: bad value for option 'exitcode' in GOLEASH_OPTIONS ignored");
    ck_assert_str_eq(warnings[1], "goleash: bad value for option 'min_park' in GOLEASH_OPTIONS ignored");
    ck_assert_int_eq(o.exitcode, 23);
    ck_assert_int_eq(o.min_park_ns, 0);
    ck_assert_int_eq(o.report, 1);
    ck_assert_int_eq(o.dump_interval_ns, 0);
}
END_TEST

START_TEST(key_without_value)
{
    gl_options o = parse("report:exitcode=5");
    ck_assert_int_eq(nwarn, 1);
    ck_assert_str_eq(warnings[0], "goleash: option without value 'report' in GOLEASH_OPTIONS ignored");
    ck_assert_int_eq(o.exitcode, 5);
    ck_assert_int_eq(o.report, 1);
}
END_TEST

/* A value too long for its field is refused whole, never cut to another
 * path. */
START_TEST(overlong_value_is_refused_not_cut)
{
    static char big[8192];
    memset(big, 'a', sizeof big - 1);
    memcpy(big, "dump_path=", 10);
    gl_options o = parse(big);
    ck_assert_int_eq(nwarn, 1);
    ck_assert_str_eq(warnings[0], "goleash: value too long for option 'dump_path' in GOLEASH_OPTIONS ignored");
    ck_assert_str_eq(o.dump_path, "");
}
END_TEST

/* GOLEASH_OPTIONS of any length: what comes after the first 2 KB counts
 * (`goleash run` appends its own dump_path after the user's options). */
START_TEST(long_option_strings_are_read_whole)
{
    static char s[12000];
    size_t n = 0;
    while (n < 9000)
        n += (size_t)snprintf(s + n, sizeof s - n, "verbosity=0:");
    snprintf(s + n, sizeof s - n, "dump_path=/tmp/run/goleash.%%p.dump:exitcode=0");
    gl_options o = parse(s);
    ck_assert_int_eq(nwarn, 0);
    ck_assert_str_eq(o.dump_path, "/tmp/run/goleash.%p.dump");
    ck_assert_int_eq(o.exitcode, 0);

    /* A path of 600 bytes, and one of 4095, kept whole. */
    static char path[4096];
    for (size_t len = 600; len <= 4095; len += 3495) {
        memset(path, 'p', len);
        path[0] = '/';
        path[len] = '\0';
        snprintf(s, sizeof s, "log_path=%s:report=0", path);
        o = parse(s);
        ck_assert_int_eq(nwarn, 0);
        ck_assert_uint_eq(strlen(o.log_path), len);
        ck_assert_str_eq(o.log_path, path);
        ck_assert_int_eq(o.report, 0);
    }
}
END_TEST

/* An unterminated quote would swallow every later option (goleash run's own
 * among them): one warning naming the option, and the value is not taken. */
START_TEST(unterminated_quote_warns_once)
{
    gl_options o = parse("exitcode=4:dump_path=\"/tmp/a b:report=0");
    ck_assert_int_eq(nwarn, 1);
    ck_assert_str_eq(warnings[0],
                     "goleash: unterminated quote in the value of option 'dump_path' in GOLEASH_OPTIONS ignored");
    ck_assert_str_eq(o.dump_path, "");
    ck_assert_int_eq(o.exitcode, 4);
    ck_assert_int_eq(o.report, 1);
}
END_TEST

static char errors[8][320];
static int nerr;

static void capture_error(const char *msg)
{
    if (nerr < 8)
        snprintf(errors[nerr], sizeof errors[0], "%s", msg);
    nerr++;
}

/* goleash run's check: the same problems, as errors. */
START_TEST(check_reports_every_problem)
{
    nerr = 0;
    ck_assert_int_eq(gl_options_check("report=0:dump_path=/x:min_park=1s", capture_error), 0);
    ck_assert_int_eq(nerr, 0);
    ck_assert_int_eq(gl_options_check(NULL, capture_error), 0);
    ck_assert_int_eq(gl_options_check("report=maybe:nope=1:exitcode:log_path='x", capture_error), -1);
    ck_assert_int_eq(nerr, 4);
    ck_assert_str_eq(errors[0], "goleash: bad value for option 'report' in GOLEASH_OPTIONS");
    ck_assert_str_eq(errors[1], "goleash: unknown option 'nope' in GOLEASH_OPTIONS");
    ck_assert_str_eq(errors[2], "goleash: option without value 'exitcode' in GOLEASH_OPTIONS");
    ck_assert_str_eq(errors[3], "goleash: unterminated quote in the value of option 'log_path' in GOLEASH_OPTIONS");
}
END_TEST

START_TEST(suppression_options)
{
    gl_options o = parse(NULL);
    ck_assert_str_eq(o.suppressions, "");
    ck_assert_int_eq(o.default_suppressions, 1);

    o = parse("suppressions=/etc/app.supp:default_suppressions=0");
    ck_assert_int_eq(nwarn, 0);
    ck_assert_str_eq(o.suppressions, "/etc/app.supp");
    ck_assert_int_eq(o.default_suppressions, 0);

    /* Relative to the directory at start-up: the file is read at exit. */
    char cwd[900], want[1024];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(want, sizeof want, "%s/ci/leaks.supp", cwd);
    o = parse("suppressions=ci/leaks.supp");
    ck_assert_str_eq(o.suppressions, want);

    o = parse("default_suppressions=maybe");
    ck_assert_int_eq(nwarn, 1);
    ck_assert_str_eq(warnings[0], "goleash: bad value for option 'default_suppressions' in GOLEASH_OPTIONS ignored");
    ck_assert_int_eq(o.default_suppressions, 1);

    /* Too long for the buffer: refused whole, never cut to another path. */
    char big[4200] = "suppressions=/";
    memset(big + 14, 'a', sizeof big - 15);
    big[sizeof big - 1] = '\0';
    o = parse(big);
    ck_assert_int_eq(nwarn, 1);
    ck_assert_str_eq(o.suppressions, "");

    /* An empty value turns an earlier one off. */
    o = parse("suppressions=/a.supp:suppressions=");
    ck_assert_str_eq(o.suppressions, "");
}
END_TEST

START_TEST(pattern_expansion)
{
    char out[128], want[128];
    gl_expand_pattern("/tmp/x.%p.dump", out, sizeof out);
    snprintf(want, sizeof want, "/tmp/x.%d.dump", (int)getpid());
    ck_assert_str_eq(out, want);
    ck_assert_int_eq(gl_expand_pattern("100%%-%q", out, sizeof out), 0);
    ck_assert_str_eq(out, "100%-%q");
    /* Too long for out: an error, not a shorter path. */
    errno = 0;
    ck_assert_int_eq(gl_expand_pattern("/tmp/x.%p.dump", out, 8), -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
    ck_assert_int_eq(gl_expand_pattern("/tmp/x.%p.dump", want, strlen(want) + 1), 0);
    ck_assert_int_eq(gl_expand_pattern("/tmp/x.%p.dump", out, strlen(want)), -1);
}
END_TEST

int main(void)
{
    Suite *s;
    gl_single_case(&s, "options", 0, GL_TESTS(
        defaults,
        all_keys,
        later_keys_win_and_separators,
        quoted_values_keep_separators,
        unknown_key_warns_once_and_continues,
        bad_values_keep_defaults,
        key_without_value,
        overlong_value_is_refused_not_cut,
        long_option_strings_are_read_whole,
        unterminated_quote_warns_once,
        check_reports_every_problem,
        pattern_expansion,
        suppression_options));
    return gl_run_suites(GL_SUITES(s), CK_VERBOSE, 1);
}
