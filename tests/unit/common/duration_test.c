#include "suites.h"

#include "options/duration.h"

#include <stdint.h>
#include <string.h>

static const struct {
    const char *text;
    int64_t ns;
} good_durations[] = {
    {"0", 0}, {"250ms", 250000000}, {"1.5s", 1500000000}, {"2m", 120000000000LL},
    {"1h30m", 5400000000000LL}, {"100us", 100000}, {"7ns", 7}, {"1m30s", 90000000000LL},
};

START_TEST(parses_go_durations)
{
    int64_t ns = -1;
    ck_assert_int_eq(gl_parse_duration(good_durations[_i].text, &ns), 0);
    ck_assert_int_eq(ns, good_durations[_i].ns);
}
END_TEST

static const char *const bad_durations[] = {"", "5", "abc", "1x", "s", "-1s", "9999999999999999999h", "1.5", "ms"};

START_TEST(rejects_malformed_durations)
{
    int64_t ns = 42;
    ck_assert_int_eq(gl_parse_duration(bad_durations[_i], &ns), -1);
}
END_TEST

START_TEST(formats_compactly)
{
    char buf[32];
    ck_assert_str_eq(gl_format_duration(500, buf, sizeof buf), "500ns");
    ck_assert_str_eq(gl_format_duration(850000000, buf, sizeof buf), "850ms");
    ck_assert_str_eq(gl_format_duration(1200000000, buf, sizeof buf), "1.2s");
    ck_assert_str_eq(gl_format_duration(1500000000, buf, sizeof buf), "1.5s");
    ck_assert_str_eq(gl_format_duration(184000000000LL, buf, sizeof buf), "3m4s");
    ck_assert_str_eq(gl_format_duration(-5, buf, sizeof buf), "0ns");
}
END_TEST

Suite *duration_suite(void)
{
    Suite *s = suite_create("duration");
    TCase *tc = tcase_create("duration");
    tcase_add_loop_test(tc, parses_go_durations, 0, (int)(sizeof good_durations / sizeof good_durations[0]));
    tcase_add_loop_test(tc, rejects_malformed_durations, 0, (int)(sizeof bad_durations / sizeof bad_durations[0]));
    tcase_add_test(tc, formats_compactly);
    suite_add_tcase(s, tc);
    return s;
}
