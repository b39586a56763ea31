#include "daemon/indexer.h"

#include "daemon/xmp_import.h"

#include "daemon/log.h"

#include "core/util/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* A truncated file (still being written?) is tried again after this, doubling each time. */
#define RETRY_BACKOFF_S 30
/* A store that cannot take a write (disk full, busy): tried again after this, doubling up
 * to the most; the photos read meanwhile wait in memory, and no more are read. */
#define HOLD_FIRST_S 1.0
#define HOLD_MOST_S 30.0
/* A write failing for another reason (an I/O error) is given up after this many tries:
 * one photo must not stop the rest (the next start reads it again). */
#define HOLD_TRIES 5

typedef struct pending {
    struct pending *next;
    int embed_again; /* faces of an older model version */
    char path[];     /* flexible: one allocation per queued path */
} pending;

struct indexer {
    const daemon_config *cfg;
    fc_store *store;
    work_pool *pool;
    char model_version[FC_FACES_VERSION_LEN + 1];
    pending *head, *tail;
    long queued;
    indexer_counts counts;
    void (*on_idle)(void *ctx);
    void (*on_photo)(void *ctx, int64_t photo);
    void *ctx;
    double started, last_log;
    long network_runs; /* once the pool is stopped */
    char status_line[200], stored_line[200];
    char paused[96]; /* why nothing new goes to the workers ("": it does) */
    /* results the store could not take yet, oldest first: written before anything else */
    work_result *held, *held_tail;
    long n_held, held_written; /* waiting now; written after waiting, this time */
    int held_code;             /* the last failure's (negative errno); 0: none waits */
    char held_cause[FC_ERR_MAX];
    double hold_s; /* the back-off */
    uv_timer_t *hold_timer;
    fc_store_lock *lock; /* borrowed: the state file `status` reads */
    long reported_held, reported_queued;
    int reported_code, report_failed; /* report_failed: logged once */
    long skipped[SCAN_SKIPS];         /* the last indexer_scan's */
};

/* libuv's monotonic clock, in seconds */
static double now_s(void)
{
    return (double)uv_hrtime() * 1e-9;
}

static int same_identity(const fc_file_identity *a, const fc_file_identity *b)
{
    return a->device == b->device && a->inode == b->inode && a->size == b->size &&
           a->mtime_ns == b->mtime_ns;
}

typedef struct {
    char *path;
    fc_store_file row;
} known_file;

typedef struct {
    known_file *items;
    size_t count, cap;
    int failed;
} known_list;

static int collect_known(void *ctx, const char *path, const fc_store_file *row)
{
    known_list *list = ctx;
    if (list->count == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 256;
        known_file *grown = realloc(list->items, cap * sizeof *grown);
        if (!grown) return list->failed = 1;
        list->items = grown, list->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy) return list->failed = 1;
    list->items[list->count++] = (known_file){copy, *row};
    return 0;
}

/* --- feeding the workers ------------------------------------------------------------- */

/* What a file on disk needs, given its store row (known: 1 if there is one). */
enum action { NOTHING, PRESENT_AGAIN, INDEX };

static enum action decide(const fc_store_file *row, int known, const fc_file_identity *id)
{
    if (!known || !row->photo || !same_identity(&row->ident, id)) return INDEX;
    if (row->missing_since) return PRESENT_AGAIN;
    return NOTHING; /* indexed, bad, or pending with its retry time set */
}

/* A known file back from a missing disk, unchanged: present again, nothing read. */
static void present_again(indexer *ix, const char *path, const fc_store_file *row)
{
    char err[FC_ERR_MAX];
    if (fc_store_file_put(ix->store, path, &row->ident, row->photo, err) != 0)
        log_path(LOG_ERR, path, "cannot record: %s", err);
    else
        ix->counts.came_back++;
}

static void feed(indexer *ix)
{
    /* while the store cannot take a write, nothing more is read; nor while paused */
    while (!ix->held && !ix->paused[0] && ix->head && work_pool_room(ix->pool) > 0) {
        pending *p = ix->head;
        /* checked again now: the file may have been indexed since it was queued */
        struct stat st;
        fc_store_file row;
        char err[FC_ERR_MAX];
        int submit = 1;
        if (!p->embed_again && lstat(p->path, &st) == 0 && S_ISREG(st.st_mode)) {
            const fc_file_identity id = scan_identity(&st);
            const int known = fc_store_file_get(ix->store, p->path, &row, err);
            const enum action what = decide(&row, known == 1, &id);
            if (what == PRESENT_AGAIN) present_again(ix, p->path, &row);
            if (what != INDEX) ix->counts.unchanged += what == NOTHING, submit = 0;
        }
        /* a vanished path is submitted too: the worker finds it gone and we record that */
        if (submit && work_pool_submit(ix->pool, p->path, p->embed_again) == -EAGAIN) break;
        ix->head = p->next;
        if (!ix->head) ix->tail = NULL;
        ix->queued--;
        free(p);
    }
    if (indexer_idle(ix) && ix->on_idle) ix->on_idle(ix->ctx);
}

static void enqueue(indexer *ix, const char *path, int embed_again)
{
    const size_t n = strlen(path) + 1;
    pending *p = malloc(sizeof *p + n);
    if (!p) {
        log_path(LOG_ERR, path, "out of memory: not queued (the next scan finds it)");
        return;
    }
    memcpy(p->path, path, n);
    p->next = NULL, p->embed_again = embed_again;
    if (ix->tail)
        ix->tail->next = p;
    else
        ix->head = p;
    ix->tail = p;
    ix->queued++;
}

void indexer_queue(indexer *ix, const char *path)
{
    enqueue(ix, path, 0);
}

static void queue_described(void *ctx, const char *photo)
{
    enqueue(ctx, photo, 1);
}

/* Whether the sidecar at path is as the store last read it (or absent, and never read):
 * the event was the daemon's own write (xmp = write, recorded as read), or changed
 * nothing. */
static int sidecar_as_read(indexer *ix, const char *path)
{
    fc_file_identity known;
    char err[FC_ERR_MAX];
    struct stat st;
    const int present = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    const int recorded = fc_store_sidecar_get(ix->store, path, &known, err);
    if (recorded < 0) return 0; /* read again, to be sure */
    if (!present) return !recorded;
    const fc_file_identity now = scan_identity(&st);
    return recorded && now.size == known.size && now.mtime_ns == known.mtime_ns;
}

/* A sidecar was written, came or went: the photos it describes are read again, networks
 * and all (a new region may mark a face no detector found). 1 if path is a sidecar. */
static int sidecar_changed(indexer *ix, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || !xmp_is_sidecar(slash + 1)) return 0;
    if (sidecar_as_read(ix, path)) return 1;
    xmp_sidecar_photos(path, scan_wanted_name, queue_described, ix);
    feed(ix);
    return 1;
}

void indexer_add(indexer *ix, const char *path)
{
    if (sidecar_changed(ix, path)) return;
    indexer_queue(ix, path);
    feed(ix);
}

void indexer_renamed(indexer *ix, const char *from, const char *to)
{
    /* a program saving a sidecar writes a temporary file and renames it over */
    if (sidecar_changed(ix, from) | sidecar_changed(ix, to)) return;
    char err[FC_ERR_MAX];
    int moved = fc_store_file_rename(ix->store, from, to, err);
    struct stat st;
    if (moved < 0)
        log_path(LOG_ERR, to, "cannot record a rename: %s", err);
    else if (moved > 0)
        ix->counts.moved += moved;
    else if (lstat(to, &st) == 0 && S_ISREG(st.st_mode) && scan_classify_path(to) == SCAN_PHOTO)
        indexer_add(ix, to);
}

static int mark_missing(void *ctx, const char *path, const fc_store_file *row)
{
    indexer *ix = ctx;
    char err[FC_ERR_MAX];
    (void)row;
    if (fc_store_file_missing(ix->store, path, (int64_t)time(NULL), err) < 0)
        log_path(LOG_ERR, path, "cannot record: %s", err);
    else
        ix->counts.missing++;
    return 0;
}

void indexer_gone(indexer *ix, const char *path)
{
    if (sidecar_changed(ix, path)) return;
    char err[FC_ERR_MAX];
    int known = fc_store_file_missing(ix->store, path, (int64_t)time(NULL), err);
    if (known > 0) ix->counts.missing++;
    if (known != 0) return;
    /* not a file the store knows: a folder, then (its files listed before they change) */
    known_list files = {0};
    int rc = fc_store_files_under(ix->store, path, collect_known, &files, err);
    if (!rc && !files.failed && fc_store_begin(ix->store, err) == 0) {
        for (size_t i = 0; i < files.count; i++) mark_missing(ix, files.items[i].path, NULL);
        if (fc_store_commit(ix->store, err) != 0) log_path(LOG_ERR, path, "cannot record: %s", err);
    }
    for (size_t i = 0; i < files.count; i++) free(files.items[i].path);
    free(files.items);
}

/* --- writing what the workers found --------------------------------------------------- */

/* Writes one result; 0, or an error with err set and nothing written. */
static int write_result(indexer *ix, work_result *r, char *err)
{
    int rc = 0;
    const int64_t now = (int64_t)time(NULL);
    switch (r->outcome) {
    case WORK_INDEXED: {
        fc_store_indexed what = {.width = r->photo.width,
                                 .height = r->photo.height,
                                 .faces = r->photo.faces,
                                 .count = r->photo.count,
                                 .model_version = ix->model_version};
        memcpy(what.hash, r->hash, sizeof what.hash);
        fc_exif_time_string(&r->photo.exif, what.taken);
        int64_t photo;
        rc = fc_store_put_indexed(ix->store, r->path, &r->ident, &what, &photo, err);
        if (!rc) xmp_import_apply(ix->store, photo, &r->xmp);
        if (!rc) {
            if (ix->on_photo && r->photo.count) ix->on_photo(ix->ctx, photo);
            ix->counts.indexed++, ix->counts.faces += r->photo.count;
            log_path(LOG_DEBUG, r->path, "%d %s", r->photo.count,
                     fc_plural(r->photo.count, "face", "faces"));
        }
        break;
    }
    case WORK_KNOWN:
        rc = fc_store_file_put(ix->store, r->path, &r->ident, r->known_photo, err);
        if (!rc) xmp_import_apply(ix->store, r->known_photo, &r->xmp);
        if (!rc) ix->counts.linked++;
        break;
    case WORK_FAILED: {
        /* truncated (maybe still being written) or short of memory: may pass */
        const int retry = r->code == -ENODATA || r->code == -ENOMEM;
        int status = FC_PHOTO_BAD;
        rc = fc_store_put_failed(ix->store, r->path, &r->ident, r->hash, r->reason, retry, now,
                                 RETRY_BACKOFF_S, ix->cfg->max_tries, &status, err);
        if (!rc && status == FC_PHOTO_BAD) {
            ix->counts.bad++;
            log_path(LOG_WARNING, r->path, "not indexed: %s", r->reason);
        } else if (!rc) {
            ix->counts.failed++;
            log_path(LOG_INFO, r->path, "%s; will try again", r->reason);
        }
        break;
    }
    case WORK_GONE:
        rc = fc_store_file_missing(ix->store, r->path, now, err);
        if (rc >= 0) ix->counts.gone++, rc = 0;
        break;
    }
    if (!rc) fc_store_touch(ix->store, now, NULL);
    return rc;
}

/* Whether a failed write may pass later: the store full, busy or short of memory
 * (always), or failing otherwise (a few times). */
static int may_pass(int code, int tries)
{
    return code == -ENOSPC || code == -EBUSY || code == -ENOMEM || tries < HOLD_TRIES;
}

static const char *cause_of(int code, const char *err)
{
    switch (code) {
    case -ENOSPC:
        return "disk full";
    case -EBUSY:
        return "the store is busy: another process holds its write lock";
    case -ENOMEM:
        return "out of memory";
    default:
        return err;
    }
}

/* The state file tells `status` how many photos wait and why, even when the store
 * cannot take a write; rewritten only when that changed. */
static void report_waiting(indexer *ix)
{
    const long queued = ix->held ? ix->queued + (ix->pool ? work_pool_busy(ix->pool) : 0) : 0;
    if (!ix->lock || (ix->n_held == ix->reported_held && queued == ix->reported_queued &&
                      ix->held_code == ix->reported_code))
        return;
    char err[FC_ERR_MAX];
    if (fc_store_lock_update(ix->lock, ix->n_held, queued,
                             ix->n_held ? cause_of(ix->held_code, ix->held_cause) : NULL,
                             (int64_t)time(NULL), err) != 0 &&
        !ix->report_failed++)
        log_msg(LOG_WARNING, "%s (status cannot show what waits)", err);
    ix->reported_held = ix->n_held, ix->reported_queued = queued;
    ix->reported_code = ix->held_code;
}

static void on_hold_timer(uv_timer_t *t);

/* Writes the held results in order until one fails for a reason that may pass: it and
 * the rest wait for the back-off. */
static void flush_held(indexer *ix)
{
    char err[FC_ERR_MAX];
    while (ix->held) {
        work_result *r = ix->held;
        const int rc = write_result(ix, r, err);
        if (rc && may_pass(rc, ++r->write_tries)) {
            if (rc != ix->held_code) { /* once per cause */
                snprintf(ix->held_cause, sizeof ix->held_cause, "%s", err);
                log_msg(LOG_WARNING,
                        "cannot write to the store (%s): %ld %s in memory, written as soon "
                        "as it takes writes again (no more are read meanwhile)",
                        cause_of(rc, err), ix->n_held,
                        fc_plural(ix->n_held, "photo waits", "photos wait"));
                ix->held_code = rc;
            }
            ix->hold_s = ix->hold_s > 0 ? ix->hold_s * 2 : HOLD_FIRST_S;
            if (ix->hold_s > HOLD_MOST_S) ix->hold_s = HOLD_MOST_S;
            uv_timer_start(ix->hold_timer, on_hold_timer, (uint64_t)(ix->hold_s * 1000), 0);
            report_waiting(ix);
            return;
        }
        if (rc)
            log_path(LOG_ERR, r->path, "cannot record (%s): the next start reads it again", err);
        else if (ix->held_code)
            ix->held_written++;
        ix->held = r->next;
        if (!ix->held) ix->held_tail = NULL;
        ix->n_held--;
        work_result_free(r);
    }
    if (ix->held_code) {
        log_msg(LOG_INFO, "the store takes writes again: %ld %s that waited written",
                ix->held_written, fc_plural(ix->held_written, "photo", "photos"));
        ix->held_code = 0, ix->held_written = 0, ix->hold_s = 0;
        ix->held_cause[0] = 0;
    }
    report_waiting(ix);
}

static void hold(indexer *ix, work_result *list)
{
    for (work_result *r = list, *next; r; r = next) {
        next = r->next;
        r->next = NULL;
        if (ix->held_tail)
            ix->held_tail->next = r;
        else
            ix->held = r;
        ix->held_tail = r;
        ix->n_held++;
    }
}

static void on_hold_timer(uv_timer_t *t)
{
    indexer *ix = t->data;
    flush_held(ix);
    feed(ix);
}

static void on_results(void *ctx)
{
    indexer *ix = ctx;
    const int waiting = ix->held != NULL; /* then the timer tries again */
    hold(ix, work_pool_take(ix->pool));
    if (waiting)
        report_waiting(ix);
    else
        flush_held(ix);
    if (now_s() - ix->last_log >= 10.0) indexer_progress(ix);
    feed(ix);
}

/* --- the scan -------------------------------------------------------------------------- */

static int by_inode(const void *a, const void *b)
{
    const fc_file_identity *x = &((const known_file *)a)->row.ident;
    const fc_file_identity *y = &((const known_file *)b)->row.ident;
    if (x->device != y->device) return x->device < y->device ? -1 : 1;
    return x->inode < y->inode ? -1 : x->inode > y->inode;
}

/* The vanished file that this new one is, moved: same device, inode, size, mtime. */
static known_file *moved_from(known_file *vanished, size_t n, const fc_file_identity *id)
{
    known_file key = {.row.ident = *id};
    known_file *hit = bsearch(&key, vanished, n, sizeof *vanished, by_inode);
    return hit && hit->path && same_identity(&hit->row.ident, id) ? hit : NULL;
}

static void reconcile(indexer *ix, scan_list *disk, known_list *known)
{
    char err[FC_ERR_MAX];
    /* merge the two sorted lists; files only on disk wait in `fresh` for the move check */
    known_file *vanished = calloc(known->count + 1, sizeof *vanished);
    size_t n_vanished = 0, i = 0, k = 0;
    scan_entry **fresh = calloc(disk->count + 1, sizeof *fresh);
    size_t n_fresh = 0;
    if (!vanished || !fresh) {
        log_msg(LOG_ERR, "out of memory comparing a folder with the store");
        goto done;
    }
    while (i < disk->count || k < known->count) {
        const int c = i == disk->count    ? 1
                      : k == known->count ? -1
                                          : strcmp(disk->items[i].path, known->items[k].path);
        if (c < 0) {
            fresh[n_fresh++] = &disk->items[i++];
        } else if (c > 0) {
            vanished[n_vanished++] = known->items[k++];
        } else {
            const enum action what = decide(&known->items[k].row, 1, &disk->items[i].ident);
            if (what == INDEX)
                indexer_queue(ix, disk->items[i].path);
            else
                ix->counts.unchanged++;
            i++, k++;
        }
    }
    qsort(vanished, n_vanished, sizeof *vanished, by_inode);
    for (size_t f = 0; f < n_fresh; f++) {
        scan_entry *e = fresh[f];
        known_file *from = moved_from(vanished, n_vanished, &e->ident);
        if (from && fc_store_file_rename(ix->store, from->path, e->path, err) == 1) {
            ix->counts.moved++;
            from->path = NULL; /* still owned by `known`: freed there */
            continue;
        }
        /* known but missing (a disk back), or new */
        fc_store_file row;
        const int rc = fc_store_file_get(ix->store, e->path, &row, err);
        const enum action what = decide(&row, rc == 1, &e->ident);
        if (what == PRESENT_AGAIN)
            present_again(ix, e->path, &row);
        else if (what == INDEX)
            indexer_queue(ix, e->path);
        else
            ix->counts.unchanged++;
    }
    for (size_t v = 0; v < n_vanished; v++)
        if (vanished[v].path) mark_missing(ix, vanished[v].path, NULL);
done:
    free(vanished);
    free(fresh);
}

typedef struct {
    scan_entry *items;
    size_t count, cap;
    int failed;
} stored_sidecars;

static int collect_sidecar(void *ctx, const char *path, const fc_file_identity *ident)
{
    stored_sidecars *l = ctx;
    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        scan_entry *grown = realloc(l->items, cap * sizeof *grown);
        if (!grown) return l->failed = 1;
        l->items = grown, l->cap = cap;
    }
    if (!(l->items[l->count].path = strdup(path))) return l->failed = 1;
    l->items[l->count++].ident = *ident;
    return 0;
}

/* Sidecars written, added or deleted while no daemon watched (both lists sorted by path):
 * their photos are read again. Returns how many sidecars changed. */
static long reconcile_sidecars(indexer *ix, const char *root, const scan_entries *disk)
{
    stored_sidecars stored = {0};
    char err[FC_ERR_MAX];
    if (fc_store_sidecars_under(ix->store, root, collect_sidecar, &stored, err) != 0 ||
        stored.failed) {
        log_path(LOG_ERR, root, "cannot list its sidecars in the store: %s",
                 stored.failed ? "out of memory" : err);
        stored.count = 0; /* (freed below) */
    }
    long changed = 0;
    size_t i = 0, j = 0;
    while (i < disk->count || j < stored.count) {
        const int order = i == disk->count    ? 1
                          : j == stored.count ? -1
                                              : strcmp(disk->items[i].path, stored.items[j].path);
        const char *path = order <= 0 ? disk->items[i].path : stored.items[j].path;
        const int differs = order != 0 || disk->items[i].ident.size != stored.items[j].ident.size ||
                            disk->items[i].ident.mtime_ns != stored.items[j].ident.mtime_ns;
        if (differs) {
            xmp_sidecar_photos(path, scan_wanted_name, queue_described, ix);
            changed++;
        }
        i += order <= 0, j += order >= 0;
    }
    for (size_t k = 0; k < stored.count; k++) free(stored.items[k].path);
    free(stored.items);
    return changed;
}

int indexer_scan(indexer *ix, const char *root, scan_dir_fn on_dir, void *ctx)
{
    char skipped[256];
    char err[FC_ERR_MAX];
    scan_list disk = {0};
    known_list known = {0};
    const double t0 = now_s();
    int rc = scan_root(root, &disk, on_dir, ctx);
    const int root_read = rc == 0;
    if (rc == -ENOMEM) {
        log_path(LOG_ERR, root, "out of memory scanning");
        goto done;
    }
    if (rc) /* absent or unmounted: its files are missing, not deleted */
        log_path(LOG_WARNING, root,
                 "cannot read (%s): its photos are marked missing until it "
                 "comes back",
                 strerror(-rc));
    rc = fc_store_files_under(ix->store, root, collect_known, &known, err);
    if (rc || known.failed) {
        log_path(LOG_ERR, root, "cannot list its files in the store: %s",
                 known.failed ? "out of memory" : err);
        goto done;
    }
    /* one transaction for the whole comparison: thousands of small writes at once */
    const long queued_before = ix->queued;
    const indexer_counts before = ix->counts;
    if (fc_store_begin(ix->store, err) != 0) {
        log_path(LOG_ERR, root, "cannot scan: %s", err);
        goto done;
    }
    reconcile(ix, &disk, &known);
    if (fc_store_commit(ix->store, err) != 0) log_path(LOG_ERR, root, "cannot scan: %s", err);
    /* only when the root could be read: an unmounted disk has not lost its sidecars */
    const long sidecars = root_read ? reconcile_sidecars(ix, root, &disk.sidecars) : 0;
    if (sidecars)
        log_path(LOG_INFO, root, "%ld %s changed since the last scan: their photos are read again",
                 sidecars, fc_plural(sidecars, "sidecar", "sidecars"));
    scan_skip_summary(disk.skipped, skipped, sizeof skipped);
    log_path(LOG_INFO, root,
             "scanned in %.1f s: %zu %s, %ld to index, %ld unchanged, %ld moved, "
             "%ld back, %ld missing; %s",
             now_s() - t0, disk.count,
             fc_plural((long long)disk.count, "photo file", "photo files"),
             ix->queued - queued_before, ix->counts.unchanged - before.unchanged,
             ix->counts.moved - before.moved, ix->counts.came_back - before.came_back,
             ix->counts.missing - before.missing, skipped);
    rc = 0;
done:
    memcpy(ix->skipped, disk.skipped, sizeof ix->skipped);
    for (size_t i = 0; i < known.count; i++) free(known.items[i].path);
    free(known.items);
    scan_list_free(&disk);
    feed(ix);
    return rc;
}

static int queue_retry(void *ctx, const char *path, const fc_store_file *row)
{
    (void)row;
    /* due: read again even when the file looks unchanged (a photo `xmp read --import`
     * asked for, a failure that may pass) */
    enqueue(ctx, path, 1);
    return 0;
}

static int queue_embed_again(void *ctx, const char *path, const fc_store_file *row)
{
    (void)row;
    enqueue(ctx, path, 1);
    return 0;
}

void indexer_embed_stale(indexer *ix)
{
    char err[FC_ERR_MAX];
    const long before = ix->queued;
    if (fc_store_stale_photos(ix->store, ix->model_version, queue_embed_again, ix, err) < 0)
        log_msg(LOG_ERR, "cannot list photos of older models: %s", err);
    if (ix->queued > before)
        log_msg(LOG_INFO,
                "%ld %s embedded by another model version: embedding them "
                "again, keeping every decision",
                ix->queued - before, fc_plural(ix->queued - before, "photo was", "photos were"));
    feed(ix);
}

void indexer_retry_due(indexer *ix)
{
    char err[FC_ERR_MAX];
    if (fc_store_due_retries(ix->store, (int64_t)time(NULL), queue_retry, ix, err) < 0)
        log_msg(LOG_ERR, "cannot list retries: %s", err);
    feed(ix);
}

/* --- the rest ---------------------------------------------------------------------------- */

static void free_handle(uv_handle_t *h)
{
    free(h);
}

int indexer_new(uv_loop_t *loop, const daemon_config *cfg, const char *db_path, fc_store *store,
                const fc_model *model, void (*on_idle)(void *ctx), void *ctx, indexer **out,
                char *err)
{
    indexer *ix = calloc(1, sizeof *ix);
    if (!ix) return fc_errorf(err, -ENOMEM, "out of memory");
    ix->cfg = cfg, ix->store = store, ix->on_idle = on_idle, ix->ctx = ctx;
    ix->started = ix->last_log = now_s();
    fc_faces_opts opts = fc_faces_default_opts();
    opts.detector = cfg->detector;
    fc_faces_version(model, &opts, ix->model_version);
    const int threads = cfg->threads > 0 ? cfg->threads : (int)uv_available_parallelism();
    work_config wc = {.model = model,
                      .opts = opts,
                      .db_path = db_path,
                      .threads = threads,
                      .capacity = 2 * threads, /* a little ahead of the workers, no more */
                      .model_ttl_s = cfg->model_ttl_s,
                      .loop = loop,
                      .on_results = on_results,
                      .ctx = ix};
    ix->hold_timer = malloc(sizeof *ix->hold_timer);
    if (!ix->hold_timer) {
        free(ix);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    uv_timer_init(loop, ix->hold_timer);
    ix->hold_timer->data = ix;
    int rc = work_pool_start(&wc, &ix->pool, err);
    if (rc) {
        uv_close((uv_handle_t *)ix->hold_timer, free_handle);
        free(ix);
        return rc;
    }
    log_msg(LOG_INFO, "%d %s, model version %s", threads, fc_plural(threads, "worker", "workers"),
            ix->model_version);
    *out = ix;
    return 0;
}

void indexer_pause(indexer *ix, const char *why)
{
    snprintf(ix->paused, sizeof ix->paused, "%s", why ? why : "");
    if (!why) feed(ix);
}

int indexer_paused(const indexer *ix)
{
    return ix->paused[0] != 0;
}

int indexer_idle(const indexer *ix)
{
    return !ix->head && !ix->held && work_pool_busy(ix->pool) == 0;
}

void indexer_set_lock(indexer *ix, fc_store_lock *lock)
{
    ix->lock = lock;
}

const long *indexer_skipped(const indexer *ix)
{
    return ix->skipped;
}

void indexer_on_photo(indexer *ix, void (*fn)(void *ctx, int64_t photo))
{
    ix->on_photo = fn;
}

long indexer_changes(const indexer *ix)
{
    const indexer_counts *c = &ix->counts;
    return c->indexed + c->linked + c->came_back + c->missing + c->gone;
}

const indexer_counts *indexer_totals(indexer *ix)
{
    if (ix->pool)
        work_pool_reads(ix->pool, &ix->counts.files_read, &ix->counts.bytes_read,
                        ix->counts.pipeline_s);
    return &ix->counts;
}

long indexer_network_runs(const indexer *ix)
{
    return ix->pool ? work_pool_network_runs(ix->pool) : ix->network_runs;
}

const char *indexer_model_version(const indexer *ix)
{
    return ix->model_version;
}

const char *indexer_progress(indexer *ix)
{
    const double t = now_s();
    const long done = ix->counts.indexed + ix->counts.linked + ix->counts.failed + ix->counts.bad +
                      ix->counts.gone;
    const long left = ix->queued + work_pool_busy(ix->pool);
    const double rate = t > ix->started ? done / (t - ix->started) : 0.0;
    if (ix->held_code)
        snprintf(ix->status_line, sizeof ix->status_line,
                 "waiting: %ld %s to write (%.120s), %ld queued", ix->n_held,
                 fc_plural(ix->n_held, "photo", "photos"), cause_of(ix->held_code, ix->held_cause),
                 left);
    else if (ix->paused[0] && left > 0)
        snprintf(ix->status_line, sizeof ix->status_line, "paused: %s: %ld %s", ix->paused, left,
                 fc_plural(left, "photo waits", "photos wait"));
    else if (left > 0 && rate > 0)
        snprintf(ix->status_line, sizeof ix->status_line,
                 "indexing: %ld done, %ld queued, %.1f photos/s, about %.0f min left", done, left,
                 rate, left / rate / 60.0);
    else if (left > 0) /* none done yet: no rate to tell the time left by */
        snprintf(ix->status_line, sizeof ix->status_line, "indexing: %ld done, %ld queued", done,
                 left);
    else
        snprintf(ix->status_line, sizeof ix->status_line, "idle: %ld %s indexed, %ld %s",
                 ix->counts.indexed, fc_plural(ix->counts.indexed, "photo", "photos"),
                 ix->counts.faces, fc_plural(ix->counts.faces, "face", "faces"));
    if (left > 0 && !ix->held_code && !ix->paused[0]) log_msg(LOG_INFO, "%s", ix->status_line);
    if (strcmp(ix->status_line, ix->stored_line) != 0) { /* an idle daemon writes nothing */
        fc_store_put_progress(ix->store, ix->status_line, (int64_t)time(NULL), NULL);
        memcpy(ix->stored_line, ix->status_line, sizeof ix->stored_line);
    }
    ix->last_log = t;
    return ix->status_line;
}

void indexer_stop(indexer *ix)
{
    ix->network_runs = work_pool_network_runs(ix->pool);
    work_pool_reads(ix->pool, &ix->counts.files_read, &ix->counts.bytes_read,
                    ix->counts.pipeline_s);
    hold(ix, work_pool_stop(ix->pool));
    ix->pool = NULL;
    uv_timer_stop(ix->hold_timer);
    flush_held(ix); /* a last try */
    if (ix->n_held)
        log_msg(LOG_WARNING, "%ld %s not written (%s): the next start reads %s again", ix->n_held,
                fc_plural(ix->n_held, "photo", "photos"), cause_of(ix->held_code, ix->held_cause),
                fc_plural(ix->n_held, "it", "them"));
    for (work_result *r = ix->held, *next; r; r = next) {
        next = r->next;
        work_result_free(r);
    }
    ix->held = ix->held_tail = NULL, ix->n_held = 0;
    uv_close((uv_handle_t *)ix->hold_timer, free_handle); /* freed with the loop's next turn */
    ix->hold_timer = NULL;
}

void indexer_free(indexer *ix)
{
    if (!ix) return;
    if (ix->pool) indexer_stop(ix);
    for (pending *p = ix->head, *next; p; p = next) {
        next = p->next;
        free(p);
    }
    free(ix);
}
