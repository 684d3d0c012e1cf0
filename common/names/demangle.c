#include "names/demangle.h"

#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


/* Reads exactly n hex digits; -1 when any is missing or not hex. */
static int64_t read_hex(const char *s, int n)
{
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        int h = gl_hex_digit(s[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* The character a gccgo 11+ `_X` escape stands for, 0 when X is not one. */
static char underscore_escape(char x)
{
    static const char from[] = "_0123456789abc";
    static const char to[] = "_./*,{}[]()\" ;c";
    const char *p = x ? strchr(from, x) : NULL;
    return p ? to[p - from] : 0;
}

/* Decodes a numeric escape (kind z/x: 2 digits, u: 4, U: 8) at s into out.
 * Returns the bytes written, 0 when s does not hold a valid one. */
static size_t numeric_escape(char kind, const char *s, size_t avail, char *out)
{
    int digits = kind == 'z' || kind == 'x' ? 2 : kind == 'u' ? 4 : kind == 'U' ? 8 : 0;
    if (!digits || avail < (size_t)digits)
        return 0;
    int64_t v = read_hex(s, digits);
    /* NUL would cut the string; surrogates and values past U+10FFFF are not
     * characters: such escapes are kept literally. */
    if (v <= 0)
        return 0;
    if (digits == 2) {
        out[0] = (char)v;
        return 1;
    }
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    return put_utf8(out, (uint32_t)v);
}

char *gl_demangle(const char *name)
{
    if (!name)
        return NULL;
    size_t len = strlen(name);
    /* Every escape is at least as long as what it decodes to (..uXXXX is 7
     * bytes for at most 3 of UTF-8, _UXXXXXXXX 10 for at most 4). */
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    int go_symbol = name[0] != '_' && strchr(name, '.') != NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (name[i] == '.' && name[i + 1] == '.' && name[i + 2]) {
            size_t n = numeric_escape(name[i + 2], name + i + 3, len - (i + 3), out + o);
            if (n) {
                o += n;
                i += 3 + (name[i + 2] == 'z' ? 2 : name[i + 2] == 'u' ? 4 : 8);
                continue;
            }
        }
        if (go_symbol && name[i] == '_' && name[i + 1]) {
            char k = name[i + 1];
            if (k == 'x' || k == 'u' || k == 'U') {
                size_t n = numeric_escape(k, name + i + 2, len - (i + 2), out + o);
                if (n) {
                    o += n;
                    i += 2 + (k == 'x' ? 2 : k == 'u' ? 4 : 8);
                    continue;
                }
            } else if (underscore_escape(k)) {
                out[o++] = underscore_escape(k);
                i += 2;
                continue;
            }
        }
        out[o++] = name[i++];
    }
    out[o] = '\0';
    return out;
}
