/* The Check suites of the common library, one per concern, and the helpers
 * they share. */
#ifndef GOLEASH_TEST_COMMON_SUITES_H
#define GOLEASH_TEST_COMMON_SUITES_H

#include <check.h>

#include "format/dump_read.h"

Suite *dump_read_suite(void);
Suite *rules_suite(void);
Suite *suppress_suite(void);
Suite *report_text_suite(void);
Suite *duration_suite(void);
Suite *attribution_suite(void);

/* Path of a file in tests/unit/common/data (GL_TEST_DATA), in one of four
 * rotating static buffers. */
const char *data_path(const char *name);

/* Parses text that must be a valid dump; fails the test otherwise. */
gl_dump *parse_ok(const char *text);

/* The info line every hand-written dump of the tests starts with:
 * pid 100, mono_ns 10s, min_park_ns 0. */
#define TEST_HEADER                                                                              \
    "goleash-dump 1\n"                                                                           \
    "info pid=100 ppid=1 exe=/src/prog reason=exit status=0 mono_ns=10000000000 wall_ns=0 "      \
    "goroutine_ids=go libgo=/usr/lib/libgo.so.21 min_park_ns=0 missing=\n"

#endif
