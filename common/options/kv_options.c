#include "options/kv_options.h"

#include <string.h>

static int is_sep(char c)
{
    return c == ':' || c == ' ' || c == ',' || c == '\t' || c == '\n';
}

void gl_kv_parse(const char *s, void (*fn)(const char *key, const char *val, void *ctx), void *ctx)
{
    char buf[2048];
    if (!s)
        return;
    size_t n = strlen(s);
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *p = buf;
    while (*p) {
        while (is_sep(*p))
            p++;
        if (!*p)
            break;
        char *key = p;
        while (*p && *p != '=' && !is_sep(*p))
            p++;
        if (*p != '=') {
            char save = *p;
            *p = '\0';
            fn(key, NULL, ctx);
            *p = save;
            continue;
        }
        *p++ = '\0';
        char *val = p;
        if (*p == '"' || *p == '\'') {
            /* A quoted value may hold separators: dump_path="/a b/x:%p". */
            char q = *p++;
            val = p;
            while (*p && *p != q)
                p++;
        } else {
            while (*p && !is_sep(*p))
                p++;
        }
        if (*p)
            *p++ = '\0';
        fn(key, val, ctx);
    }
}
