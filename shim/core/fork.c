/* fork(2) while other threads spawn and park: every lock of the core is
 * taken before the fork and released on both sides, so the child starts
 * with a consistent registry, and then logs and dumps as itself (%p). */
#include "core/registry.h"

#include <pthread.h>

static void prepare(void)
{
    gl_registry_atfork_prepare();
    gl_tests_atfork_prepare();
    gl_stacks_atfork_prepare();
    gl_alloc_atfork_prepare();
}

static void parent(void)
{
    gl_alloc_atfork_parent();
    gl_stacks_atfork_parent();
    gl_tests_atfork_parent();
    gl_registry_atfork_parent();
}

static void child(void)
{
    gl_alloc_atfork_child();
    gl_stacks_atfork_child();
    gl_registry_atfork_child();
    gl_tests_atfork_child();
    gl_log_reset_after_fork();
}

void gl_fork_install(void)
{
    pthread_atfork(prepare, parent, child);
}
