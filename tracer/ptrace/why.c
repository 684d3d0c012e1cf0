#include "ptrace/why.h"

#include <stdarg.h>
#include <stdio.h>

int gc_why(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return -1;
}
