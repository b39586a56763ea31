/* facecluster status [--json] [--bad]: what the store holds (and the learned head in use),
 * whether a daemon runs on it now, or the files it could not index and why. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "core/util/text.h"
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int print_bad(void *ctx, const char *path, const char *reason, int tries)
{
    long *count = ctx;
    if (*count < 0)
        return cli_json_print(json_pack("{s:o, s:o, s:i}", "path", cli_json_text(path), "reason",
                                        cli_json_text(reason), "tries", tries));
    ++*count;
    fc_text_escape(stdout, path);
    fputs("\t", stdout);
    fc_text_escape(stdout, reason);
    fputc('\n', stdout);
    return 0;
}

/* A time as ISO 8601 with its zone, into buf (40 bytes); "" for 0 (never). */
static void format_time(int64_t t, char buf[40])
{
    buf[0] = 0;
    if (t > 0) cli_time_string(t, buf, 40);
}

static json_t *json_time_or_null(const char *when)
{
    return when[0] ? json_string(when) : json_null();
}

/* The learned head: whether one is stored, and used, and what it learned from. With
 * json, *out gets it (null: none); else it is printed. */
static int head_status(fc_store *store, json_t **out, char *err)
{
    fc_store_head h;
    char note[FC_ERR_MAX] = "", when[40];
    int rc = fc_store_head_get(store, &h, err);
    const int stored = rc == 1;
    if (stored) rc = fc_store_head_check(store, &h, NULL, note, sizeof note, err);
    if (rc < 0) {
        free(h.weights);
        return rc;
    }
    format_time(h.trained_at, when);
    if (out && !stored) {
        *out = json_null();
    } else if (out) {
        *out = json_pack("{s:b, s:i, s:I, s:I, s:o, s:f, s:f, s:o}", "in_use", rc == 1, "dim",
                         h.dim, "trained_faces", (json_int_t)h.faces, "trained_people",
                         (json_int_t)h.people, "trained_at", json_time_or_null(when),
                         "cluster_threshold", (double)h.cluster_threshold, "recognize_threshold",
                         (double)h.recognize_threshold, "note",
                         note[0] ? cli_json_text(note) : json_null());
    } else if (!stored) {
        puts("head:    none: the raw embeddings (facecluster train learns one from your named "
             "people)");
    } else {
        printf("head:    %s, %d dimensions, learned from %lld faces of %lld people (%s); "
               "thresholds: cluster %.4f, recognise %.4f\n",
               rc == 1 ? "in use" : "not used", h.dim, (long long)h.faces, (long long)h.people,
               when, h.cluster_threshold, h.recognize_threshold);
        if (note[0]) {
            fputs("         ", stdout);
            fc_text_escape(stdout, note);
            fputc('\n', stdout);
        }
    }
    free(h.weights);
    return 0;
}

/* What the lock file beside the store says of the daemon, and whether the store is
 * private: read before the store, which may be one a full disk cannot write. */
typedef struct {
    int known; /* a lock file: some daemon ran on this store */
    fc_store_daemon d;
    char when[40], since[40];      /* last seen (updated), started */
    char exposed[FC_ERR_MAX + 64]; /* "" when private */
    char unknown[FC_ERR_MAX];      /* why the lock file could not be read ("" if it could) */
} daemon_view;

static int view_daemon(const cli_globals *globals, daemon_view *v, char *err)
{
    char path[4096];
    memset(v, 0, sizeof *v);
    int rc = cli_store_path(globals, path, sizeof path, err);
    if (rc) return rc;
    /* not knowing about the daemon is no reason to hide the store */
    rc = fc_store_daemon_get(path, &v->d, v->unknown);
    v->known = rc > 0;
    if (rc >= 0) v->unknown[0] = 0;
    format_time(v->d.updated, v->when);
    format_time(v->d.started, v->since);
    fc_store_exposed(path, v->exposed, sizeof v->exposed);
    return 0;
}

static json_t *status_json(const daemon_view *v, const fc_store_status *st, const char *when)
{
    json_t *skipped = json_null();
    if (st->skipped_kinds >= 0) {
        skipped = json_object();
        for (int k = 0; k < st->skipped_kinds; k++)
            json_object_set_new(skipped, st->skipped[k].kind, json_integer(st->skipped[k].count));
    }
    const fc_store_people_counts *c = &st->spread;
    return json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:o, "
        "s:o, s:o}",
        "photos", (json_int_t)st->photos, "faces", (json_int_t)st->faces, "pending",
        (json_int_t)st->pending, "bad", (json_int_t)st->bad, "missing", (json_int_t)st->missing,
        "people", (json_int_t)c->people, "alone", (json_int_t)c->alone, "unplaced",
        (json_int_t)c->unplaced, "named", (json_int_t)st->named, "last_activity",
        json_time_or_null(when), "daemon",
        st->progress[0] ? cli_json_text(st->progress) : json_null(), "daemon_running",
        v->unknown[0] ? json_null() : json_boolean(v->d.running), "daemon_pid",
        v->known && v->d.pid > 0 ? json_integer(v->d.pid) : json_null(), "daemon_last_seen",
        json_time_or_null(v->when), "unwritten", (json_int_t)(v->d.running ? v->d.unwritten : 0),
        "unwritten_queued", (json_int_t)(v->d.running ? v->d.queued : 0), "unwritten_cause",
        v->d.running && v->d.cause[0] ? cli_json_text(v->d.cause) : json_null(), "skipped", skipped,
        "exposed", v->exposed[0] ? cli_json_text(v->exposed) : json_null());
}

static void print_daemon_text(const daemon_view *v, const fc_store_status *st)
{
    char at[40];
    format_time(st->progress_at, at);
    if (v->unknown[0]) {
        fputs("daemon:  unknown: ", stdout);
        fc_text_escape(stdout, v->unknown);
        fputc('\n', stdout);
    } else if (v->d.running) {
        fputs("daemon:  running", stdout);
        if (v->d.pid > 0) printf(" (pid %ld, since %s)", v->d.pid, v->since);
        if (st->progress[0]) {
            fputs(": ", stdout);
            fc_text_escape(stdout, st->progress);
        }
        fputc('\n', stdout);
        if (v->d.unwritten > 0) {
            printf("waiting: %lld %s to write to the store (", (long long)v->d.unwritten,
                   fc_plural(v->d.unwritten, "photo", "photos"));
            fc_text_escape(stdout, v->d.cause);
            printf("), %lld more queued; written once it takes writes again\n",
                   (long long)v->d.queued);
        }
    } else {
        fputs("daemon:  not running", stdout);
        if (v->known && v->d.stopped)
            printf(" (stopped %s)", v->when);
        else if (v->known && v->when[0])
            printf(" (last seen %s; it did not stop cleanly)", v->when);
        if (st->progress[0]) {
            fputs("; its last word: ", stdout);
            fc_text_escape(stdout, st->progress);
            printf(" (%s)", at);
        }
        fputc('\n', stdout);
    }
    if (st->skipped_kinds >= 0) {
        long long total = 0;
        for (int k = 0; k < st->skipped_kinds; k++) total += st->skipped[k].count;
        printf("skipped: %lld %s not read", total, fc_plural(total, "file", "files"));
        for (int k = 0, first = 1; k < st->skipped_kinds; k++) {
            if (!st->skipped[k].count) continue;
            printf("%s%lld ", first ? ": " : ", ", (long long)st->skipped[k].count);
            for (const char *c = st->skipped[k].kind; *c; c++) fputc(*c == '_' ? ' ' : *c, stdout);
            first = 0;
        }
        fputs(" (as of the last scan)\n", stdout);
    }
    if (v->exposed[0]) {
        fputs("warning: ", stdout);
        fc_text_escape(stdout, v->exposed);
        fputc('\n', stdout);
    }
}

/* Face names read from files that were not applied: each with its file and reason. */
static int conflict_json(void *ctx, const fc_store_conflict *c)
{
    json_array_append_new(ctx, json_pack("{s:o, s:o, s:o, s:o}", "source", cli_json_text(c->source),
                                         "name", cli_json_text(c->name), "face",
                                         cli_json_id_or_null(c->face), "reason",
                                         cli_json_text(c->reason)));
    return 0;
}

/* The first few, in text; `status --json` lists them all. */
static int conflict_text(void *ctx, const fc_store_conflict *c)
{
    int *shown = ctx;
    if ((*shown)++ == 10) {
        puts("  ... (facecluster status --json lists them all)");
        return 1;
    }
    fputs("  ", stdout);
    fc_text_escape(stdout, c->source);
    fputs(": '", stdout);
    fc_text_escape(stdout, c->name);
    fputs("' not applied: ", stdout);
    fc_text_escape(stdout, c->reason);
    fputc('\n', stdout);
    return 0;
}

static void print_status_text(const daemon_view *v, const fc_store_status *st, const char *when)
{
    printf("photos:  %lld\nfaces:   %lld\npending: %lld\nbad:     %lld%s\nmissing: %lld\n",
           (long long)st->photos, (long long)st->faces, (long long)st->pending, (long long)st->bad,
           st->bad ? " (facecluster status --bad lists them)" : "", (long long)st->missing);
    /* as the daemon's regroup line and `people` count them */
    const fc_store_people_counts *c = &st->spread;
    printf("people:  %lld (%lld named or with 2+ faces, %lld alone; %lld named", (long long)c->people,
           (long long)(c->people - c->alone), (long long)c->alone, (long long)st->named);
    if (c->hidden) printf(", %lld hidden", (long long)c->hidden);
    printf("); %lld %s in no person\nlast activity: %s\n", (long long)c->unplaced,
           fc_plural(c->unplaced, "face", "faces"), when[0] ? when : "never");
    print_daemon_text(v, st);
}

static const cli_option_spec options[] = {
    {"bad", 0, NULL, "the files that could not be indexed, and why"},
    {"json", 0, NULL, "one JSON object (with --bad: one per file)"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    const int json = cli_args_has(args, "json"), bad = cli_args_has(args, "bad");
    char err[FC_ERR_MAX];
    daemon_view view;
    int rc = bad ? 0 : view_daemon(globals, &view, err);
    if (rc) return cli_failed(&cli_cmd_status, err);
    fc_store *store = cli_open_store(globals, 1);
    if (!store) return CLI_FAILED;
    if (bad) {
        long count = json ? -1 : 0;
        rc = fc_store_bad_files(store, print_bad, &count, err);
        if (!rc && count == 0) fputs("no bad files\n", stdout);
    } else {
        fc_store_status st;
        rc = fc_store_status_get(store, &st, err);
        char when[40];
        format_time(st.last_activity, when);
        json_t *head = NULL;
        if (!rc && json) {
            json_t *all = status_json(&view, &st, when), *conflicts = json_array();
            rc = head_status(store, &head, err);
            if (!rc) rc = fc_store_region_conflicts(store, conflict_json, conflicts, err);
            if (rc) {
                json_decref(all);
                json_decref(conflicts);
            } else {
                json_object_set_new(all, "head", head);
                json_object_set_new(all, "name_conflicts", conflicts);
                if (cli_json_print(all) != 0) rc = fc_errorf(err, -EIO, "cannot write the JSON");
            }
        } else if (!rc) {
            print_status_text(&view, &st, when);
            if (st.region_conflicts > 0) {
                printf("names:   %lld %s read from photos' XMP contradict%s what you decided here "
                       "(your decisions stand):\n",
                       (long long)st.region_conflicts,
                       fc_plural(st.region_conflicts, "face name", "face names"),
                       st.region_conflicts == 1 ? "s" : "");
                int shown = 0;
                rc = fc_store_region_conflicts(store, conflict_text, &shown, err);
            }
            if (!rc) rc = head_status(store, NULL, err);
        }
    }
    if (rc) cli_failed(&cli_cmd_status, err);
    fc_store_close(store);
    return rc ? CLI_FAILED : CLI_OK;
}

const cli_command cli_cmd_status = {
    .name = "status",
    .usage = "[--json] [--bad]",
    .summary = "what the store holds (photos, faces, pending, bad, missing, people), whether a "
               "daemon runs on it; --bad: which files could not be indexed, and why",
    .options = options,
    .exec = exec,
};
