#include "reports/xml_escape.h"

#include <stdint.h>

/* Length of the valid UTF-8 sequence at p and its code point, 0 when p does
 * not start one (bad lead byte, bad continuation, overlong form, surrogate,
 * beyond U+10FFFF). */
static int utf8_decode(const unsigned char *p, uint32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    int n;
    uint32_t min;
    if ((p[0] & 0xe0) == 0xc0) {
        n = 2, min = 0x80, *cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3, min = 0x800, *cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4, min = 0x10000, *cp = p[0] & 0x07;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) /* also stops at the NUL */
            return 0;
        *cp = *cp << 6 | (p[i] & 0x3f);
    }
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return n;
}

/* XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF] */
static int xml_char(uint32_t cp)
{
    return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
           cp >= 0x10000;
}

/* mode: 0 element content, 1 attribute value, 2 no escaping (clean only). */
static void write_text(FILE *out, const char *s, int mode)
{
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        uint32_t cp;
        int n = utf8_decode(p, &cp);
        if (n == 0) {
            fputc('?', out);
            p++;
            continue;
        }
        if (!xml_char(cp)) {
            p += n;
            continue;
        }
        if (mode == 2) {
            fwrite(p, 1, (size_t)n, out);
            p += n;
            continue;
        }
        switch (cp) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        /* A parser turns a bare CR (and CRLF) into LF everywhere. */
        case '\r': fputs("&#13;", out); break;
        case '\n': fputs(mode == 1 ? "&#10;" : "\n", out); break;
        case '\t': fputs(mode == 1 ? "&#9;" : "\t", out); break;
        default: fwrite(p, 1, (size_t)n, out); break;
        }
        p += n;
    }
}

void gl_xml_escape(FILE *out, const char *s, int in_attribute)
{
    write_text(out, s, in_attribute ? 1 : 0);
}

void gl_xml_clean(FILE *out, const char *s)
{
    write_text(out, s, 2);
}
