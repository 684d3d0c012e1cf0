#include "demangle.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads exactly n hex digits; -1 when any is missing or not hex. */
static int64_t read_hex(const char *s, int n)
{
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        int h = hex_value(s[i]);
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

char *gl_demangle(const char *name)
{
    if (!name)
        return NULL;
    size_t len = strlen(name);
    /* Every escape is at least as long as what it decodes to (..uXXXX is 7
     * bytes for at most 3 of UTF-8, ..UXXXXXXXX 11 for at most 4). */
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (name[i] == '.' && name[i + 1] == '.') {
            char kind = name[i + 2];
            int digits = kind == 'z' ? 2 : kind == 'u' ? 4 : kind == 'U' ? 8 : 0;
            if (digits && len - (i + 3) >= (size_t)digits) {
                int64_t v = read_hex(name + i + 3, digits);
                /* NUL would cut the string; surrogates and values past
                 * U+10FFFF are not characters: keep those literally. */
                if (v > 0 && (kind == 'z' || (v <= 0x10ffff && (v < 0xd800 || v > 0xdfff)))) {
                    if (kind == 'z')
                        out[o++] = (char)v;
                    else
                        o += put_utf8(out + o, (uint32_t)v);
                    i += 3 + (size_t)digits;
                    continue;
                }
            }
        }
        out[o++] = name[i++];
    }
    out[o] = '\0';
    return out;
}
