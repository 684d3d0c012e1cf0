#include "reports/sarif.h"
#include "reports/leak_text.h"
#include "reports/sha256.h"

#include "names/canonical.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#ifndef GOLEASH_VERSION
#define GOLEASH_VERSION "0"
#endif

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define FINGERPRINT_KEY "goleashLeak/v1"

typedef struct rule_text {
    gl_category category;
    const char *name;        /* PascalCase, as SARIF's rule.name suggests */
    const char *short_text;
    const char *help;
} rule_text;

/* Indexed by gl_category: ruleIndex is the category's number. */
static const rule_text rules[] = {
    {GL_CAT_CHAN_RECEIVE, "LeakedGoroutineChanReceive", "Goroutine leaked waiting to receive from a channel",
     "The goroutine waits to receive from a channel that no goroutine will send on or close. Close the channel "
     "when the producer is done, or give the receiver a way out (a done channel or a cancelled context in a "
     "select)."},
    {GL_CAT_CHAN_SEND, "LeakedGoroutineChanSend", "Goroutine leaked waiting to send on a channel",
     "The goroutine waits to send on a channel nobody receives from any more (often a result channel whose "
     "reader returned early, e.g. on a timeout). Give the channel enough buffer for every sender, or select on "
     "a done channel or context next to the send."},
    {GL_CAT_NIL_CHAN_RECEIVE, "LeakedGoroutineNilChanReceive", "Goroutine leaked receiving from a nil channel",
     "A receive from a nil channel blocks forever. Make the channel before it is used."},
    {GL_CAT_NIL_CHAN_SEND, "LeakedGoroutineNilChanSend", "Goroutine leaked sending on a nil channel",
     "A send on a nil channel blocks forever. Make the channel before it is used."},
    {GL_CAT_SELECT, "LeakedGoroutineSelect", "Goroutine leaked in a select no case of which can proceed",
     "No case of the select will ever become ready. Add a case on a done channel or ctx.Done() that is closed "
     "when the goroutine's work is no longer wanted."},
    {GL_CAT_SELECT_FOREVER, "LeakedGoroutineSelectForever", "Goroutine leaked in select {}",
     "select {} blocks forever. Outside main, let the goroutine return when its owner is done."},
    {GL_CAT_CONTEXT, "LeakedGoroutineContext", "Goroutine leaked waiting on a context that is never cancelled",
     "The goroutine waits on ctx.Done() of a context whose cancel function was never called. Call the cancel "
     "function (defer cancel()) when the work the context covers is finished."},
    {GL_CAT_MUTEX, "LeakedGoroutineMutex", "Goroutine leaked waiting for a sync.Mutex",
     "The goroutine waits for a mutex that is never unlocked. Unlock on every path (defer mu.Unlock())."},
    {GL_CAT_RWMUTEX, "LeakedGoroutineRWMutex", "Goroutine leaked waiting for a sync.RWMutex",
     "The goroutine waits for a read-write mutex that is never released. Unlock on every path."},
    {GL_CAT_WAITGROUP, "LeakedGoroutineWaitGroup", "Goroutine leaked in sync.WaitGroup.Wait",
     "The WaitGroup's counter never reaches zero: some Add has no matching Done. Call Done on every path "
     "(defer wg.Done()) and Add before starting the goroutine."},
    {GL_CAT_COND, "LeakedGoroutineCond", "Goroutine leaked in sync.Cond.Wait",
     "Nobody signals or broadcasts the condition any more. Broadcast when the state the waiters wait for "
     "changes, including on shutdown."},
    {GL_CAT_SEMA, "LeakedGoroutineSema", "Goroutine leaked waiting on a runtime semaphore",
     "The goroutine waits on a semaphore that is never released."},
    {GL_CAT_OTHER, "LeakedGoroutine", "Goroutine the Go runtime reports as leaked",
     "The garbage collector found that nothing can ever wake this goroutine (Go's goroutineleak profile). "
     "Find what it waits on in its stack and make sure that is released on every path."},
    {GL_CAT_CHAN, "LeakedGoroutineChan", "Goroutine blocked in a channel operation",
     "The goroutine waits to send on or receive from a channel (the profile does not say which) that no other "
     "goroutine will ever serve. Make sure the other side always runs, or close the channel."},
    {GL_CAT_ONCE, "LeakedGoroutineOnce", "Goroutine leaked in sync.Once.Do",
     "Another goroutine is running the Once's function and never returns from it (often it waits, directly or "
     "not, for this goroutine). Make sure the function cannot block on its own callers."},
};

_Static_assert(sizeof rules / sizeof rules[0] == GL_CAT_ONCE + 1, "a rule for every category");

void gl_sarif_rule_id(gl_category c, char *buf, size_t len)
{
    snprintf(buf, len, "goroutine-leak/%s", gl_category_name(c));
}

/* A frame's function in the canonical spelling (names/canonical.h), so a
 * leak keeps its fingerprint whichever compiler built the program. */
static const char *canonical_function(const gl_frame *f, char *buf, size_t cap, char **heap)
{
    *heap = NULL;
    const char *c = f && f->function ? gl_canonical_name(f->function, buf, cap, heap) : NULL;
    return c ? c : "";
}

static void hash_of(const gl_leak_group *g, char hex[65])
{
    char blocked[256], created[256], *heap_b, *heap_c;
    const char *parts[] = {
        "v1",
        gl_category_name(g->category),
        canonical_function(g->blocked_at, blocked, sizeof blocked, &heap_b),
        canonical_function(g->created_at, created, sizeof created, &heap_c),
        g->test ? g->test : "",
    };
    size_t len = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        len += strlen(parts[i]) + 1;
    char *key = malloc(len), *p = key;
    if (!key) {
        snprintf(hex, 65, "%064d", 0);
        free(heap_b);
        free(heap_c);
        return;
    }
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t n = strlen(parts[i]) + 1; /* with its NUL: unambiguous */
        memcpy(p, parts[i], n);
        p += n;
    }
    gl_sha256_hex(key, len, hex);
    free(key);
    free(heap_b);
    free(heap_c);
}

static int line_of(const gl_frame *f)
{
    return f ? f->line : 0;
}

/* Whether a orders before b among groups of equal hash: by creation line,
 * then blocking line, then report order. Lines only order, they are not
 * hashed, so an edit above both sites keeps every fingerprint. */
static int before(const gl_leak_group *a, const gl_leak_group *b)
{
    if (line_of(a->created_at) != line_of(b->created_at))
        return line_of(a->created_at) < line_of(b->created_at);
    if (line_of(a->blocked_at) != line_of(b->blocked_at))
        return line_of(a->blocked_at) < line_of(b->blocked_at);
    return a < b;
}

void gl_sarif_fingerprint(const gl_report *r, const gl_leak_group *g, char *buf, size_t len)
{
    char hex[65], other[65];
    hash_of(g, hex);
    size_t n = 1;
    for (size_t i = 0; i < r->ngroups; i++) {
        const gl_leak_group *h = &r->groups[i];
        if (h == g)
            continue;
        hash_of(h, other);
        if (strcmp(hex, other) == 0 && before(h, g))
            n++;
    }
    snprintf(buf, len, "%s:%zu", hex, n);
}

/* jansson wants valid UTF-8; names and paths from a dump need not be. */
static json_t *str(const char *s)
{
    json_t *j = json_string(s ? s : "");
    if (j || !s)
        return j;
    char *clean = strdup(s);
    if (!clean)
        return NULL;
    for (char *p = clean; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    j = json_string(clean);
    free(clean);
    return j;
}

static json_t *text(const char *s)
{
    return json_pack("{s:o}", "text", str(s));
}

/* RFC 3986: everything but unreserved characters and '/' percent-encoded. */
static char *uri_path(const char *path)
{
    size_t n = strlen(path);
    char *out = malloc(3 * n + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '.' || *p == '_' || *p == '~' || *p == '/') {
            *o++ = (char)*p;
        } else {
            snprintf(o, 4, "%%%02X", *p);
            o += 3;
        }
    }
    *o = '\0';
    return out;
}

static json_t *uri_json(const char *prefix, const char *path, const char *suffix)
{
    char *enc = uri_path(path);
    if (!enc)
        return NULL;
    size_t n = strlen(prefix) + strlen(enc) + strlen(suffix) + 1;
    char *s = malloc(n);
    json_t *j = NULL;
    if (s) {
        snprintf(s, n, "%s%s%s", prefix, enc, suffix);
        j = json_string(s);
    }
    free(s);
    free(enc);
    return j;
}

/* A physical location for a frame's file: relative to %SRCROOT% when under
 * it, an absolute file: URI when elsewhere, NULL when unknown or relative to
 * somewhere we do not know (a library built elsewhere: "../../src/..."). */
static json_t *physical(const gl_sarif_opts *o, const gl_frame *f)
{
    if (!f || !f->file)
        return NULL;
    json_t *artifact;
    const char *rel = gl_source_root_relative(o->root, f->file);
    if (rel)
        artifact = json_pack("{s:o, s:s}", "uri", uri_json("", rel, ""), "uriBaseId", "%SRCROOT%");
    else if (f->file[0] == '/')
        artifact = json_pack("{s:o}", "uri", uri_json("file://", f->file, ""));
    else
        return NULL;
    json_t *p = json_pack("{s:o}", "artifactLocation", artifact);
    if (p && f->line > 0)
        json_object_set_new(p, "region", json_pack("{s:i}", "startLine", f->line));
    return p;
}

static json_t *logical(const gl_frame *f)
{
    if (!f || !f->function)
        return NULL;
    return json_pack("[{s:o, s:s}]", "fullyQualifiedName", str(f->function), "kind", "function");
}

/* A SARIF location for frame f; message and id are optional (NULL, -1). */
static json_t *location(const gl_sarif_opts *o, const gl_frame *f, const char *message, int id)
{
    json_t *loc = json_object();
    if (!loc)
        return NULL;
    if (id >= 0)
        json_object_set_new(loc, "id", json_integer(id));
    json_t *p = physical(o, f), *l = logical(f);
    if (p)
        json_object_set_new(loc, "physicalLocation", p);
    if (l)
        json_object_set_new(loc, "logicalLocations", l);
    if (message)
        json_object_set_new(loc, "message", text(message));
    return loc;
}

static const gl_frame *first_user_frame(const gl_stack *s)
{
    return s ? gl_rules_user_frame(s, NULL) : NULL;
}

static json_t *stack(const gl_sarif_opts *o, const gl_stack *s, size_t from, const char *message)
{
    json_t *frames = json_array();
    for (size_t i = from; frames && s && i < s->n; i++) {
        const gl_frame *f = &s->frames[i];
        json_t *loc = location(o, f, NULL, -1);
        if (!f->function) {
            char pc[32];
            snprintf(pc, sizeof pc, "0x%llx", (unsigned long long)f->pc);
            json_object_set_new(loc, "message", text(pc));
        }
        json_array_append_new(frames, json_pack("{s:o}", "location", loc));
    }
    return json_pack("{s:o, s:o}", "message", text(message), "frames", frames);
}

static json_t *result(const gl_sarif_opts *o, const gl_report *r, const gl_leak_group *g)
{
    char rule_id[64], fingerprint[96];
    gl_sarif_rule_id(g->category, rule_id, sizeof rule_id);
    gl_sarif_fingerprint(r, g, fingerprint, sizeof fingerprint);
    char *summary = gl_leak_summary(g), *paragraph = gl_leak_paragraph(g);
    json_t *res = NULL;
    if (!summary || !paragraph)
        goto out;
    size_t n = strlen(summary) + strlen(paragraph) + 3;
    char *message = malloc(n);
    if (!message)
        goto out;
    snprintf(message, n, "%s\n\n%s", summary, paragraph);

    /* The primary location must be in the repository to be shown: blocked
     * in code outside it, the leak is placed at the program's own frame that
     * called in, and the blocking site becomes a related location. */
    const gl_frame *anchor = g->blocked_at ? gl_source_root_frame(o->root, g->stack, g->blocked_index) : NULL;
    if (!anchor)
        anchor = g->blocked_at;
    json_t *locations = json_array();
    if (anchor)
        json_array_append_new(locations, location(o, anchor, NULL, -1));
    json_t *related = json_array();
    int id = 1;
    if (anchor != g->blocked_at)
        json_array_append_new(related, location(o, g->blocked_at, "blocked here, outside the source tree", id++));
    if (g->created_at)
        json_array_append_new(related, location(o, g->created_at, "goroutine created here", id++));
    if (g->chan && first_user_frame(g->chan->made))
        json_array_append_new(related, location(o, first_user_frame(g->chan->made), "channel made here", id++));
    if (g->context && first_user_frame(g->context->created))
        json_array_append_new(related,
                              location(o, first_user_frame(g->context->created), "context created here", id++));
    for (size_t i = 0; g->lock && i < g->lock->nholders; i++) {
        const gl_holder *h = &g->lock->holders[i];
        char what[96];
        snprintf(what, sizeof what, "%s by goroutine %lld here%s",
                 g->lock->kind == GL_WAIT_ONCE ? "Once.Do called" : h->read ? "read-locked" : "locked",
                 (long long)h->goid, h->exited ? " (it exited without unlocking)" : "");
        if (first_user_frame(h->site))
            json_array_append_new(related, location(o, first_user_frame(h->site), what, id++));
    }
    json_t *stacks = json_array();
    if (g->stack && g->stack->n)
        json_array_append_new(stacks, stack(o, g->stack, g->blocked_index, "blocking stack"));
    if (g->created && g->created->n)
        json_array_append_new(stacks, stack(o, g->created, g->created_index, "creation stack"));
    json_t *goids = json_array(), *pids = json_array();
    for (size_t i = 0; goids && i < g->ngoids; i++)
        json_array_append_new(goids, json_integer(g->goids[i]));
    for (size_t i = 0; pids && i < g->npids; i++)
        json_array_append_new(pids, json_integer(g->pids[i]));
    json_t *props = json_pack("{s:I, s:s, s:o, s:o, s:o}", "count", (json_int_t)g->count, "category",
                              gl_category_name(g->category), "test", g->test ? str(g->test) : json_null(),
                              "goroutines", goids, "pids", pids);
    res = json_pack("{s:s, s:i, s:s, s:o, s:o, s:o, s:{s:s}, s:o, s:o}",
                    "ruleId", rule_id,
                    "ruleIndex", (int)g->category,
                    "level", "error",
                    "message", text(message),
                    "locations", locations,
                    "relatedLocations", related,
                    "partialFingerprints", FINGERPRINT_KEY, fingerprint,
                    "stacks", stacks,
                    "properties", props);
    free(message);
out:
    free(summary);
    free(paragraph);
    return res;
}

static json_t *driver(void)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < sizeof rules / sizeof rules[0]; i++) {
        char id[64];
        gl_sarif_rule_id(rules[i].category, id, sizeof id);
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:o, s:o, s:o, s:{s:s}, s:{s:[s, s], s:s, s:s}}", "id", id, "name",
                            rules[i].name, "shortDescription", text(rules[i].short_text), "fullDescription",
                            text(rules[i].help), "help", text(rules[i].help), "defaultConfiguration", "level",
                            "error", "properties", "tags", "goroutine-leak", "concurrency", "precision", "high",
                            "problem.severity", "error"));
    }
    return json_pack("{s:s, s:s, s:o}", "name", "goleash", "version", GOLEASH_VERSION, "rules", list);
}

int gl_report_sarif(FILE *out, const gl_report *r, const gl_sarif_opts *o)
{
    json_t *results = json_array();
    for (size_t i = 0; results && i < r->ngroups; i++) {
        json_t *res = result(o, r, &r->groups[i]);
        if (!res || json_array_append_new(results, res) != 0) {
            json_decref(results);
            return -1;
        }
    }
    json_t *run = json_pack("{s:{s:o}, s:{s:{s:o}}, s:o}", "tool", "driver", driver(), "originalUriBaseIds",
                            "%SRCROOT%", "uri", uri_json("file://", o->root->path, strcmp(o->root->path, "/") ? "/" : ""),
                            "results", results);
    if (run && o->category)
        json_object_set_new(run, "automationDetails", json_pack("{s:o}", "id", str(o->category)));
    json_t *root = json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs", run);
    if (!root)
        return -1;
    int rc = json_dumpf(root, out, JSON_INDENT(2));
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF)
        return -1;
    return ferror(out) ? -1 : 0;
}
