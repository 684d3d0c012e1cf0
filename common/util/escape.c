/* Control characters escaped for people (escape.h). */
#include "util/escape.h"

#include <string.h>

/* The escape for the character at s, or 0 when it stands as it is; *used
 * is how many bytes of s it covers. */
static int escape_at(const unsigned char *s, char e[8], size_t *used)
{
    static const char hex[] = "0123456789abcdef";
    *used = 1;
    if (s[0] < 0x20 || s[0] == 0x7f) {
        memcpy(e, "\\x", 2);
        e[2] = hex[s[0] >> 4];
        e[3] = hex[s[0] & 15];
        return 4;
    }
    if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
        *used = 2;
        memcpy(e, "\\u00", 4);
        e[4] = hex[s[1] >> 4];
        e[5] = hex[s[1] & 15];
        return 6;
    }
    return 0;
}

void gl_fput_escaped(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        size_t used;
        char e[8];
        int n = escape_at(p, e, &used);
        if (n)
            fwrite(e, 1, (size_t)n, out);
        else
            fputc(*p, out);
        p += used;
    }
}

char *gl_escape_to(char *buf, size_t len, const char *s)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        size_t used;
        char e[8];
        int n = escape_at(p, e, &used);
        const char *piece = n ? e : (const char *)p;
        size_t m = n ? (size_t)n : 1;
        if (o + m >= len)
            break;
        memcpy(buf + o, piece, m);
        o += m;
        p += used;
    }
    if (len)
        buf[o < len ? o : len - 1] = '\0';
    return buf;
}
