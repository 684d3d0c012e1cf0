/* Load-time set-up. Marks itself done before doing anything, so that a
 * call into an interposer from inside the set-up (dlsym, a library
 * constructor) finds the real function and passes straight through. */
#include "interpose/interpose.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_int initialized;

/* Return addresses inside runtime.kickoff end a goroutine's stack. */
static void find_goroutine_bottom(void)
{
    void *k = dlsym(RTLD_NEXT, "runtime.kickoff");
    uintptr_t len;
    if (k && gl_function_extent(k, &len))
        gl_stacks_set_bottom((uintptr_t)k, (uintptr_t)k + len);
}

__attribute__((constructor)) static void gl_init(void)
{
    if (atomic_exchange(&initialized, 1))
        return;
    gl_options_defaults(&gl_host.opts);
    const char *env = getenv("GOLEASH_OPTIONS");
    gl_resolve_all();
    /* Options only matter (and only speak) in a gccgo program: in anything
     * else the shim is silent and inert. */
    if (!atomic_load(&gl_host.active))
        return;
    atomic_store(&gl_host.active, 0);
    gl_options_parse(&gl_host.opts, env, gl_log);
    if (gl_host.opts.help)
        gl_options_help(gl_log_fd());
    gl_stacks_init();
    find_goroutine_bottom();
    gl_registry_init();
    gl_testrun_init();
    gl_exit_init();
    atomic_store(&gl_host.active, 1);
    if (gl_host.opts.verbosity >= 1) {
        char msg[400];
        const char *missing = gl_host.missing;
        /* snprintf cuts a long list of missing symbols at the line's end. */
        if (snprintf(msg, sizeof msg, "goleash: active in pid %d, libgo %s%s%s", (int)getpid(), gl_host.libgo,
                     missing[0] ? ", not intercepted: " : "", missing) >= 0)
            gl_log(msg);
    }
}
