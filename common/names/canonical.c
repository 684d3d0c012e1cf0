/* One spelling of function names across compilers (canonical.h). */
#include "names/canonical.h"

#include <stdlib.h>
#include <string.h>

/* `(*T).` with T free of parentheses and stars: a gc pointer receiver.
 * Returns the ')' or NULL. */
static const char *gc_receiver_end(const char *p)
{
    if (p[0] != '(' || p[1] != '*')
        return NULL;
    const char *close = p + 2;
    while (*close && *close != ')' && *close != '(' && *close != '*')
        close++;
    return *close == ')' && close > p + 2 && close[1] == '.' ? close : NULL;
}

/* `..funcN`: gccgo's separator before a closure's name. */
static int gccgo_closure(const char *p)
{
    return p[0] == '.' && strncmp(p + 1, ".func", 5) == 0 && p[6] >= '0' && p[6] <= '9';
}

int gl_name_is_canonical(const char *name)
{
    for (const char *p = name; (p = strpbrk(p, "(.")) != NULL; p++)
        if (gc_receiver_end(p) || gccgo_closure(p))
            return 0;
    return 1;
}

void gl_canonicalize_name(char *s)
{
    char *out = s;
    for (const char *in = s; *in;) {
        const char *close = gc_receiver_end(in);
        if (close) {
            size_t n = (size_t)(close - (in + 2));
            memmove(out, in + 2, n);
            out += n;
            in = close + 1;
            continue;
        }
        if (gccgo_closure(in))
            in++;
        *out++ = *in++;
    }
    *out = '\0';
}

const char *gl_canonical_name(const char *name, char *buf, size_t cap, char **heap)
{
    *heap = NULL;
    if (!name || gl_name_is_canonical(name))
        return name;
    size_t len = strlen(name);
    char *s = len < cap ? buf : (*heap = malloc(len + 1));
    if (!s)
        return NULL;
    memcpy(s, name, len + 1);
    gl_canonicalize_name(s);
    return s;
}
