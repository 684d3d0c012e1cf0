/* Interleaved tagged streams (streams.h). */
#include "readers/streams.h"
#include "util/arena.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct kept {
    long lineno;
    size_t len;
    const char *text;
} kept;

struct gl_streams {
    gl_arena texts;      /* every kept line, until the input is closed */
    kept *later;         /* kept in this pass */
    size_t nlater, cap_later;
    kept *again;         /* being read again: again[next, nagain) */
    size_t nagain, cap_again, next;
};

static int name_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
           || c == '-';
}

size_t gl_stream_tag(const char *s, size_t len, size_t *name_len)
{
    size_t i = 0;
    int letters = 0;
    while (i < len && i < 64 && name_byte(s[i])) {
        letters |= s[i] < '0' || s[i] > '9';
        i++;
    }
    size_t n = i;
    while (i < len && s[i] == ' ')
        i++;
    if (!n || !letters || i == n || i >= len || s[i] != '|' || (s[0] == '-' || s[0] == '.'))
        return 0;
    i++;
    if (i < len && s[i] == ' ')
        i++;
    *name_len = n;
    return i;
}

int gl_streams_keep(gl_streams **sp, long lineno, const char *text, size_t len)
{
    if (!*sp && !(*sp = calloc(1, sizeof **sp)))
        return -1;
    gl_streams *s = *sp;
    if (gl_grow((void **)&s->later, &s->cap_later, s->nlater + 1, sizeof *s->later) != 0)
        return -1;
    /* A line read again and kept once more is already a copy. */
    const char *copy = text;
    int ours = s->next > 0 && s->again[s->next - 1].text == text;
    if (!ours) {
        char *c = gl_arena_alloc(&s->texts, len ? len : 1);
        if (!c)
            return -1;
        memcpy(c, text, len);
        copy = c;
    }
    s->later[s->nlater++] = (kept){lineno, len, copy};
    return 0;
}

int gl_streams_rewind(gl_streams *s)
{
    if (!s || !s->nlater)
        return 0;
    kept *a = s->again;
    size_t cap = s->cap_again;
    s->again = s->later;
    s->cap_again = s->cap_later;
    s->nagain = s->nlater;
    s->later = a;
    s->cap_later = cap;
    s->nlater = 0;
    s->next = 0;
    return 1;
}

int gl_streams_next(gl_streams *s, long *lineno, const char **text, size_t *len)
{
    if (!s || s->next >= s->nagain)
        return 0;
    const kept *k = &s->again[s->next++];
    *lineno = k->lineno;
    *text = k->text;
    *len = k->len;
    return 1;
}

void gl_streams_free(gl_streams *s)
{
    if (!s)
        return;
    gl_arena_free(&s->texts);
    free(s->later);
    free(s->again);
    free(s);
}
