/* The one main() of every shim test executable: run the suite verbosely in
 * this process (the registry and intern tables are process-global state the
 * tests build on), exit non-zero on any failure. */
#ifndef GOLEASH_TEST_RUN_SUITE_H
#define GOLEASH_TEST_RUN_SUITE_H

#include <check.h>

static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_VERBOSE);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

#endif
