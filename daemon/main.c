/* faceclusterd: watches photo folders and indexes every face once (see README). */
#include "core/fc_error.h"
#include "core/nn/model.h"
#include "core/util/text.h"
#include "store/store.h"
#include "daemon/config.h"
#include "daemon/indexer.h"
#include "daemon/log.h"
#include "daemon/notify.h"
#include "daemon/nudge.h"
#include "daemon/people.h"
#include "daemon/power.h"
#include "daemon/watch.h"
#include "daemon/xmp_import.h"
#include "daemon/xmp_sync.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <uv.h>

/* Every timer runs only while it has work: an idle daemon sleeps (README, "How fast"). */
#define PROGRESS_MS 10000 /* while photos are being indexed */
#define RETRY_CHECK_S 30  /* photos waiting for a retry: looked at no sooner than this */
#define PURGE_EVERY_MS (24 * 3600 * 1000ULL)
#define ROOT_CHECK_MS 30000  /* while a root is missing: looked for this often */
#define REGROUP_EVERY_S 300  /* regroups are coalesced: at most this often while indexing */
#define POWER_CHECK_MS 10000 /* paused on battery with photos waiting: mains looked for so */
#define XMP_DELAY_MS 2000    /* xmp = write: sidecars follow a change this soon after it */
#define XMP_BUSY_EVERY_S 60  /* or, while photos are being indexed, at most this often */

typedef struct {
    uv_loop_t loop;
    daemon_config cfg;
    char db_path[CONFIG_PATH_MAX];
    fc_store *store;
    fc_store_lock *lock; /* one daemon per store */
    fc_model *model;
    indexer *ix;
    people *people;
    watcher *watch;                   /* NULL with --once */
    dev_t root_dev[CONFIG_MAX_ROOTS]; /* what each root was at its last scan; 0: unreadable */
    ino_t root_ino[CONFIG_MAX_ROOTS];
    long root_skipped[CONFIG_MAX_ROOTS][SCAN_SKIPS]; /* each root's last full scan's */
    long skipped_stored[SCAN_SKIPS];                 /* the sum as the store has it */
    int skipped_known;                               /* skipped_stored was written */
    uv_signal_t sigterm, sigint, sighup;
    uv_timer_t progress, retry, purge, roots, xmp, regroup, power;
    int first_done;         /* the store's first index was finished (index_on_battery = first) */
    nudges *nudges;         /* the mount table and the store's files changed (watching only) */
    xmp_sync *sidecars;     /* xmp = write: the sidecars kept as the store says */
    double last_xmp;        /* when they were last brought up to date */
    const char *protect[2]; /* never written over: the store */
    int64_t data_version;   /* the store's, when last looked at */
    int64_t edit_mark;      /* the user's edits then */
    int64_t head_mark;      /* the learned head then (facecluster train) */
    long edits_seen;        /* times it moved: the user edited through the CLI */
    int argc;               /* the command line, read again with the file on SIGHUP */
    char **argv;
    int scanning; /* the start-up scan is running: idle means nothing yet */
    int stopping;
    double started;      /* uv_hrtime() at start, seconds */
    double last_regroup; /* when the people were last regrouped; 0: not yet */
    long regrouped_at;   /* the store's changes (indexer_changes) then */
} fcd;

static void stop(fcd *d, const char *why)
{
    if (d->stopping++) return;
    log_msg(LOG_INFO, "stopping: %s", why);
    if (d->people) people_stop(d->people);
    uv_stop(&d->loop);
}

static void sidecars_soon(fcd *d);
static void on_progress(uv_timer_t *t);

static void on_power(uv_timer_t *t);

/* On battery, nothing new is indexed, but for the first index when index_on_battery =
 * first (the default) and always when always (as tracker-miner-fs); the photos in hand
 * are finished. Looked at when work comes, as indexing goes on, and every POWER_CHECK_MS
 * while paused with photos waiting (--once indexes whatever the power). */
static void check_power(fcd *d)
{
    static const char *const modes[] = {"first", "always", "never"};
    const int mode = d->cfg.index_on_battery;
    const int pause = !d->cfg.once && mode != BATTERY_ALWAYS &&
                      (mode == BATTERY_NEVER || d->first_done) && power_on_battery();
    if (pause != indexer_paused(d->ix)) {
        log_msg(LOG_INFO,
                pause ? "on battery: indexing paused (index_on_battery = %s)"
                      : "on mains power: indexing goes on (index_on_battery = %s)",
                modes[mode]);
        indexer_pause(d->ix, pause ? "on battery" : NULL);
        on_progress(&d->progress); /* `status` says so at once */
    }
    if (pause && !indexer_idle(d->ix) && !uv_is_active((uv_handle_t *)&d->power))
        uv_timer_start(&d->power, on_power, POWER_CHECK_MS, POWER_CHECK_MS);
    else if (!pause || indexer_idle(d->ix))
        uv_timer_stop(&d->power);
}

static void on_power(uv_timer_t *t)
{
    check_power(t->data);
}

/* Something may be indexed: progress is reported every PROGRESS_MS until all is done (or
 * paused: then once, soon, when what came is queued). The power is looked at as the
 * progress starts, then at each report (not at each file event). */
static void busy(fcd *d)
{
    if (uv_is_active((uv_handle_t *)&d->progress)) return;
    check_power(d);
    uv_timer_start(&d->progress, on_progress, indexer_paused(d->ix) ? 100 : PROGRESS_MS,
                   PROGRESS_MS);
}

static void on_retry(uv_timer_t *t);
static void check_roots(fcd *d);

/* The retry timer set for the next photo waiting for one (none: stopped). */
static void arm_retry(fcd *d)
{
    int64_t when;
    char err[FC_ERR_MAX];
    const int waiting = fc_store_next_retry(d->store, &when, err);
    if (waiting < 0) log_msg(LOG_ERR, "cannot look for retries: %s", err);
    if (waiting <= 0) {
        uv_timer_stop(&d->retry);
        return;
    }
    int64_t in_s = when - (int64_t)time(NULL);
    if (in_s < RETRY_CHECK_S) in_s = RETRY_CHECK_S; /* due ones are in hand already */
    uv_timer_start(&d->retry, on_retry, (uint64_t)in_s * 1000, 0);
}

static void on_regroup_timer(uv_timer_t *t);

/* Regroups when faces changed since the last time, at most every REGROUP_EVERY_S
 * (always at the end of --once); one held back by that waits on a timer for its time. */
static void maybe_regroup(fcd *d, int now_anyway)
{
    const long changes = indexer_changes(d->ix) + d->edits_seen;
    const double now = uv_hrtime() * 1e-9;
    if (changes == d->regrouped_at && d->last_regroup > 0 && !people_regroup_due(d->people)) return;
    if (!now_anyway && d->last_regroup > 0 && now - d->last_regroup < REGROUP_EVERY_S) {
        const double wait_s = REGROUP_EVERY_S - (now - d->last_regroup);
        if (!d->cfg.once && !uv_is_active((uv_handle_t *)&d->regroup))
            uv_timer_start(&d->regroup, on_regroup_timer, (uint64_t)(wait_s * 1000) + 1, 0);
        return;
    }
    if (d->cfg.once)
        people_run_now(d->people, 1);
    else
        people_refresh(d->people, 1);
    d->last_regroup = uv_hrtime() * 1e-9, d->regrouped_at = changes;
    sidecars_soon(d);
}

/* xmp = write: the sidecars brought up to date now (--once, at its end), or once the
 * change settles: after the regroup or loading of the people it started, and while photos
 * are being indexed at most every XMP_BUSY_EVERY_S. */
static void sync_sidecars(fcd *d)
{
    if (!d->cfg.xmp_write) return;
    if (!d->sidecars) {
        char err[FC_ERR_MAX];
        if (xmp_sync_new(d->protect, &d->sidecars, err) != 0) {
            log_msg(LOG_ERR, "face names not written to sidecars: %s", err);
            return;
        }
    }
    xmp_sync_run(d->sidecars, d->store);
    d->last_xmp = uv_hrtime() * 1e-9;
}

static void on_xmp(uv_timer_t *t)
{
    fcd *d = t->data;
    const double since = uv_hrtime() * 1e-9 - d->last_xmp;
    if (people_busy(d->people) || (!indexer_idle(d->ix) && since < XMP_BUSY_EVERY_S))
        uv_timer_start(&d->xmp, on_xmp, XMP_DELAY_MS, 0);
    else
        sync_sidecars(d);
}

static void sidecars_soon(fcd *d)
{
    if (d->cfg.xmp_write && !d->cfg.once && !uv_is_active((uv_handle_t *)&d->xmp))
        uv_timer_start(&d->xmp, on_xmp, XMP_DELAY_MS, 0);
}

static void on_regroup_timer(uv_timer_t *t)
{
    fcd *d = t->data;
    if (indexer_idle(d->ix)) maybe_regroup(d, 0); /* else when the indexing is done */
}

static void on_photo(void *ctx, int64_t photo)
{
    fcd *d = ctx;
    people_place(d->people, photo);
    sidecars_soon(d);
}

static void on_idle(void *ctx)
{
    fcd *d = ctx;
    if (d->scanning) return;
    if (!d->first_done) { /* from now on, index_on_battery = first pauses on battery */
        char err[FC_ERR_MAX];
        if (fc_store_put_first_index_done(d->store, (int64_t)time(NULL), err) != 0)
            log_msg(LOG_WARNING, "cannot record the first index: %s", err);
        d->first_done = 1;
    }
    on_progress(&d->progress); /* `status` and systemd show "idle" with this run's counts */
    arm_retry(d);
    if (d->cfg.once) {
        maybe_regroup(d, 1);
        sync_sidecars(d);
        stop(d, "every photo is indexed (--once)");
    } else {
        maybe_regroup(d, 0);
    }
}

static void watch_dir(void *ctx, const char *dir)
{
    fcd *d = ctx;
    if (d->watch) watch_add(d->watch, dir);
}

/* The files the roots' last scans skipped, by kind, over every root configured now. */
static void skipped_total(const fcd *d, long total[SCAN_SKIPS])
{
    memset(total, 0, SCAN_SKIPS * sizeof *total);
    for (int i = 0; i < d->cfg.root_count; i++)
        for (int k = 0; k < SCAN_SKIPS; k++) total[k] += d->root_skipped[i][k];
}

/* Each scan counts afresh what it skips, replacing its root's counts: a rescan counts
 * nothing twice. The store keeps the sum for `status` (written only when it changed). */
static void record_skipped(fcd *d)
{
    long total[SCAN_SKIPS];
    char err[FC_ERR_MAX];
    skipped_total(d, total);
    if (d->skipped_known && memcmp(total, d->skipped_stored, sizeof total) == 0) return;
    if (fc_store_put_skipped(d->store, scan_skip_names, total, SCAN_SKIPS, err) != 0) {
        log_msg(LOG_WARNING, "cannot record the skipped files: %s", err);
        return;
    }
    memcpy(d->skipped_stored, total, sizeof total);
    d->skipped_known = 1;
}

/* Compares one root with the store (watching its folders as it goes). */
static void scan_root_at(fcd *d, int i)
{
    struct stat st;
    const int readable = stat(d->cfg.roots[i], &st) == 0;
    d->root_dev[i] = readable ? st.st_dev : 0;
    d->root_ino[i] = readable ? st.st_ino : 0;
    d->scanning++;
    indexer_scan(d->ix, d->cfg.roots[i], watch_dir, d);
    memcpy(d->root_skipped[i], indexer_skipped(d->ix), sizeof d->root_skipped[i]);
    d->scanning--;
}

/* A folder to compare with the store; NULL: every root (after lost events). */
static void on_scan(void *ctx, const char *dir)
{
    fcd *d = ctx;
    if (!dir) {
        for (int i = 0; i < d->cfg.root_count; i++) scan_root_at(d, i);
        record_skipped(d);
        d->scanning++;
        indexer_embed_stale(d->ix); /* a new model since the last start */
        d->scanning--;
    } else {
        d->scanning++;
        indexer_scan(d->ix, dir, watch_dir, d);
        d->scanning--;
    }
    if (!dir) check_roots(d); /* a root missing is looked for */
    busy(d);
    indexer_retry_due(d->ix); /* and checks whether all is done */
}

/* A folder created or moved in: watched, and its files settle before they are read. */
static void on_appeared(void *ctx, const char *dir)
{
    fcd *d = ctx;
    scan_list files = {0};
    if (scan_root(dir, &files, watch_dir, d) == 0)
        for (size_t i = 0; i < files.count; i++) watch_settle(d->watch, files.items[i].path);
    scan_list_free(&files);
}

/* A RAW is indexed only without a JPEG or HEIC of the same name beside it (scan.h): such
 * a partner appearing takes the RAW's place in the index, the last one leaving gives it
 * back. */
static void partner_appeared(fcd *d, const char *path)
{
    char raw[4096];
    if (scan_is_partner_name(strrchr(path, '/') + 1) &&
        scan_sibling(path, scan_is_raw_name, raw, sizeof raw))
        indexer_gone(d->ix, raw);
}

static void partner_left(fcd *d, const char *path)
{
    char raw[4096], other[4096];
    if (scan_is_partner_name(strrchr(path, '/') + 1) &&
        scan_sibling(path, scan_is_raw_name, raw, sizeof raw) &&
        !scan_sibling(raw, scan_is_partner_name, other, sizeof other))
        indexer_add(d->ix, raw);
}

/* Whether path is a RAW a partner beside it stands for. */
static int raw_with_partner(const char *path)
{
    char partner[4096];
    return scan_is_raw_name(strrchr(path, '/') + 1) &&
           scan_sibling(path, scan_is_partner_name, partner, sizeof partner);
}

/* A file written and settled: a photo by its content (a name that says nothing was let
 * through by the watcher) is indexed. */
static void on_ready(void *ctx, const char *path)
{
    fcd *d = ctx;
    busy(d);
    if (xmp_is_sidecar(strrchr(path, '/') + 1)) { /* the indexer reads its photos again */
        indexer_add(d->ix, path);
        return;
    }
    if (scan_classify_path(path) != SCAN_PHOTO || raw_with_partner(path)) return;
    partner_appeared(d, path);
    indexer_add(d->ix, path);
}

static void on_renamed(void *ctx, const char *from, const char *to)
{
    fcd *d = ctx;
    busy(d);
    indexer_renamed(d->ix, from, to);
    partner_left(d, from);
    if (raw_with_partner(to))
        indexer_gone(d->ix, to);
    else
        partner_appeared(d, to);
}

static void on_gone(void *ctx, const char *path)
{
    fcd *d = ctx;
    busy(d);
    indexer_gone(d->ix, path);
    partner_left(d, path);
}

static void on_roots(uv_timer_t *t);

/* A root unmounted (its mount point left empty, another device) or mounted again, or
 * created after the start: scanned again. Looked at when the mount table changes, and
 * every ROOT_CHECK_MS while a root is missing. */
static void check_roots(fcd *d)
{
    int missing = 0;
    for (int i = 0; i < d->cfg.root_count; i++) {
        struct stat st;
        const int readable = stat(d->cfg.roots[i], &st) == 0;
        if ((readable ? st.st_dev : 0) != d->root_dev[i] ||
            (readable ? st.st_ino : 0) != d->root_ino[i]) {
            log_path(LOG_INFO, d->cfg.roots[i], "%s: scanning", readable ? "changed" : "gone");
            scan_root_at(d, i);
            record_skipped(d);
        }
        missing |= d->root_dev[i] == 0;
    }
    if (!missing)
        uv_timer_stop(&d->roots);
    else if (!d->cfg.once && !uv_is_active((uv_handle_t *)&d->roots))
        uv_timer_start(&d->roots, on_roots, ROOT_CHECK_MS, ROOT_CHECK_MS);
}

static void on_roots(uv_timer_t *t)
{
    check_roots(t->data);
}

static void mounts_changed(void *ctx)
{
    check_roots(ctx);
}

/* Whether the learned head changed since the last look (a head trained or removed). */
static int head_changed(fcd *d)
{
    int64_t mark;
    if (fc_store_head_mark(d->store, &mark, NULL) != 0 || mark == d->head_mark) return 0;
    d->head_mark = mark;
    fc_store_head head;
    const int present = fc_store_head_get(d->store, &head, NULL) == 1;
    if (present) free(head.weights);
    log_msg(LOG_INFO, "a head was %s (facecluster train): the people are regrouped with it",
            present ? "trained" : "removed");
    return 1;
}

/* The CLI wrote (a name, a merge, a correction, a head trained or removed): new faces are
 * placed among the people as the user left them (the index, and the head, loaded again
 * at once), and the people are regrouped with it within the usual coalescing. */
static void store_changed(void *ctx)
{
    fcd *d = ctx;
    int64_t version, mark;
    /* data_version: any other connection wrote (cheap to ask); the edit and head marks:
     * the user */
    if (fc_store_data_version(d->store, &version, NULL) == 0 && version != d->data_version) {
        d->data_version = version;
        int changed = head_changed(d);
        if (fc_store_edit_mark(d->store, &mark, NULL) == 0 && mark != d->edit_mark) {
            d->edit_mark = mark;
            changed = 1;
            log_msg(LOG_INFO,
                    "the store was edited (facecluster): the people are regrouped with it");
        }
        if (changed) {
            d->edits_seen++;
            people_refresh(d->people, 0);
            sidecars_soon(d);
        }
        busy(d);
        indexer_retry_due(d->ix); /* photos `xmp read --import` asked to read again */
    }
    if (indexer_idle(d->ix)) maybe_regroup(d, 0);
}

static void on_signal(uv_signal_t *sig, int signum)
{
    fcd *d = sig->data;
    if (signum == SIGHUP) {
        /* the file read again, the command line still overriding it; a folder added is
         * watched from now on, one removed is left as it is in the store */
        daemon_config fresh;
        if (config_load(&fresh, d->argc, d->argv) == 0) {
            config_free(&d->cfg);
            d->cfg = fresh;
            log_msg(LOG_INFO, "SIGHUP: configuration read again%s%s; %d %s",
                    d->cfg.config_path[0] ? " from " : "", d->cfg.config_path, d->cfg.root_count,
                    fc_plural(d->cfg.root_count, "folder", "folders"));
        } else {
            log_msg(LOG_ERR, "SIGHUP: the configuration has errors (above): keeping the old one");
        }
        on_scan(d, NULL);
        sidecars_soon(d); /* xmp = write may be new */
        return;
    }
    stop(d, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

static void on_progress(uv_timer_t *t)
{
    fcd *d = t->data;
    char line[200];
    snprintf(line, sizeof line, "STATUS=%s", indexer_progress(d->ix));
    notify_send(line);
    check_power(d); /* unplugged meanwhile? */
    if ((indexer_idle(d->ix) || indexer_paused(d->ix)) && !d->scanning) uv_timer_stop(&d->progress);
}

static void on_retry(uv_timer_t *t)
{
    fcd *d = t->data;
    busy(d);
    indexer_retry_due(d->ix);
    arm_retry(d);
}

static void on_purge(uv_timer_t *t)
{
    fcd *d = t->data;
    char err[FC_ERR_MAX];
    const int64_t before = (int64_t)time(NULL) - (int64_t)d->cfg.purge_days * 86400;
    int n = fc_store_purge_missing(d->store, before, err);
    if (n < 0)
        log_msg(LOG_ERR, "cannot purge missing photos: %s", err);
    else if (n > 0)
        log_msg(LOG_INFO, "forgot %d %s missing for over %d %s", n, fc_plural(n, "photo", "photos"),
                d->cfg.purge_days, fc_plural(d->cfg.purge_days, "day", "days"));
}

static void start_handles(fcd *d)
{
    uv_signal_t *sigs[] = {&d->sigterm, &d->sigint, &d->sighup};
    const int nums[] = {SIGTERM, SIGINT, SIGHUP};
    for (int i = 0; i < 3; i++) {
        uv_signal_init(&d->loop, sigs[i]);
        sigs[i]->data = d;
        uv_signal_start(sigs[i], on_signal, nums[i]);
    }
    uv_timer_t *timers[] = {&d->progress, &d->retry,   &d->purge, &d->roots,
                            &d->xmp,      &d->regroup, &d->power};
    for (int i = 0; i < 7; i++) {
        uv_timer_init(&d->loop, timers[i]);
        timers[i]->data = d;
    }
    busy(d);
    uv_timer_start(&d->purge, on_purge, 0, PURGE_EVERY_MS);
    if (!d->cfg.once) {
        fc_store_data_version(d->store, &d->data_version, NULL);
        fc_store_edit_mark(d->store, &d->edit_mark, NULL);
        fc_store_head_mark(d->store, &d->head_mark, NULL);
        const nudge_events events = {.mounts = mounts_changed, .store = store_changed, .ctx = d};
        if (nudges_start(&d->loop, d->db_path, &events, &d->nudges) != 0)
            log_msg(LOG_ERR, "out of memory: the daemon will not notice mounts nor edits");
    }
}

static void close_handle(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

static void log_summary(const fcd *d)
{
    long skipped[SCAN_SKIPS];
    char line[256];
    skipped_total(d, skipped);
    scan_skip_summary(skipped, line, sizeof line);
    const indexer_counts *c = indexer_totals(d->ix);
    const long runs = indexer_network_runs(d->ix);
    log_msg(LOG_INFO,
            "done: %ld %s indexed with %ld %s (the pipeline ran %ld %s), %ld %s linked, %ld "
            "moved, %ld unchanged, %ld back, %ld missing, %ld to retry, %ld bad; %ld %s read "
            "(%ld %s); %.1f s in the pipeline (%.1f s CPU), %.1f s running; %s",
            c->indexed, fc_plural(c->indexed, "photo", "photos"), c->faces,
            fc_plural(c->faces, "face", "faces"), runs, fc_plural(runs, "time", "times"), c->linked,
            fc_plural(c->linked, "copy", "copies"), c->moved, c->unchanged, c->came_back,
            c->missing + c->gone, c->failed, c->bad, c->files_read,
            fc_plural(c->files_read, "photo file", "photo files"), c->bytes_read,
            fc_plural(c->bytes_read, "byte", "bytes"), c->pipeline_s[0], c->pipeline_s[1],
            uv_hrtime() * 1e-9 - d->started, line);
}

int main(int argc, char **argv)
{
    static fcd d;
    char err[FC_ERR_MAX];
    d.argc = argc, d.argv = argv;
    d.started = uv_hrtime() * 1e-9;
    int rc = config_load(&d.cfg, argc, argv);
    if (rc) return rc == 1 ? 0 : 2;
    log_set_level(d.cfg.verbose ? LOG_DEBUG : LOG_INFO);
    signal(SIGPIPE, SIG_IGN);
    int status = 1;
    if (d.cfg.db[0])
        snprintf(d.db_path, sizeof d.db_path, "%s", d.cfg.db);
    else if (fc_store_default_path(d.db_path, sizeof d.db_path, err) != 0) {
        log_msg(LOG_ERR, "%s", err);
        goto out;
    }
    d.protect[0] = d.db_path; /* (protect[1]: the end of the list) */
    /* the store's folder private (the default one made so), then one daemon per store */
    char note[FC_ERR_MAX + 64];
    rc = fc_store_make_private(d.db_path, note, sizeof note, err);
    if (rc < 0) {
        log_path(LOG_ERR, d.db_path, "cannot make the store's folder: %s", err);
        goto out;
    }
    if (rc > 0) log_msg(LOG_NOTICE, "%s", note);
    if (fc_store_exposed(d.db_path, note, sizeof note) > 0) log_msg(LOG_WARNING, "%s", note);
    if (fc_store_lock_take(d.db_path, (int64_t)time(NULL), &d.lock, err) != 0) {
        log_msg(LOG_ERR, "%s", err);
        goto out;
    }
    /* its blocks allocated now, while there may be room: rewritten in place later */
    if (fc_store_lock_update(d.lock, 0, 0, NULL, (int64_t)time(NULL), err) != 0)
        log_msg(LOG_WARNING, "%s: `status` cannot show what this daemon does", err);
    if (fc_model_open_or_default(d.cfg.model[0] ? d.cfg.model : NULL, &d.model, err) != 0) {
        log_msg(LOG_ERR, "%s (run ./run.sh in the source tree, or pass --model PATH)", err);
        goto out;
    }
    if (fc_store_open(d.db_path, 0, &d.store, err) != 0) {
        log_path(LOG_ERR, d.db_path, "cannot open the store: %s", err);
        goto out;
    }
    uv_loop_init(&d.loop);
    if (indexer_new(&d.loop, &d.cfg, d.db_path, d.store, d.model, on_idle, &d, &d.ix, err) != 0) {
        log_msg(LOG_ERR, "cannot start the workers: %s", err);
        goto out_loop;
    }
    indexer_on_photo(d.ix, on_photo);
    indexer_set_lock(d.ix, d.lock);
    if (people_new(&d.loop, d.store, d.db_path, indexer_model_version(d.ix), 0, &d.people, err) !=
        0) {
        log_msg(LOG_ERR, "%s", err);
        goto out_loop;
    }
    /* the people as the store has them, for placing new faces (--once: nothing else to
     * do meanwhile; watching: on a thread) */
    if (d.cfg.once)
        people_run_now(d.people, 0);
    else
        people_refresh(d.people, 0);
    log_path(LOG_INFO, d.db_path, "store open; watching %d %s", d.cfg.root_count,
             fc_plural(d.cfg.root_count, "folder", "folders"));
    if (!d.cfg.once) {
        const watch_events events = {.ready = on_ready,
                                     .renamed = on_renamed,
                                     .gone = on_gone,
                                     .scan = on_scan,
                                     .appeared = on_appeared,
                                     .ctx = &d};
        if (watch_new(&d.loop, &events, d.cfg.max_watches, d.cfg.settle_ms, &d.watch, err) != 0) {
            log_msg(LOG_ERR, "cannot watch folders: %s", err);
            goto out_loop;
        }
    }
    int64_t first_index;
    d.first_done = fc_store_first_index_done(d.store, &first_index, err) == 1;
    start_handles(&d);
    on_scan(&d, NULL);
    notify_send("READY=1");
    on_progress(&d.progress); /* STATUS= at once, then every PROGRESS_MS */
    sidecars_soon(&d);        /* what changed while the daemon was stopped */
    if (d.cfg.once && indexer_idle(d.ix)) {
        maybe_regroup(&d, 1);
        sync_sidecars(&d);
        stop(&d, "nothing to index (--once)");
    }
    if (!d.stopping) uv_run(&d.loop, UV_RUN_DEFAULT);
    notify_send("STOPPING=1");
    watch_free(d.watch);
    nudges_free(d.nudges);
    indexer_stop(d.ix); /* finishes and writes the photos in the workers' hands */
    log_summary(&d);
    indexer_free(d.ix);
    status = 0;
out_loop:
    uv_walk(&d.loop, close_handle, NULL);
    uv_run(&d.loop, UV_RUN_DEFAULT); /* let the closes complete */
    uv_loop_close(&d.loop);
    people_free(d.people);
    xmp_sync_free(d.sidecars);
out:
    fc_store_close(d.store);
    fc_store_lock_release(d.lock, (int64_t)time(NULL)); /* after the last write */
    fc_model_close(d.model);
    config_free(&d.cfg);
    return status;
}
