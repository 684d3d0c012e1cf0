/* Resolution of the gc runtime's vocabulary (gc_abi.def) for one binary:
 * from its DWARF when it has some (the linker writes every runtime type and
 * constant by name), else from the per-version table. */
#include "ptrace/why.h"
#include "binary/gc_abi.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

typedef struct struct_def {
    const char *names;        /* "name|older name" */
    const char *id;
} struct_def;

typedef struct member_def {
    int owner;                /* gc_struct_id */
    const char *path;         /* "a.b|alternative" */
    int required;
    const char *id;
} member_def;

typedef struct named_def {
    const char *name;
    int64_t dflt;
    int required;
    const char *id;
} named_def;

static const struct_def struct_defs[GC_S_COUNT] = {
#define GC_STRUCT(id, names) [GC_S_##id] = {names, #id},
#include "binary/gc_abi.def"
};

static const member_def member_defs[GC_M_COUNT] = {
#define GC_MEMBER(id, st, path, req) [GC_M_##id] = {GC_S_##st, path, req, #id},
#include "binary/gc_abi.def"
};

static const named_def const_defs[GC_C_COUNT] = {
#define GC_CONST(id, name, dflt) [GC_C_##id] = {name, dflt, 0, #id},
#include "binary/gc_abi.def"
};

static const named_def var_defs[GC_V_COUNT] = {
#define GC_VAR(id, name, req) [GC_V_##id] = {name, 0, req, #id},
#include "binary/gc_abi.def"
};

static const named_def func_defs[GC_F_COUNT] = {
#define GC_FUNC(id, name, req) [GC_F_##id] = {name, 0, req, #id},
#include "binary/gc_abi.def"
};

const char *gc_abi_member_name(gc_member_id id)
{
    return id < GC_M_COUNT ? member_defs[id].id : "?";
}

/* The position of name among the '|'-separated alternatives, -1 none. */
static int alternative(const char *alternatives, const char *name)
{
    size_t n = strlen(name);
    int k = 0;
    for (const char *s = alternatives; s; k++) {
        const char *bar = strchr(s, '|');
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        if (len == n && memcmp(s, name, n) == 0)
            return k;
        s = bar ? bar + 1 : NULL;
    }
    return -1;
}

/* ---- DWARF ------------------------------------------------------------ */

typedef struct dwarf_index {
    Dwarf *dbg;
    Dwarf_Off structs[GC_S_COUNT];  /* DIE offsets, 0 absent */
    Dwarf_Off vars[GC_V_COUNT];
} dwarf_index;

static int die_type(Dwarf_Die *die, Dwarf_Die *out)
{
    Dwarf_Attribute a;
    if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, out))
        return -1;
    while (dwarf_tag(out) == DW_TAG_typedef) {
        Dwarf_Die next;
        if (!dwarf_attr_integrate(out, DW_AT_type, &a) || !dwarf_formref_die(&a, &next))
            return -1;
        *out = next;
    }
    return 0;
}

static int member_offset(Dwarf_Die *m, int64_t *off)
{
    Dwarf_Attribute a;
    Dwarf_Word w;
    if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &a) || dwarf_formudata(&a, &w) != 0)
        return -1;
    *off = (int64_t)w;
    return 0;
}

/* The byte offset of a dotted path of members inside the struct st. */
static int path_offset(Dwarf_Die st, const char *path, size_t len, int64_t *out)
{
    int64_t total = 0;
    while (len) {
        const char *dot = memchr(path, '.', len);
        size_t part = dot ? (size_t)(dot - path) : len;
        Dwarf_Die m;
        int found = 0;
        if (dwarf_child(&st, &m) == 0) {
            do {
                const char *name = dwarf_diename(&m);
                if (dwarf_tag(&m) == DW_TAG_member && name && strlen(name) == part
                    && memcmp(name, path, part) == 0) {
                    found = 1;
                    break;
                }
            } while (dwarf_siblingof(&m, &m) == 0);
        }
        int64_t off;
        if (!found || member_offset(&m, &off) != 0)
            return -1;
        total += off;
        path += part;
        len -= part;
        if (len) {
            path++;
            len--;
            if (die_type(&m, &st) != 0)
                return -1;
        }
    }
    *out = total;
    return 0;
}

static int resolve_path(Dwarf_Die st, const char *alternatives, int64_t *out)
{
    for (const char *s = alternatives; s;) {
        const char *bar = strchr(s, '|');
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        if (path_offset(st, s, len, out) == 0)
            return 0;
        s = bar ? bar + 1 : NULL;
    }
    return -1;
}

static void note_constant(gc_abi *abi, Dwarf_Die *die, const char *name)
{
    for (int i = 0; i < GC_C_COUNT; i++) {
        Dwarf_Attribute a;
        Dwarf_Sword v;
        if (alternative(const_defs[i].name, name) >= 0 && dwarf_attr(die, DW_AT_const_value, &a)
            && dwarf_formsdata(&a, &v) == 0)
            abi->konst[i] = v;
    }
}

static void index_die(gc_abi *abi, dwarf_index *ix, Dwarf_Die *die)
{
    const char *name = dwarf_diename(die);
    if (!name)
        return;
    switch (dwarf_tag(die)) {
    case DW_TAG_structure_type:
        for (int i = 0; i < GC_S_COUNT; i++)
            if (!ix->structs[i] && alternative(struct_defs[i].names, name) >= 0)
                ix->structs[i] = dwarf_dieoffset(die);
        break;
    case DW_TAG_variable:
        for (int i = 0; i < GC_V_COUNT; i++)
            if (!ix->vars[i] && strcmp(var_defs[i].name, name) == 0)
                ix->vars[i] = dwarf_dieoffset(die);
        break;
    case DW_TAG_constant:
        note_constant(abi, die, name);
        break;
    }
}

static void index_dwarf(gc_abi *abi, dwarf_index *ix)
{
    Dwarf_Off off = 0, next;
    size_t hsize;
    while (dwarf_nextcu(ix->dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu, die;
        if (dwarf_offdie(ix->dbg, off + hsize, &cu) && dwarf_child(&cu, &die) == 0) {
            do
                index_die(abi, ix, &die);
            while (dwarf_siblingof(&die, &die) == 0);
        }
        off = next;
    }
}

/* Elements of the array variable var (runtime.waitReasonStrings). */
static int64_t array_count(dwarf_index *ix, Dwarf_Off var)
{
    Dwarf_Die v, t, sub;
    if (!var || !dwarf_offdie(ix->dbg, var, &v) || die_type(&v, &t) != 0 || dwarf_tag(&t) != DW_TAG_array_type
        || dwarf_child(&t, &sub) != 0)
        return -1;
    Dwarf_Attribute a;
    Dwarf_Word w;
    if (dwarf_attr(&sub, DW_AT_count, &a) && dwarf_formudata(&a, &w) == 0)
        return (int64_t)w;
    if (dwarf_attr(&sub, DW_AT_upper_bound, &a) && dwarf_formudata(&a, &w) == 0)
        return (int64_t)w + 1;
    return -1;
}

static uint64_t var_address(dwarf_index *ix, Dwarf_Off var)
{
    Dwarf_Die v;
    Dwarf_Attribute a;
    Dwarf_Op *ops;
    size_t nops;
    if (!var || !dwarf_offdie(ix->dbg, var, &v) || !dwarf_attr(&v, DW_AT_location, &a)
        || dwarf_getlocation(&a, &ops, &nops) != 0 || nops != 1 || ops[0].atom != DW_OP_addr)
        return 0;
    return ops[0].number;
}

static void resolve_from_dwarf(gc_abi *abi, dwarf_index *ix)
{
    index_dwarf(abi, ix);
    for (int i = 0; i < GC_S_COUNT; i++) {
        Dwarf_Die st;
        if (ix->structs[i] && dwarf_offdie(ix->dbg, ix->structs[i], &st))
            abi->size[i] = dwarf_bytesize(&st);
    }
    for (int i = 0; i < GC_M_COUNT; i++) {
        const member_def *m = &member_defs[i];
        Dwarf_Die st;
        Dwarf_Off off = ix->structs[m->owner];
        if (off && dwarf_offdie(ix->dbg, off, &st))
            resolve_path(st, m->path, &abi->member[i]);
    }
    for (int i = 0; i < GC_V_COUNT; i++)
        if (!abi->var[i])
            abi->var[i] = var_address(ix, ix->vars[i]);
    abi->nwaitreasons = array_count(ix, ix->vars[GC_V_WAITREASON_STRINGS]);
    snprintf(abi->source, sizeof abi->source, "DWARF");
}

/* ---- the per-version table, for binaries without DWARF ---------------- */

typedef struct version_row {
    int minor;                    /* Go 1.minor */
    int64_t member[GC_M_COUNT];
    int64_t size[GC_S_COUNT];
    int64_t konst[GC_C_COUNT];
    int64_t nwaitreasons;
    const char *const *reasons;   /* runtime.waitReasonStrings */
} version_row;

static const version_row version_rows[] = {
#include "binary/gc_abi_versions.inc"
    {.minor = -1}, /* keeps the array non-empty while the table is */
};

static const version_row *row_for(const gc_binary *b)
{
    for (size_t i = 0; i < sizeof version_rows / sizeof version_rows[0]; i++)
        if (b->go_major == 1 && version_rows[i].minor == b->go_minor)
            return &version_rows[i];
    return NULL;
}

static int resolve_from_table(gc_abi *abi, const gc_binary *b)
{
    const version_row *r = row_for(b);
    if (!r)
        return -1;
    memcpy(abi->member, r->member, sizeof abi->member);
    memcpy(abi->size, r->size, sizeof abi->size);
    memcpy(abi->konst, r->konst, sizeof abi->konst);
    abi->nwaitreasons = r->nwaitreasons;
    abi->reasons = r->reasons;
    snprintf(abi->source, sizeof abi->source, "table for go1.%d", r->minor);
    return 0;
}

/* ---- resolution ------------------------------------------------------- */

static void reset(gc_abi *abi)
{
    memset(abi, 0, sizeof *abi);
    for (int i = 0; i < GC_M_COUNT; i++)
        abi->member[i] = -1;
    for (int i = 0; i < GC_S_COUNT; i++)
        abi->size[i] = -1;
    for (int i = 0; i < GC_C_COUNT; i++)
        abi->konst[i] = -1;
    abi->nwaitreasons = -1;
}

static void resolve_vars(gc_abi *abi, const gc_binary *b)
{
    const char *names[GC_V_COUNT];
    for (int i = 0; i < GC_V_COUNT; i++)
        names[i] = var_defs[i].name;
    gc_binary_symbols(b, names, GC_V_COUNT, abi->var);
}

static int check_required(const gc_abi *abi, const gc_binary *b, char *why, size_t len)
{
    for (int i = 0; i < GC_M_COUNT; i++)
        if (member_defs[i].required && abi->member[i] < 0)
            return gc_why(why, len, "%s (%s): the runtime has no member %s of %s", b->goversion, abi->source,
                       member_defs[i].path, struct_defs[member_defs[i].owner].names);
    if (abi->size[GC_S_G] <= 0 || abi->nwaitreasons <= 0)
        return gc_why(why, len, "%s (%s): no size of runtime.g or of runtime.waitReasonStrings", b->goversion,
                   abi->source);
    return 0;
}

int gc_abi_resolve(gc_abi *abi, const gc_binary *b, char *why, size_t whylen)
{
    reset(abi);
    resolve_vars(abi, b);
    Dwarf *dbg = b->has_dwarf ? dwarf_begin_elf(b->elf_, DWARF_C_READ, NULL) : NULL;
    if (dbg) {
        dwarf_index ix = {.dbg = dbg};
        resolve_from_dwarf(abi, &ix);
        dwarf_end(dbg);
    } else if (resolve_from_table(abi, b) != 0) {
        return gc_why(why, whylen, "%s: built without DWARF (-ldflags=-w, as go test does) and goleash has no "
                   "layout table for this Go version (it has go1.19 to go1.27)",
                   b->goversion[0] ? b->goversion : "unknown Go version");
    }
    /* The wait-reason strings of a binary without symbols come from the table. */
    const version_row *row = row_for(b);
    if (!abi->var[GC_V_WAITREASON_STRINGS] && !abi->reasons && row) {
        abi->reasons = row->reasons;
        abi->nwaitreasons = row->nwaitreasons;
    }
    for (int i = 0; i < GC_C_COUNT; i++)
        if (abi->konst[i] < 0)
            abi->konst[i] = const_defs[i].dflt;
    return check_required(abi, b, why, whylen);
}

typedef struct func_pass {
    gc_abi *abi;
    int rank[GC_F_COUNT];     /* the alternative each entry came from */
} func_pass;

static void take_func(const char *name, uint64_t entry, void *ctx)
{
    func_pass *fp = ctx;
    for (int i = 0; i < GC_F_COUNT; i++) {
        int k = alternative(func_defs[i].name, name);
        if (k >= 0 && (!fp->abi->func[i] || k < fp->rank[i])) {
            fp->abi->func[i] = entry;
            fp->rank[i] = k;
        }
    }
}

int gc_abi_resolve_funcs(gc_abi *abi, const gc_pcln *pcln, char *why, size_t whylen)
{
    func_pass fp = {.abi = abi};
    memset(abi->func, 0, sizeof abi->func);
    gc_pcln_each(pcln, take_func, &fp);
    for (int i = 0; i < GC_F_COUNT; i++) {
        if (!abi->func[i] && func_defs[i].required)
            return gc_why(why, whylen, "no function %s in the binary's function table", func_defs[i].name);
    }
    return 0;
}

static void print_array(FILE *out, const char *field, const int64_t *v, size_t n, const named_def *names,
                        const member_def *members)
{
    fprintf(out, "     .%s = {", field);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s[GC_%c_%s] = %" PRId64, i ? ", " : "", members ? 'M' : 'C',
                members ? members[i].id : names[i].id, v[i]);
    fprintf(out, "},\n");
}

int gc_abi_var_required(gc_var_id v)
{
    return var_defs[v].required;
}

const char *gc_abi_var_name(gc_var_id v)
{
    return var_defs[v].name;
}

static void print_c_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++)
        fprintf(out, *s == '"' || *s == '\\' ? "\\%c" : (unsigned char)*s < 0x20 ? "\\x%02x" : "%c", *s);
    fputc('"', out);
}

void gc_abi_print_row(FILE *out, const gc_abi *abi, const char *goversion, const char *const *reasons, size_t n)
{
    int major = 0, minor = 0;
    sscanf(goversion, "go%d.%d", &major, &minor);
    fprintf(out, "    {.minor = %d, /* %s */\n", minor, goversion);
    print_array(out, "member", abi->member, GC_M_COUNT, NULL, member_defs);
    print_array(out, "konst", abi->konst, GC_C_COUNT, const_defs, NULL);
    fprintf(out, "     .size = {");
    for (int i = 0; i < GC_S_COUNT; i++)
        fprintf(out, "%s[GC_S_%s] = %" PRId64, i ? ", " : "", struct_defs[i].id, abi->size[i]);
    fprintf(out, "},\n     .nwaitreasons = %zu,\n     .reasons = (const char *const[]){", n);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? (i % 4 ? ", " : ",\n         ") : "", out);
        print_c_string(out, reasons[i]);
    }
    fprintf(out, "}},\n");
}
