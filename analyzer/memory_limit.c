/* The analyzer's memory bound (memory_limit.h). */
#include "memory_limit.h"
#include "format/dump_read.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

static uint64_t applied;

int gl_memory_limit_parse(const char *arg, uint64_t *bytes)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *arg == '-')
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'K': case 'k': shift = 10; end++; break;
    case 'M': case 'm': shift = 20; end++; break;
    case 'G': case 'g': shift = 30; end++; break;
    default: break;
    }
    if (*end == 'i' || *end == 'B')
        end += *end == 'i' && end[1] == 'B' ? 2 : 1;
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return -1;
    *bytes = (uint64_t)v << shift;
    return 0;
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

void gl_memory_limit_apply(uint64_t bytes)
{
#ifdef UNDER_ASAN
    (void)bytes;
#else
    struct rlimit rl;
    if (!bytes || getrlimit(RLIMIT_DATA, &rl) != 0)
        return;
    if (rl.rlim_max != RLIM_INFINITY && bytes > rl.rlim_max)
        bytes = rl.rlim_max;
    rl.rlim_cur = bytes;
    if (setrlimit(RLIMIT_DATA, &rl) == 0) {
        applied = bytes;
        snprintf(gl_diag_oom_note, sizeof gl_diag_oom_note,
                 " (more than --max-memory allows: %" PRIu64 " MiB; raise it, e.g. --max-memory 2G, 0 for no limit)",
                 bytes >> 20);
    }
#endif
}

uint64_t gl_memory_limit_applied(void)
{
    return applied;
}

void gl_memory_oom(const char *doing)
{
    fprintf(stderr, "goleash: out of memory %s%s\n", doing, gl_diag_oom_note);
}
