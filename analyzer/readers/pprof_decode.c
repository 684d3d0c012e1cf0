#include "readers/pprof_decode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pprof_profile.pb-c.h"

/* Profile field numbers (proto/pprof_profile.proto). */
enum {
    F_SAMPLE_TYPE = 1, F_SAMPLE = 2, F_LOCATION = 4, F_FUNCTION = 5,
    F_STRING_TABLE = 6, F_TIME_NANOS = 9, F_PERIOD_TYPE = 11, F_DEFAULT_SAMPLE_TYPE = 14,
};

typedef struct id_index {
    uint64_t id;
    uint32_t index;
} id_index;

typedef struct loc_frames {
    size_t first, n;          /* into priv.frames */
} loc_frames;

typedef struct priv {
    unsigned char *inflated;  /* owned copy when the input was gzipped */
    Glpprof__Profile *pb;
    gl_pprof_frame *frames;   /* every location's frames, location by location */
    loc_frames *locs;
    uint32_t *sample_locs;
    char **labels;
    size_t nlabels;
} priv;

static void fail(char *err, size_t cap, size_t byte, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(err, cap, "byte %zu: %s", byte, what);
}

/* ---- gzip ------------------------------------------------------------- */

static int is_gzip(const unsigned char *buf, size_t len)
{
    return len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
}

/* Inflates every gzip member of buf (gzip allows concatenating them). */
static int gunzip(const unsigned char *buf, size_t len, unsigned char **out, size_t *outlen,
                  char *err, size_t errcap)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        fail(err, errcap, 0, "cannot start zlib");
        return -1;
    }
    size_t cap = len < 4096 ? 16384 : len * 4, n = 0;
    if (cap > GL_PPROF_MAX_BYTES)
        cap = GL_PPROF_MAX_BYTES;
    unsigned char *dst = malloc(cap);
    if (!dst) {
        inflateEnd(&zs);
        fail(err, errcap, 0, "out of memory");
        return -1;
    }
    zs.next_in = (unsigned char *)buf;
    for (;;) {
        size_t at = (size_t)(zs.next_in - buf); /* input bytes consumed */
        if (zs.avail_in == 0 && at < len)
            zs.avail_in = len - at > UINT32_MAX ? UINT32_MAX : (uInt)(len - at);
        if (n == cap) {
            if (cap >= GL_PPROF_MAX_BYTES) {
                fail(err, errcap, at, "the profile decompresses to more than %zu MiB",
                     GL_PPROF_MAX_BYTES >> 20);
                goto bad;
            }
            size_t ncap = cap * 2 > GL_PPROF_MAX_BYTES ? GL_PPROF_MAX_BYTES : cap * 2;
            unsigned char *d = realloc(dst, ncap);
            if (!d) {
                fail(err, errcap, 0, "out of memory");
                goto bad;
            }
            dst = d;
            cap = ncap;
        }
        size_t room = cap - n;
        zs.next_out = dst + n;
        zs.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
        uInt before = zs.avail_out;
        int rc = inflate(&zs, Z_NO_FLUSH);
        n += before - zs.avail_out;
        at = (size_t)(zs.next_in - buf);
        if (rc == Z_STREAM_END) {
            if (at == len)
                break;
            if (!is_gzip(buf + at, len - at)) {
                fail(err, errcap, at, "data after the end of the gzip stream");
                goto bad;
            }
            inflateReset(&zs);
            continue;
        }
        if (rc == Z_OK || (rc == Z_BUF_ERROR && zs.avail_out == 0))
            continue;
        if (rc == Z_BUF_ERROR && at == len) {
            fail(err, errcap, at, "gzip data truncated (the stream ends before its end marker)");
            goto bad;
        }
        fail(err, errcap, at, "corrupt gzip data (%s)", zs.msg ? zs.msg : "zlib error");
        goto bad;
    }
    inflateEnd(&zs);
    *out = dst;
    *outlen = n;
    return 0;
bad:
    inflateEnd(&zs);
    free(dst);
    return -1;
}

/* ---- top-level protobuf framing -------------------------------------- */
/* protobuf-c says only yes or no. To name the byte at fault (and the byte
 * of each sample, for later messages) the top level of the message is
 * walked here: tags and lengths only, the contents are protobuf-c's. */

typedef struct field_at {
    unsigned field;
    unsigned wire;
    size_t offset;            /* of the tag */
    size_t body, len;         /* length-delimited payload */
} field_at;

static int read_varint(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 70 && *pos < len; shift += 7) {
        unsigned char b = p[(*pos)++];
        x |= (uint64_t)(b & 0x7f) << (shift < 64 ? shift : 63);
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

/* Reads the field at *pos; -1 with the message in err when malformed. */
static int next_field(const unsigned char *p, size_t len, size_t *pos, field_at *f,
                      char *err, size_t errcap)
{
    uint64_t tag, v;
    f->offset = *pos;
    if (read_varint(p, len, pos, &tag) != 0) {
        fail(err, errcap, f->offset, "truncated or overlong field tag");
        return -1;
    }
    f->field = (unsigned)(tag >> 3 > 0xffffffffu ? 0 : tag >> 3);
    f->wire = (unsigned)(tag & 7);
    if (f->field == 0) {
        fail(err, errcap, f->offset, "field number 0 is not valid protobuf");
        return -1;
    }
    switch (f->wire) {
    case 0:
        if (read_varint(p, len, pos, &v) != 0) {
            fail(err, errcap, f->offset, "field %u: truncated varint", f->field);
            return -1;
        }
        return 0;
    case 1:
    case 5: {
        size_t n = f->wire == 1 ? 8 : 4;
        if (len - *pos < n) {
            fail(err, errcap, f->offset, "field %u: truncated %zu-byte value", f->field, n);
            return -1;
        }
        *pos += n;
        return 0;
    }
    case 2:
        if (read_varint(p, len, pos, &v) != 0 || v > len - *pos) {
            fail(err, errcap, f->offset, "field %u: length runs past the end of the profile (truncated?)",
                 f->field);
            return -1;
        }
        f->body = *pos;
        f->len = (size_t)v;
        *pos += (size_t)v;
        return 0;
    default:
        fail(err, errcap, f->offset, "field %u: wire type %u is not used by pprof profiles",
             f->field, f->wire);
        return -1;
    }
}

static const char *field_name(unsigned field)
{
    switch (field) {
    case F_SAMPLE_TYPE: return "sample_type";
    case F_SAMPLE: return "sample";
    case F_LOCATION: return "location";
    case F_FUNCTION: return "function";
    case F_STRING_TABLE: return "string_table entry";
    case F_PERIOD_TYPE: return "period_type";
    default: return "field";
    }
}

/* The wire type a known field must have; -1 for fields we skip. */
static int expected_wire(unsigned field)
{
    switch (field) {
    case F_SAMPLE_TYPE: case F_SAMPLE: case F_LOCATION: case F_FUNCTION:
    case F_STRING_TABLE: case F_PERIOD_TYPE:
        return 2;
    case F_TIME_NANOS: case F_DEFAULT_SAMPLE_TYPE:
        return 0;
    default:
        return -1;
    }
}

static const ProtobufCMessageDescriptor *sub_descriptor(unsigned field)
{
    switch (field) {
    case F_SAMPLE_TYPE: case F_PERIOD_TYPE: return &glpprof__value_type__descriptor;
    case F_SAMPLE: return &glpprof__sample__descriptor;
    case F_LOCATION: return &glpprof__location__descriptor;
    case F_FUNCTION: return &glpprof__function__descriptor;
    default: return NULL;
    }
}

/* Offsets of the samples, locations and functions, in message order (the
 * order protobuf-c fills the repeated fields in). */
typedef struct offsets {
    size_t *sample, *location, *function;
    size_t nsample, nlocation, nfunction;
} offsets;

static void free_offsets(offsets *o)
{
    free(o->sample);
    free(o->location);
    free(o->function);
}

/* Walks the top level; on a framing error, or when check_subs is set and a
 * submessage does not decode on its own, says where. */
static int walk(const unsigned char *p, size_t len, offsets *o, int check_subs, char *err, size_t errcap)
{
    size_t pos = 0, cap[3] = {0, 0, 0};
    field_at f = {0};
    /* First count, then fill: no reallocation in the loop. */
    size_t counts[3] = {0, 0, 0};
    while (pos < len) {
        if (next_field(p, len, &pos, &f, err, errcap) != 0)
            return -1;
        int want = expected_wire(f.field);
        if (want >= 0 && (unsigned)want != f.wire) {
            fail(err, errcap, f.offset, "%s (field %u) has wire type %u, not %d",
                 field_name(f.field), f.field, f.wire, want);
            return -1;
        }
        if (f.field == F_SAMPLE)
            counts[0]++;
        else if (f.field == F_LOCATION)
            counts[1]++;
        else if (f.field == F_FUNCTION)
            counts[2]++;
        const ProtobufCMessageDescriptor *d = check_subs ? sub_descriptor(f.field) : NULL;
        if (d) {
            ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, f.len, p + f.body);
            if (!m) {
                fail(err, errcap, f.offset, "malformed %s (field %u, %zu bytes)",
                     field_name(f.field), f.field, f.len);
                return -1;
            }
            protobuf_c_message_free_unpacked(m, NULL);
        }
    }
    if (!o)
        return 0;
    o->sample = malloc((counts[0] + 1) * sizeof *o->sample);
    o->location = malloc((counts[1] + 1) * sizeof *o->location);
    o->function = malloc((counts[2] + 1) * sizeof *o->function);
    if (!o->sample || !o->location || !o->function) {
        fail(err, errcap, 0, "out of memory");
        return -1;
    }
    pos = 0;
    while (pos < len) {
        next_field(p, len, &pos, &f, err, errcap); /* walked above: cannot fail */
        if (f.field == F_SAMPLE)
            o->sample[cap[0]++] = f.offset;
        else if (f.field == F_LOCATION)
            o->location[cap[1]++] = f.offset;
        else if (f.field == F_FUNCTION)
            o->function[cap[2]++] = f.offset;
    }
    o->nsample = cap[0];
    o->nlocation = cap[1];
    o->nfunction = cap[2];
    return 0;
}

/* ---- resolving ids and strings --------------------------------------- */

static int cmp_id(const void *a, const void *b)
{
    const id_index *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static const id_index *find_id(const id_index *tab, size_t n, uint64_t id)
{
    id_index key = {id, 0};
    return bsearch(&key, tab, n, sizeof *tab, cmp_id);
}

/* Sorted (id, index) pairs; -1 with *bad the index of a zero or repeated id. */
static id_index *index_ids(size_t n, uint64_t (*id_of)(const void *, size_t), const void *arr, size_t *bad)
{
    id_index *tab = malloc((n + 1) * sizeof *tab);
    if (!tab)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        tab[i].id = id_of(arr, i);
        tab[i].index = (uint32_t)i;
    }
    qsort(tab, n, sizeof *tab, cmp_id);
    *bad = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (tab[i].id == 0 || (i > 0 && tab[i].id == tab[i - 1].id)) {
            *bad = tab[i].index;
            break;
        }
    return tab;
}

static uint64_t location_id(const void *arr, size_t i)
{
    return ((Glpprof__Location *const *)arr)[i]->id;
}

static uint64_t function_id(const void *arr, size_t i)
{
    return ((Glpprof__Function *const *)arr)[i]->id;
}

typedef struct resolver {
    const Glpprof__Profile *pb;
    char *err;
    size_t errcap;
} resolver;

/* String i of the table; "" stands for unknown and becomes NULL. */
static int string_at(const resolver *r, int64_t i, size_t byte, const char *what, const char **out)
{
    if (i < 0 || (uint64_t)i >= r->pb->n_string_table) {
        fail(r->err, r->errcap, byte, "%s: string index %lld outside the string table (%zu entries)",
             what, (long long)i, r->pb->n_string_table);
        return -1;
    }
    const char *s = r->pb->string_table[i];
    *out = s && *s ? s : NULL;
    return 0;
}

typedef struct strbuf {
    char *s;
    size_t n, cap;
    int oom;
} strbuf;

static void put(strbuf *b, const char *s, size_t k)
{
    if (b->oom)
        return;
    if (b->n + k + 1 > b->cap) {
        size_t nc = (b->n + k + 1) * 2;
        char *ns = realloc(b->s, nc);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = nc;
    }
    memcpy(b->s + b->n, s, k);
    b->n += k;
    b->s[b->n] = 0;
}

/* s quoted the way Go's %q does for printable text: \" \\ \n \t, other
 * control bytes as \xNN; UTF-8 passes through. */
static void put_quoted(strbuf *b, const char *s)
{
    put(b, "\"", 1);
    for (const char *c = s; *c; c++) {
        char tmp[8];
        if (*c == '"' || *c == '\\') {
            tmp[0] = '\\';
            tmp[1] = *c;
            put(b, tmp, 2);
        } else if (*c == '\n') {
            put(b, "\\n", 2);
        } else if (*c == '\t') {
            put(b, "\\t", 2);
        } else if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            put(b, tmp, (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", (unsigned char)*c));
        } else {
            put(b, c, 1);
        }
    }
    put(b, "\"", 1);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* `{"k":"v", "n":1}`: each pair formatted, the pairs sorted and joined, as
 * runtime/pprof's labelMap.String does. NULL and *failed on error. */
static char *format_labels(const resolver *r, const Glpprof__Sample *s, size_t byte, int *failed)
{
    char **pairs = calloc(s->n_label, sizeof *pairs);
    strbuf out = {0};
    *failed = 1;
    if (!pairs) {
        fail(r->err, r->errcap, byte, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < s->n_label; i++) {
        const Glpprof__Label *l = s->label[i];
        const char *key, *str, *unit;
        if (string_at(r, l->key, byte, "label key", &key) != 0
            || string_at(r, l->str, byte, "label value", &str) != 0
            || string_at(r, l->num_unit, byte, "label unit", &unit) != 0)
            goto done;
        strbuf pair = {0};
        put_quoted(&pair, key ? key : "");
        put(&pair, ":", 1);
        if (str || l->num == 0) {
            put_quoted(&pair, str ? str : "");
        } else {
            char num[32];
            put(&pair, num, (size_t)snprintf(num, sizeof num, "%lld", (long long)l->num));
        }
        pairs[i] = pair.s;
        if (pair.oom) {
            fail(r->err, r->errcap, byte, "out of memory");
            goto done;
        }
    }
    qsort(pairs, s->n_label, sizeof *pairs, cmp_str);
    put(&out, "{", 1);
    for (size_t i = 0; i < s->n_label; i++) {
        if (i)
            put(&out, ", ", 2);
        put(&out, pairs[i], strlen(pairs[i]));
    }
    put(&out, "}", 1);
    if (out.oom) {
        free(out.s);
        out.s = NULL;
        fail(r->err, r->errcap, byte, "out of memory");
        goto done;
    }
    *failed = 0;
done:
    for (size_t i = 0; i < s->n_label; i++)
        free(pairs[i]);
    free(pairs);
    return out.s;
}

/* Which entry of Sample.value counts goroutines: the "goroutine"/"count"
 * sample type when there is one, else the default, else the first. */
static int count_index(const resolver *r, size_t *idx, const char **type_name)
{
    const Glpprof__Profile *pb = r->pb;
    *idx = 0;
    *type_name = NULL;
    for (size_t i = 0; i < pb->n_sample_type; i++) {
        const char *type, *unit;
        if (string_at(r, pb->sample_type[i]->type, 0, "sample_type", &type) != 0
            || string_at(r, pb->sample_type[i]->unit, 0, "sample_type unit", &unit) != 0)
            return -1;
        if (i == 0)
            *type_name = type;
        if (type && (strcmp(type, "goroutine") == 0 || strcmp(type, "goroutineleak") == 0)) {
            *idx = i;
            *type_name = type;
            return 0;
        }
    }
    if (pb->default_sample_type) {
        const char *def;
        if (string_at(r, pb->default_sample_type, 0, "default_sample_type", &def) != 0)
            return -1;
        for (size_t i = 0; def && i < pb->n_sample_type; i++)
            if (pb->sample_type[i]->type == pb->default_sample_type) {
                *idx = i;
                *type_name = def;
            }
    }
    return 0;
}

static void free_priv(priv *pv)
{
    if (!pv)
        return;
    if (pv->pb)
        glpprof__profile__free_unpacked(pv->pb, NULL);
    free(pv->inflated);
    free(pv->frames);
    free(pv->locs);
    free(pv->sample_locs);
    for (size_t i = 0; i < pv->nlabels; i++)
        free(pv->labels[i]);
    free(pv->labels);
    free(pv);
}

void gl_pprof_profile_free(gl_pprof_profile *p)
{
    if (!p)
        return;
    free_priv(p->priv_);
    free(p->samples);
    free(p);
}

/* Every location's frames, expanded from its lines, innermost first. */
static int expand_locations(const resolver *r, priv *pv, const offsets *o,
                            const id_index *funcs, size_t nfuncs)
{
    const Glpprof__Profile *pb = r->pb;
    size_t total = 0;
    for (size_t i = 0; i < pb->n_location; i++)
        total += pb->location[i]->n_line ? pb->location[i]->n_line : 1;
    pv->frames = malloc((total + 1) * sizeof *pv->frames);
    pv->locs = malloc((pb->n_location + 1) * sizeof *pv->locs);
    if (!pv->frames || !pv->locs) {
        fail(r->err, r->errcap, 0, "out of memory");
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < pb->n_location; i++) {
        const Glpprof__Location *loc = pb->location[i];
        pv->locs[i].first = k;
        pv->locs[i].n = loc->n_line ? loc->n_line : 1;
        if (!loc->n_line) {
            pv->frames[k++] = (gl_pprof_frame){.pc = loc->address};
            continue;
        }
        for (size_t j = 0; j < loc->n_line; j++) {
            const Glpprof__Line *ln = loc->line[j];
            gl_pprof_frame *f = &pv->frames[k++];
            *f = (gl_pprof_frame){.pc = loc->address, .line = ln->line > 0 ? ln->line : 0};
            if (ln->function_id == 0)
                continue;
            const id_index *fi = find_id(funcs, nfuncs, ln->function_id);
            if (!fi) {
                fail(r->err, r->errcap, o->location[i], "location %llu: function id %llu is not in the profile",
                     (unsigned long long)loc->id, (unsigned long long)ln->function_id);
                return -1;
            }
            const Glpprof__Function *fn = pb->function[fi->index];
            size_t at = o->function[fi->index];
            if (string_at(r, fn->name, at, "function name", &f->function) != 0
                || string_at(r, fn->filename, at, "function file name", &f->file) != 0)
                return -1;
            if (!f->function && string_at(r, fn->system_name, at, "function system name", &f->function) != 0)
                return -1;
        }
    }
    return 0;
}

/* The id tables were made (funcs, locs) and hold no zero or repeated id. */
static int ids_ok(const resolver *r, const offsets *o, const id_index *funcs, size_t badf, const id_index *locs,
                  size_t badl)
{
    const Glpprof__Profile *pb = r->pb;
    if (!funcs || !locs) {
        fail(r->err, r->errcap, 0, "out of memory");
        return 0;
    }
    if (badf != SIZE_MAX) {
        fail(r->err, r->errcap, o->function[badf], "function id %llu is zero or repeated",
             (unsigned long long)pb->function[badf]->id);
        return 0;
    }
    if (badl != SIZE_MAX) {
        fail(r->err, r->errcap, o->location[badl], "location id %llu is zero or repeated",
             (unsigned long long)pb->location[badl]->id);
        return 0;
    }
    return 1;
}

/* Room for every sample, its location indexes and its labels. */
static int alloc_samples(const resolver *r, priv *pv, gl_pprof_profile *p)
{
    const Glpprof__Profile *pb = r->pb;
    size_t nlocids = 0, nlabelled = 0;
    for (size_t i = 0; i < pb->n_sample; i++) {
        nlocids += pb->sample[i]->n_location_id;
        nlabelled += pb->sample[i]->n_label > 0;
    }
    p->samples = malloc((pb->n_sample + 1) * sizeof *p->samples);
    pv->sample_locs = malloc((nlocids + 1) * sizeof *pv->sample_locs);
    pv->labels = malloc((nlabelled + 1) * sizeof *pv->labels);
    if (!p->samples || !pv->sample_locs || !pv->labels) {
        fail(r->err, r->errcap, 0, "out of memory");
        return -1;
    }
    return 0;
}

/* Where a sample's location indexes go, and how to find them. */
typedef struct sample_ctx {
    const resolver *r;
    priv *pv;
    const id_index *locs;
    size_t vidx;              /* which value counts goroutines */
    size_t k;                 /* next free slot of pv->sample_locs */
} sample_ctx;

/* Sample s (at byte at) into p->samples; a count of 0 stands for no
 * goroutine at all and is dropped (its slots stay used). */
static int add_sample(sample_ctx *c, const Glpprof__Sample *s, size_t at, gl_pprof_profile *p)
{
    const resolver *r = c->r;
    if (s->n_value <= c->vidx) {
        fail(r->err, r->errcap, at, "sample has %zu values, the count is value %zu", s->n_value, c->vidx + 1);
        return -1;
    }
    int64_t count = s->value[c->vidx];
    if (count < 0) {
        fail(r->err, r->errcap, at, "sample counts %lld goroutines", (long long)count);
        return -1;
    }
    if (count > INT64_MAX - p->total) {
        fail(r->err, r->errcap, at, "sample counts overflow 64 bits");
        return -1;
    }
    gl_pprof_sample *ps = &p->samples[p->nsamples];
    *ps = (gl_pprof_sample){.count = count, .offset = at, .locations = c->pv->sample_locs + c->k};
    for (size_t j = 0; j < s->n_location_id; j++) {
        const id_index *li = find_id(c->locs, r->pb->n_location, s->location_id[j]);
        if (!li) {
            fail(r->err, r->errcap, at, "location id %llu is not in the profile", (unsigned long long)s->location_id[j]);
            return -1;
        }
        c->pv->sample_locs[c->k++] = li->index;
    }
    ps->nlocations = s->n_location_id;
    if (s->n_label) {
        int failed;
        char *labels = format_labels(r, s, at, &failed);
        if (failed)
            return -1;
        c->pv->labels[c->pv->nlabels++] = labels;
        ps->labels = labels;
    }
    if (count) {
        p->total += count;
        p->nsamples++;
    }
    return 0;
}

static int build(const resolver *r, priv *pv, const offsets *o, gl_pprof_profile *p)
{
    const Glpprof__Profile *pb = r->pb;
    if (pb->n_string_table == 0 || (pb->string_table[0] && pb->string_table[0][0])) {
        fail(r->err, r->errcap, 0, "the string table must start with the empty string");
        return -1;
    }
    sample_ctx c = {.r = r, .pv = pv};
    if (count_index(r, &c.vidx, &p->sample_type) != 0)
        return -1;
    p->time_nanos = pb->time_nanos;
    size_t badf = SIZE_MAX, badl = SIZE_MAX;
    id_index *funcs = index_ids(pb->n_function, function_id, pb->function, &badf);
    id_index *locs = index_ids(pb->n_location, location_id, pb->location, &badl);
    c.locs = locs;
    int rc = -1;
    if (ids_ok(r, o, funcs, badf, locs, badl) && expand_locations(r, pv, o, funcs, pb->n_function) == 0
        && alloc_samples(r, pv, p) == 0)
        rc = 0;
    for (size_t i = 0; rc == 0 && i < pb->n_sample; i++)
        rc = add_sample(&c, pb->sample[i], o->sample[i], p);
    free(funcs);
    free(locs);
    return rc;
}

size_t gl_pprof_sample_frames(const gl_pprof_profile *p, const gl_pprof_sample *s,
                              gl_pprof_frame *frames, size_t cap, int *truncated)
{
    const priv *pv = p->priv_;
    size_t n = 0;
    *truncated = 0;
    for (size_t i = 0; i < s->nlocations; i++) {
        const loc_frames *lf = &pv->locs[s->locations[i]];
        for (size_t j = 0; j < lf->n; j++) {
            if (n == cap) {
                *truncated = 1;
                return n;
            }
            frames[n++] = pv->frames[lf->first + j];
        }
    }
    return n;
}

int gl_pprof_decode(const unsigned char *buf, size_t len, gl_pprof_profile **out, char *err, size_t errcap)
{
    *out = NULL;
    err[0] = 0;
    priv *pv = calloc(1, sizeof *pv);
    gl_pprof_profile *p = calloc(1, sizeof *p);
    offsets o = {0};
    if (!pv || !p) {
        fail(err, errcap, 0, "out of memory");
        goto bad;
    }
    p->priv_ = pv;
    const unsigned char *data = buf;
    size_t dlen = len;
    int gz = is_gzip(buf, len);
    if (gz) {
        if (gunzip(buf, len, &pv->inflated, &dlen, err, errcap) != 0)
            goto bad;
        data = pv->inflated;
    }
    if (dlen > GL_PPROF_MAX_BYTES) {
        fail(err, errcap, 0, "the profile is larger than %zu MiB", GL_PPROF_MAX_BYTES >> 20);
        goto bad;
    }
    if (walk(data, dlen, &o, 0, err, errcap) != 0)
        goto prefix;
    pv->pb = glpprof__profile__unpack(NULL, dlen, data);
    if (!pv->pb) {
        if (walk(data, dlen, NULL, 1, err, errcap) == 0)
            fail(err, errcap, 0, "protobuf-c could not decode the profile");
        goto prefix;
    }
    if (o.nsample != pv->pb->n_sample || o.nlocation != pv->pb->n_location
        || o.nfunction != pv->pb->n_function) {
        fail(err, errcap, 0, "protobuf-c and the framing disagree on the number of records");
        goto prefix;
    }
    resolver r = {pv->pb, err, errcap};
    if (build(&r, pv, &o, p) != 0)
        goto prefix;
    free_offsets(&o);
    *out = p;
    return 0;
prefix:
    if (gz) {
        /* Positions inside the decompressed data: say so. */
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s (after decompression)", err);
        snprintf(err, errcap, "%s", tmp);
    }
bad:
    free_offsets(&o);
    gl_pprof_profile_free(p);
    if (!p)
        free_priv(pv);
    return -1;
}
