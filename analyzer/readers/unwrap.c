/* Dump text inside structured log records (unwrap.h). Only inputs whose
 * first dump was found inside a record come here (load.c): plain dumps never
 * pay for it. The scanner is a tolerant one: it reads the top level of one
 * JSON object, or one logfmt field, and decodes one string. */
#include "readers/unwrap.h"
#include "util/util.h"

#include <string.h>

/* Where the message is, by record kind; the first present wins, unless a
 * later one carries the dump and it does not (a logger's `msg` saying
 * "panic" with the dump in `stack`). */
static const char *const message_keys[] = {
    "Output", "log", "MESSAGE", "msg", "message", "Message", "stack", "stacktrace", "error", "err", NULL,
};

static size_t skip_ws(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* s[*i] is '"': moves *i past the closing quote; the raw contents in
 * s[*from, *to). -1 when unterminated. */
static int scan_string(const char *s, size_t len, size_t *i, size_t *from, size_t *to)
{
    size_t k = *i + 1;
    *from = k;
    while (k < len && s[k] != '"')
        k += s[k] == '\\' ? 2 : 1;
    if (k >= len)
        return -1;
    *to = k;
    *i = k + 1;
    return 0;
}

/* Skips one JSON value of any kind (nested ones whole). */
static int skip_value(const char *s, size_t len, size_t *i)
{
    int depth = 0;
    size_t a, b;
    while (*i < len) {
        char c = s[*i];
        if (c == '"') {
            if (scan_string(s, len, i, &a, &b) != 0)
                return -1;
            if (!depth)
                return 0;
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']') {
            if (!depth)
                return 0;
            if (--depth == 0) {
                (*i)++;
                return 0;
            }
        } else if (c == ',' && !depth)
            return 0;
        (*i)++;
    }
    return depth ? -1 : 0;
}

static int key_rank(const char *k, size_t n)
{
    for (int r = 0; message_keys[r]; r++)
        if (strlen(message_keys[r]) == n && memcmp(message_keys[r], k, n) == 0)
            return r;
    return -1;
}

/* `goroutine N`: a header (a message that only names goroutines does not). */
static int carries_dump(const char *s, size_t n)
{
    for (const char *g = s; (g = memmem(g, n - (size_t)(g - s), "goroutine ", 10)) != NULL; g++)
        if ((size_t)(g - s) + 10 < n && g[10] >= '0' && g[10] <= '9')
            return 1;
    return 0;
}

/* Keys whose records are pieces of a byte stream (GL_UNWRAP_STREAM): the
 * first two of message_keys. */
#define STREAM_KEYS 2

/* The message string of a JSON object: [*from, *to) raw, *rank its key's
 * place in message_keys. 0 found, 1 none. */
static int json_message(const char *s, size_t len, size_t *from, size_t *to, int *rank)
{
    size_t i = skip_ws(s, len, 1);
    int best = -1, best_dump = 0;
    while (i < len && s[i] == '"') {
        size_t ka, kb, va, vb;
        if (scan_string(s, len, &i, &ka, &kb) != 0)
            return 1;
        i = skip_ws(s, len, i);
        if (i >= len || s[i] != ':')
            return 1;
        i = skip_ws(s, len, i + 1);
        int r = key_rank(s + ka, kb - ka);
        if (r >= 0 && i < len && s[i] == '"') {
            if (scan_string(s, len, &i, &va, &vb) != 0)
                return 1;
            int dump = carries_dump(s + va, vb - va);
            if (best < 0 || (dump && !best_dump)) {
                best = r;
                best_dump = dump;
                *from = va;
                *to = vb;
                *rank = r;
            }
        } else if (skip_value(s, len, &i) != 0)
            return 1;
        i = skip_ws(s, len, i);
        if (i < len && s[i] == ',')
            i = skip_ws(s, len, i + 1);
    }
    return best < 0;
}

/* logfmt: `KEY="..."` for a message key, at the start or after a space. */
static int logfmt_message(const char *s, size_t len, size_t *from, size_t *to)
{
    for (int r = 0; message_keys[r]; r++) {
        size_t n = strlen(message_keys[r]);
        for (const char *p = s; (p = memmem(p, len - (size_t)(p - s), message_keys[r], n)) != NULL; p++) {
            size_t i = (size_t)(p - s) + n;
            if ((p > s && p[-1] != ' ') || i + 1 >= len || s[i] != '=' || s[i + 1] != '"')
                continue;
            i++;
            return scan_string(s, len, &i, from, to) == 0 ? 0 : 1;
        }
    }
    return 1;
}

static int hex4(const char *s, unsigned *v)
{
    *v = 0;
    for (int k = 0; k < 4; k++) {
        int d = gl_hex_digit(s[k]);
        if (d < 0)
            return -1;
        *v = *v << 4 | (unsigned)d;
    }
    return 0;
}

/* Appends the UTF-8 of a \uXXXX escape (surrogates become '?'). */
static size_t put_utf8(char *o, unsigned c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xc0 | c >> 6);
        o[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c >= 0xd800 && c < 0xe000) {
        o[0] = '?';
        return 1;
    }
    o[0] = (char)(0xe0 | c >> 12);
    o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
    o[2] = (char)(0x80 | (c & 0x3f));
    return 3;
}

/* JSON string escapes (logfmt quotes use the same ones). */
static size_t unescape(const char *s, size_t n, char *o)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 == n) {
            o[w++] = s[i];
            continue;
        }
        char c = s[++i];
        unsigned u;
        switch (c) {
        case 'n': o[w++] = '\n'; break;
        case 't': o[w++] = '\t'; break;
        case 'r': o[w++] = '\r'; break;
        case 'b': o[w++] = '\b'; break;
        case 'f': o[w++] = '\f'; break;
        case 'u':
            if (i + 4 < n && hex4(s + i + 1, &u) == 0) {
                w += put_utf8(o + w, u);
                i += 4;
            } else {
                o[w++] = c; /* not an escape after all */
            }
            break;
        default: o[w++] = c; break;
        }
    }
    return w;
}

int gl_unwrap_record(const char *s, size_t len, char **buf, size_t *cap, size_t *out)
{
    size_t from, to;
    int rank = STREAM_KEYS;
    size_t i = skip_ws(s, len, 0);
    int json = i < len && s[i] == '{';
    if (json) {
        size_t e = len;
        while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t'))
            e--;
        if (e == i || s[e - 1] != '}')
            json = 0;
        else if (json_message(s + i, e - i, &from, &to, &rank) != 0)
            return GL_UNWRAP_EMPTY;
        else {
            from += i;
            to += i;
        }
    }
    if (!json && logfmt_message(s, len, &from, &to) != 0)
        return GL_UNWRAP_PLAIN;
    /* Decoding never lengthens: a \uXXXX of 6 bytes is at most 3. */
    if (gl_grow((void **)buf, cap, to - from + 1, 1) != 0)
        return -1;
    *out = unescape(s + from, to - from, *buf);
    return json && rank < STREAM_KEYS ? GL_UNWRAP_STREAM : GL_UNWRAP_TEXT;
}
