#include "options/kv_options.h"

#include <string.h>

static int is_sep(char c)
{
    return c == ':' || c == ' ' || c == ',' || c == '\t' || c == '\n';
}

void gl_kv_parse(const char *s, void (*fn)(const gl_kv *kv, void *ctx), void *ctx)
{
    if (!s)
        return;
    const char *p = s;
    while (*p) {
        while (is_sep(*p))
            p++;
        if (!*p)
            break;
        gl_kv kv = {.key = p};
        while (*p && *p != '=' && !is_sep(*p))
            p++;
        kv.key_len = (size_t)(p - kv.key);
        if (*p != '=') {
            fn(&kv, ctx);
            continue;
        }
        p++;
        if (*p == '"' || *p == '\'') {
            /* A quoted value may hold separators: dump_path="/a b/x:%p". */
            char q = *p++;
            kv.val = p;
            while (*p && *p != q)
                p++;
            kv.val_len = (size_t)(p - kv.val);
            kv.unterminated = *p != q;
            if (*p)
                p++;
        } else {
            kv.val = p;
            while (*p && !is_sep(*p))
                p++;
            kv.val_len = (size_t)(p - kv.val);
        }
        fn(&kv, ctx);
    }
}

int gl_kv_key_is(const gl_kv *kv, const char *name)
{
    return strlen(name) == kv->key_len && memcmp(kv->key, name, kv->key_len) == 0;
}
