/* The streaming JSON writer (json_writer.h). The layout rules are jansson's
 * (dump.c, JSON_INDENT(2)): a container's first member goes on a new line
 * indented one level deeper, later ones after ",\n" and the same indent, and
 * the closer on a line of its own at the container's indent; an empty
 * container is "[]" or "{}". */
#include "reports/json_writer.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER)

typedef enum slot_kind { SLOT_EMPTY, SLOT_STRING, SLOT_FRAGMENT } slot_kind;

typedef struct cache_slot {
    slot_kind kind;
    const void *a, *b;     /* the key: a string (b NULL), or a fragment's pair */
    char *enc;             /* the bytes to write */
    size_t len;
} cache_slot;

struct gl_jw_cache {
    cache_slot *slots;
    size_t mask, n;
    size_t bytes;          /* encodings and fragments held */
};

/* The cache only saves work, so it may stop growing: past this many bytes
 * held, its table's slots included, new strings and fragments are written
 * without being remembered. A dump whose stacks are all distinct would
 * otherwise hold a second copy of most of its report (hundreds of MB), and
 * gain nothing by it. The slots count: at most half full, 40 bytes each,
 * they were 63 MB beside 32 MB of encodings on 500,000 distinct stacks. */
size_t gl_jw_cache_limit = (size_t)32 << 20;

static size_t cache_size(const gl_jw_cache *c, size_t slots)
{
    return c->bytes + slots * sizeof(cache_slot);
}

size_t gl_jw_cache_held(const gl_jw *w)
{
    return w->cache ? cache_size(w->cache, w->cache->mask + 1) : 0;
}

/* Full: over the limit, or at the most the table may hold without a
 * doubling the limit has no room for. */
static int cache_full(const gl_jw *w)
{
    const gl_jw_cache *c = w->cache;
    return c && (cache_size(c, c->mask + 1) >= gl_jw_cache_limit || c->n * 2 >= c->mask);
}

void gl_jw_init(gl_jw *w, FILE *out)
{
    w->out = out;
    w->depth = 0;
    w->len = 0;
    w->failed = 0;
    w->cache = NULL;
    w->recording = 0;
}

static void flush(gl_jw *w)
{
    w->record_lost |= w->recording;
    if (w->len && fwrite(w->buf, 1, w->len, w->out) != w->len)
        w->failed = 1;
    w->len = 0;
}

static void put(gl_jw *w, const char *s, size_t n)
{
    if (n > sizeof w->buf - w->len) {
        flush(w);
        if (n > sizeof w->buf) {
            if (fwrite(s, 1, n, w->out) != n)
                w->failed = 1;
            return;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void put_spaces(gl_jw *w, size_t n)
{
    static const char spaces[] = "                                                                ";
    while (n) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        put(w, spaces, k);
        n -= k;
    }
}

/* What goes before a value: the separator and indent inside a container,
 * then the key. */
static void member(gl_jw *w, const char *key)
{
    if (w->depth > 0) {
        unsigned char *has = &w->has_members[w->depth - 1];
        if (*has)
            put(w, ",", 1);
        put(w, "\n", 1);
        *has = 1;
        put_spaces(w, 2 * (size_t)w->depth);
    }
    if (key) {
        put(w, "\"", 1);
        put(w, key, strlen(key));
        put(w, "\": ", 3);
    }
}

static void begin(gl_jw *w, const char *key, char opener, char closer)
{
    if (w->failed)
        return;
    if (w->depth == GL_JW_MAX_DEPTH) {
        w->failed = 1;
        return;
    }
    member(w, key);
    put(w, &opener, 1);
    w->closer[w->depth] = closer;
    w->has_members[w->depth] = 0;
    w->depth++;
}

void gl_jw_begin_object(gl_jw *w, const char *key)
{
    begin(w, key, '{', '}');
}

void gl_jw_begin_array(gl_jw *w, const char *key)
{
    begin(w, key, '[', ']');
}

void gl_jw_end(gl_jw *w)
{
    if (w->failed)
        return;
    if (w->depth == 0) {
        w->failed = 1;
        return;
    }
    w->depth--;
    if (w->has_members[w->depth]) {
        put(w, "\n", 1);
        put_spaces(w, 2 * (size_t)w->depth);
    }
    put(w, &w->closer[w->depth], 1);
}

void gl_jw_int(gl_jw *w, const char *key, int64_t v)
{
    if (w->failed)
        return;
    member(w, key);
    char digits[GL_DEC_MAX];
    put(w, digits, gl_format_dec(digits, v));
}

void gl_jw_bool(gl_jw *w, const char *key, int v)
{
    if (w->failed)
        return;
    member(w, key);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void gl_jw_null(gl_jw *w, const char *key)
{
    if (w->failed)
        return;
    member(w, key);
    put(w, "null", 4);
}

/* jansson wants valid UTF-8; names and paths from a dump need not be. */
static json_t *string_value(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    size_t len = strlen(s);
    char *clean = malloc(len + 1);
    if (!clean)
        return NULL;
    for (size_t i = 0; i <= len; i++)
        clean[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    j = json_string(clean);
    free(clean);
    return j;
}

json_t *gl_jw_string_json(const char *s)
{
    json_t *j = s ? string_value(s) : NULL;
    return j ? j : json_null();
}

/* Whether jansson writes s as it is between quotes: printable ASCII but
 * '"' and '\\' (its dump escapes those two, control characters, and
 * nothing else with our flags). Names, paths and hex words almost always
 * are; encoding them through jansson cost a json_t, a malloc and a
 * vsnprintf each. *len: strlen(s) when so. */
static int plain(const char *s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++)
        if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
            return 0;
    *len = (size_t)(p - (const unsigned char *)s);
    return 1;
}

/* s as jansson writes it, malloc'd; "null" when jansson cannot take it even
 * cleaned (as before streaming). NULL only when out of memory. */
static char *encode_string(const char *s, size_t *len)
{
    size_t n;
    if (plain(s, &n)) {
        char *e = malloc(n + 3);
        if (e) {
            e[0] = '"';
            memcpy(e + 1, s, n);
            e[n + 1] = '"';
            e[n + 2] = '\0';
            *len = n + 2;
        }
        return e;
    }
    json_t *j = gl_jw_string_json(s);
    char *e = json_dumps(j, JSON_ENCODE_ANY);
    json_decref(j);
    if (e)
        *len = strlen(e);
    return e;
}

void gl_jw_string(gl_jw *w, const char *key, const char *s)
{
    if (w->failed)
        return;
    if (!s) {
        gl_jw_null(w, key);
        return;
    }
    size_t n;
    if (plain(s, &n)) {
        member(w, key);
        put(w, "\"", 1);
        put(w, s, n);
        put(w, "\"", 1);
        return;
    }
    char *e = encode_string(s, &n);
    if (!e) {
        w->failed = 1;
        return;
    }
    member(w, key);
    put(w, e, n);
    free(e);
}

static uint64_t hash_key(slot_kind kind, const void *a, const void *b)
{
    uint64_t h = (uint64_t)(uintptr_t)a ^ ((uint64_t)(uintptr_t)b * 0x9E3779B97F4A7C15ull) ^ (uint64_t)kind;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static int cache_grow(gl_jw_cache *c)
{
    size_t cap = c->slots ? (c->mask + 1) * 2 : 256;
    cache_slot *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; c->slots && i <= c->mask; i++) {
        const cache_slot *o = &c->slots[i];
        if (o->kind == SLOT_EMPTY)
            continue;
        size_t j = hash_key(o->kind, o->a, o->b) & (cap - 1);
        while (s[j].kind != SLOT_EMPTY)
            j = (j + 1) & (cap - 1);
        s[j] = *o;
    }
    free(c->slots);
    c->slots = s;
    c->mask = cap - 1;
    return 0;
}

/* The slot of the key, or the empty one where it belongs; NULL when out of
 * memory. */
static cache_slot *cache_find(gl_jw *w, slot_kind kind, const void *a, const void *b)
{
    gl_jw_cache *c = w->cache;
    if (!c) {
        c = w->cache = calloc(1, sizeof *c);
        if (!c || cache_grow(c) != 0)
            return NULL;
    }
    size_t i = hash_key(kind, a, b) & c->mask;
    for (;; i = (i + 1) & c->mask) {
        cache_slot *sl = &c->slots[i];
        if (sl->kind == SLOT_EMPTY || (sl->kind == kind && sl->a == a && sl->b == b))
            return sl;
    }
}

/* Fills the empty slot sl with enc; grows the table when it gets full. */
static int cache_put(gl_jw *w, cache_slot *sl, slot_kind kind, const void *a, const void *b, char *enc, size_t len)
{
    gl_jw_cache *c = w->cache;
    *sl = (cache_slot){kind, a, b, enc, len};
    c->bytes += len;
    if (++c->n * 2 < c->mask || cache_size(c, 2 * (c->mask + 1)) > gl_jw_cache_limit)
        return 0; /* room left, or full for good (cache_full) */
    /* On failure to grow, the entry stays in the old table (freed with it). */
    return cache_grow(c);
}

/* The cached encoding of s: the bytes in *enc, *len; *owned when the
 * cache is full and they are the caller's to free. -1 out of memory. */
static int cached(gl_jw *w, const char *s, const char **enc, size_t *len, char **owned)
{
    *owned = NULL;
    cache_slot *sl = cache_find(w, SLOT_STRING, s, NULL);
    if (!sl)
        return -1;
    if (sl->kind == SLOT_EMPTY) {
        size_t n;
        char *e = encode_string(s, &n);
        if (!e)
            return -1;
        *enc = e;
        *len = n;
        if (cache_full(w)) {
            *owned = e;
            return 0;
        }
        return cache_put(w, sl, SLOT_STRING, s, NULL, e, n);
    }
    *enc = sl->enc;
    *len = sl->len;
    return 0;
}

int gl_jw_replay(gl_jw *w, const void *a, const void *b)
{
    if (w->failed)
        return 1;
    cache_slot *sl = cache_find(w, SLOT_FRAGMENT, a, b);
    if (!sl || sl->kind == SLOT_EMPTY)
        return 0;
    put(w, sl->enc, sl->len);
    return 1;
}

void gl_jw_record_begin(gl_jw *w)
{
    if (w->len > sizeof w->buf / 2)
        flush(w);
    w->record_from = w->len;
    w->recording = 1;
    w->record_lost = 0;
}

void gl_jw_record_end(gl_jw *w, const void *a, const void *b)
{
    w->recording = 0;
    if (w->failed || w->record_lost || cache_full(w))
        return; /* written, just not remembered */
    cache_slot *sl = cache_find(w, SLOT_FRAGMENT, a, b);
    if (!sl || sl->kind != SLOT_EMPTY)
        return;
    size_t n = w->len - w->record_from;
    char *copy = malloc(n ? n : 1);
    if (!copy)
        return;
    memcpy(copy, w->buf + w->record_from, n);
    if (cache_put(w, sl, SLOT_FRAGMENT, a, b, copy, n) != 0)
        w->failed = 1;
}

void gl_jw_string_stable(gl_jw *w, const char *key, const char *s)
{
    if (w->failed)
        return;
    if (!s) {
        gl_jw_null(w, key);
        return;
    }
    const char *enc;
    size_t len;
    char *owned;
    if (cached(w, s, &enc, &len, &owned) != 0) {
        w->failed = 1;
        return;
    }
    member(w, key);
    put(w, enc, len);
    free(owned);
}

void gl_jw_value(gl_jw *w, const char *key, json_t *v)
{
    if (!v) {
        w->failed = 1;
        return;
    }
    char *e = w->failed ? NULL : json_dumps(v, DUMP_FLAGS);
    json_decref(v);
    if (!e) {
        w->failed = 1;
        return;
    }
    member(w, key);
    /* jansson laid it out at depth 0: every line break gets this depth's
     * indent (strings hold no raw newlines: jansson escapes them). */
    const char *p = e;
    for (const char *nl; (nl = strchr(p, '\n')); p = nl + 1) {
        put(w, p, (size_t)(nl - p) + 1);
        put_spaces(w, 2 * (size_t)w->depth);
    }
    put(w, p, strlen(p));
    free(e);
}

static void cache_free(gl_jw_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->slots && i <= c->mask; i++)
        if (c->slots[i].kind != SLOT_EMPTY)
            free(c->slots[i].enc);
    free(c->slots);
    free(c);
}

int gl_jw_finish(gl_jw *w)
{
    if (w->depth != 0)
        w->failed = 1;
    if (!w->failed)
        put(w, "\n", 1);
    flush(w);
    cache_free(w->cache);
    w->cache = NULL;
    if (fflush(w->out) != 0 || ferror(w->out))
        w->failed = 1;
    return w->failed ? -1 : 0;
}
