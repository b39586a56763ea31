/* Keeping sidecars as the store says (xmp_sync.h). */
#include "daemon/xmp_sync.h"

#include "core/fc_error.h"
#include "core/util/text.h"
#include "daemon/log.h"
#include "daemon/scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A file and what its named faces were when last written (a hash of them). */
typedef struct {
    char *path;
    uint64_t digest;
} written;

typedef struct {
    written *items;
    size_t count, cap;
} written_list;

struct xmp_sync {
    fc_file_output how;
    written_list last; /* the last pass's files, in path order */
    int passes;
};

/* The pass under way. */
typedef struct {
    xmp_sync *x;
    fc_store *store;
    written_list now;
    size_t next_last; /* in x->last, for the merge by path */
    long written, failed;
    int out_of_memory;
} pass;

static void list_free(written_list *l)
{
    for (size_t i = 0; i < l->count; i++) free(l->items[i].path);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int list_add(written_list *l, const char *path, uint64_t digest)
{
    if (l->count == l->cap) {
        const size_t cap = l->cap ? 2 * l->cap : 64;
        written *grown = realloc(l->items, cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        l->items = grown, l->cap = cap;
    }
    if (!(l->items[l->count].path = strdup(path))) return -ENOMEM;
    l->items[l->count++].digest = digest;
    return 0;
}

/* FNV-1a, over what a sidecar is written from. */
static uint64_t mix(uint64_t h, const void *bytes, size_t len)
{
    const unsigned char *b = bytes;
    for (size_t i = 0; i < len; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

static uint64_t digest_of(const fc_store_named_photo *p)
{
    uint64_t h = mix(0xcbf29ce484222325ULL, &p->width, sizeof p->width);
    h = mix(h, &p->height, sizeof p->height);
    for (int i = 0; i < p->n; i++) {
        h = mix(h, p->faces[i].name, strlen(p->faces[i].name) + 1);
        h = mix(h, p->faces[i].box, sizeof p->faces[i].box);
    }
    return h;
}

/* The sidecar written is recorded as read when it was, before, what the store last read
 * (or absent both times): then the write's own inotify event is not taken for an edit. */
static void record(pass *ps, const fc_xmp_sidecar_result *did)
{
    char err[FC_ERR_MAX];
    fc_file_identity known,
        before = did->existed ? scan_identity(&did->before) : (fc_file_identity){0};
    const int recorded = fc_store_sidecar_get(ps->store, did->path, &known, err);
    if (recorded < 0) {
        log_path(LOG_WARNING, did->path, "cannot look up the sidecar: %s", err);
        return;
    }
    const int as_read =
        did->existed ? recorded && known.size == before.size && known.mtime_ns == before.mtime_ns
                     : !recorded;
    const fc_file_identity after = scan_identity(&did->after);
    if (as_read && fc_store_sidecar_put(ps->store, did->path, &after, err) != 0)
        log_path(LOG_WARNING, did->path, "cannot record the sidecar: %s", err);
}

/* Brings path's sidecar to hold p's faces (NULL: none). */
static void update(pass *ps, const char *path, const fc_store_named_photo *p)
{
    char err[FC_ERR_MAX] = "";
    fc_xmp_sidecar_result did;
    if (fc_store_named_photo_update(path, p, 0, &ps->x->how, &did, err)) {
        ps->failed++;
        log_path(LOG_WARNING, path, "face names not written to its sidecar: %s", err);
    } else if (did.status == FC_XMP_SIDECAR_WRITTEN) {
        ps->written++;
        record(ps, &did);
        if (p)
            log_path(LOG_DEBUG, did.path, "%d face %s written", p->n,
                     fc_plural(p->n, "name", "names"));
        else
            log_path(LOG_DEBUG, did.path, "facecluster's face names taken out");
    }
}

/* Files the last pass wrote before path that this one did not see: their faces were all
 * unnamed since, so ours go from their sidecars. */
static void clear_last_before(pass *ps, const char *path)
{
    const written_list *last = &ps->x->last;
    for (; ps->next_last < last->count &&
           (!path || strcmp(last->items[ps->next_last].path, path) < 0);
         ps->next_last++)
        update(ps, last->items[ps->next_last].path, NULL);
}

static int visit(void *ctx, const fc_store_named_photo *p)
{
    pass *ps = ctx;
    const written_list *last = &ps->x->last;
    const uint64_t digest = digest_of(p);
    clear_last_before(ps, p->path);
    const int seen =
        ps->next_last < last->count && !strcmp(last->items[ps->next_last].path, p->path);
    if (!seen || last->items[ps->next_last].digest != digest) update(ps, p->path, p);
    ps->next_last += seen;
    if (list_add(&ps->now, p->path, digest)) return ps->out_of_memory = 1;
    return 0;
}

/* The first pass: every file with no named face has ours cleared (from a sidecar that has
 * them), the files this pass wrote being in path order in now. */
static int clear_unnamed(void *ctx, const char *path, const fc_store_file *file)
{
    (void)file;
    pass *ps = ctx;
    while (ps->next_last < ps->now.count && strcmp(ps->now.items[ps->next_last].path, path) < 0)
        ps->next_last++;
    if (ps->next_last == ps->now.count || strcmp(ps->now.items[ps->next_last].path, path))
        update(ps, path, NULL);
    return 0;
}

int xmp_sync_new(const char *const *protect, xmp_sync **out, char *err)
{
    xmp_sync *x = calloc(1, sizeof *x);
    if (!x) return fc_errorf(err, -ENOMEM, "out of memory");
    /* a sidecar may be replaced whatever it holds: its other tags are merged, not lost */
    x->how = (fc_file_output){.protect = protect, .force = 1};
    *out = x;
    return 0;
}

void xmp_sync_free(xmp_sync *x)
{
    if (!x) return;
    list_free(&x->last);
    free(x);
}

long xmp_sync_run(xmp_sync *x, fc_store *store)
{
    pass ps = {.x = x, .store = store};
    char err[FC_ERR_MAX];
    int rc = fc_store_named_photos(store, 0, visit, &ps, err);
    if (!rc && !ps.out_of_memory) {
        clear_last_before(&ps, NULL);
        if (!x->passes) {
            ps.next_last = 0;
            rc = fc_store_files_under(store, "/", clear_unnamed, &ps, err);
        }
    }
    if (rc || ps.out_of_memory) {
        /* the next pass starts afresh, as the first one does */
        log_msg(LOG_ERR, "cannot bring the sidecars up to date: %s",
                ps.out_of_memory ? "out of memory" : err);
        list_free(&ps.now);
        list_free(&x->last);
        x->passes = 0;
        return ps.written;
    }
    list_free(&x->last);
    x->last = ps.now;
    x->passes++;
    if (ps.written || ps.failed)
        log_msg(LOG_INFO, "face names written to %ld %s%s", ps.written,
                fc_plural(ps.written, "sidecar", "sidecars"),
                ps.failed ? " (some could not be: above)" : "");
    return ps.written;
}
