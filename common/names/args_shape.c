/* Argument shapes (args_shape.h). */
#include "names/args_shape.h"

#include <stdlib.h>
#include <string.h>

static const unsigned char hex_digits[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
};

size_t gl_args_shape(const char *s, size_t len, char *out)
{
    char *o = out;
    size_t done = 0; /* s[0, done) is in out */
    /* Numbers are found by their 'x' and copied in spans, left to right: a
     * "0x" inside a number already replaced does not count. The text dump
     * reader runs this once per frame of a million goroutines. */
    for (size_t from = 1; from < len;) {
        const char *x = memchr(s + from, 'x', len - from);
        if (!x)
            break;
        size_t xi = (size_t)(x - s);
        from = xi + 1;
        if (s[xi - 1] != '0' || xi - 1 < done)
            continue;
        size_t j = xi + 1;
        while (j < len && hex_digits[(unsigned char)s[j]])
            j++;
        /* >= 0x10000: more than four digits after the leading zeros. Go
         * 1.18+ marks a value it may have read wrongly (a register argument
         * not spilled) with '?': noise, like a pointer. */
        size_t first = xi + 1;
        while (first < j && s[first] == '0')
            first++;
        if (j > xi + 1 && (j - first > 4 || (j < len && s[j] == '?'))) {
            memcpy(o, s + done, xi - 1 - done);
            o += xi - 1 - done;
            *o++ = '*';
            done = from = j;
        }
    }
    memcpy(o, s + done, len - done);
    o += len - done;
    *o = '\0';
    return (size_t)(o - out);
}

size_t gl_rules_args_shape(const char *args, char *out, size_t cap)
{
    size_t len = args ? strlen(args) : 0;
    char small[256], *buf = len < sizeof small ? small : malloc(len + 1);
    size_t n = buf ? gl_args_shape(args ? args : "", len, buf) : 0;
    if (cap) {
        size_t k = n < cap ? n : cap - 1;
        memcpy(out, buf ? buf : "", k);
        out[k] = '\0';
    }
    if (buf != small)
        free(buf);
    return n + 1;
}
