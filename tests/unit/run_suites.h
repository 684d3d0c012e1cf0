/* The one main() body of every unit test executable: run the suites, exit
 * non-zero when any test failed. */
#ifndef GOLEASH_TEST_RUN_SUITES_H
#define GOLEASH_TEST_RUN_SUITES_H

#include <check.h>
#include <stddef.h>
#include <stdlib.h>

/* mode: how much Check prints (CK_VERBOSE, CK_NORMAL); in_process: run the
 * tests in this process (the shim's registry and intern tables are
 * process-global state the shim tests build on), not each in a fork. */
static inline int gl_run_suites(Suite *const *suites, size_t n, enum print_output mode, int in_process)
{
    SRunner *sr = srunner_create(suites[0]);
    for (size_t i = 1; i < n; i++)
        srunner_add_suite(sr, suites[i]);
    if (in_process)
        srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, mode);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* A suite of one test case of the same name, holding tests in order (Check
 * runs a test case's fixtures around every test, whenever they are added);
 * timeout_s 0 keeps Check's default. Returns the test case, for fixtures. */
static inline TCase *gl_single_case(Suite **suite, const char *name, int timeout_s, const TTest *const *tests,
                                    size_t n)
{
    *suite = suite_create(name);
    TCase *tc = tcase_create(name);
    if (timeout_s > 0)
        tcase_set_timeout(tc, timeout_s);
    for (size_t i = 0; i < n; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(*suite, tc);
    return tc;
}

#define GL_TESTS(...) ((const TTest *const[]){__VA_ARGS__}), sizeof((const TTest *const[]){__VA_ARGS__}) / sizeof(const TTest *)

#define GL_SUITES(...) ((Suite *const[]){__VA_ARGS__}), sizeof((Suite *const[]){__VA_ARGS__}) / sizeof(Suite *)

#endif
