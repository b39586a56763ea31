/* facecluster status [--json] [--bad]: what the store holds (and the learned head in use),
 * or the files it could not index and why. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../core/text.h"
#include "../store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    int json;
    long count;
} bad_printer;

static int print_bad(void *ctx, const char *path, const char *reason, int tries)
{
    bad_printer *p = ctx;
    p->count++;
    if (p->json) {
        fputs("{\"path\": ", stdout);
        cli_json_string(stdout, path);
        fputs(", \"reason\": ", stdout);
        cli_json_string(stdout, reason);
        printf(", \"tries\": %d}\n", tries);
    } else {
        fc_text_escape(stdout, path);
        fputs("\t", stdout);
        fc_text_escape(stdout, reason);
        fputc('\n', stdout);
    }
    return 0;
}

/* UTC, ISO 8601; "" for 0 (never). */
static void format_time(int64_t t, char buf[32])
{
    buf[0] = 0;
    if (t <= 0) return;
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm)) strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The learned head: whether one is stored, and used, and what it learned from. */
static int print_head(fc_store *store, int json, char *err)
{
    fc_store_head h;
    char note[FC_ERR_MAX] = "", when[32];
    int rc = fc_store_head_get(store, &h, err);
    const int stored = rc == 1;
    if (stored) rc = fc_store_head_check(store, &h, NULL, note, sizeof note, err);
    if (rc < 0) {
        free(h.weights);
        return rc;
    }
    format_time(h.trained_at, when);
    if (json && !stored) {
        fputs("null", stdout);
    } else if (json) {
        printf("{\"in_use\": %s, \"dim\": %d, \"trained_faces\": %lld, \"trained_people\": "
               "%lld, \"trained_at\": \"%s\", \"cluster_threshold\": %.6f, "
               "\"recognize_threshold\": %.6f, \"note\": ",
               rc == 1 ? "true" : "false", h.dim, (long long)h.faces, (long long)h.people, when,
               h.cluster_threshold, h.recognize_threshold);
        if (note[0])
            cli_json_string(stdout, note);
        else
            fputs("null", stdout);
        fputc('}', stdout);
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
    char when[32], since[32];      /* last seen (updated), started */
    char exposed[FC_ERR_MAX + 64]; /* "" when private */
    char unknown[FC_ERR_MAX];      /* why the lock file could not be read ("" if it could) */
} daemon_view;

static int view_daemon(const cli_globals *globals, daemon_view *v, char *err)
{
    char path[4096];
    memset(v, 0, sizeof *v);
    int rc = 0;
    if (globals->db_path)
        snprintf(path, sizeof path, "%s", globals->db_path);
    else if ((rc = fc_store_default_path(path, sizeof path, err)) != 0)
        return rc;
    /* not knowing about the daemon is no reason to hide the store */
    rc = fc_store_daemon_get(path, &v->d, v->unknown);
    v->known = rc > 0;
    if (rc >= 0) v->unknown[0] = 0;
    format_time(v->d.updated, v->when);
    format_time(v->d.started, v->since);
    fc_store_exposed(path, v->exposed, sizeof v->exposed);
    return 0;
}

static void json_string_or_null(const char *s)
{
    if (s && s[0])
        cli_json_string(stdout, s);
    else
        fputs("null", stdout);
}

static void print_daemon_json(const daemon_view *v, const fc_store_status *st)
{
    printf(", \"daemon_running\": %s, \"daemon_pid\": ", v->unknown[0]  ? "null"
                                                         : v->d.running ? "true"
                                                                        : "false");
    if (v->known && v->d.pid > 0)
        printf("%ld", v->d.pid);
    else
        fputs("null", stdout);
    fputs(", \"daemon_last_seen\": ", stdout);
    json_string_or_null(v->when);
    printf(", \"unwritten\": %lld, \"unwritten_queued\": %lld, \"unwritten_cause\": ",
           (long long)(v->d.running ? v->d.unwritten : 0),
           (long long)(v->d.running ? v->d.queued : 0));
    json_string_or_null(v->d.running ? v->d.cause : NULL);
    fputs(", \"skipped\": ", stdout);
    if (st->skipped_kinds < 0) {
        fputs("null", stdout);
    } else {
        fputc('{', stdout);
        for (int k = 0; k < st->skipped_kinds; k++) {
            fputs(k ? ", " : "", stdout);
            cli_json_string(stdout, st->skipped[k].kind);
            printf(": %lld", (long long)st->skipped[k].count);
        }
        fputc('}', stdout);
    }
    fputs(", \"exposed\": ", stdout);
    json_string_or_null(v->exposed);
}

static void print_daemon_text(const daemon_view *v, const fc_store_status *st)
{
    char at[32];
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

static int run(const cli_globals *globals, int argc, char **argv)
{
    int json = 0, bad = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--bad") == 0)
            bad = 1;
        else
            return cli_usage(&cli_cmd_status);
    }
    char err[FC_ERR_MAX];
    daemon_view view;
    int rc = bad ? 0 : view_daemon(globals, &view, err);
    if (rc) {
        cli_failed(&cli_cmd_status, err);
        return CLI_FAILED;
    }
    fc_store *store = cli_open_store(globals, 1);
    if (!store) return CLI_FAILED;
    if (bad) {
        bad_printer p = {.json = json};
        rc = fc_store_bad_files(store, print_bad, &p, err);
        if (!rc && !json && p.count == 0) fputs("no bad files\n", stdout);
    } else {
        fc_store_status st;
        rc = fc_store_status_get(store, &st, err);
        char when[32];
        format_time(st.last_activity, when);
        if (!rc && json) {
            printf("{\"photos\": %lld, \"faces\": %lld, \"pending\": %lld, \"bad\": %lld, "
                   "\"missing\": %lld, \"people\": %lld, \"named\": %lld, \"last_activity\": ",
                   (long long)st.photos, (long long)st.faces, (long long)st.pending,
                   (long long)st.bad, (long long)st.missing, (long long)st.people,
                   (long long)st.named);
            fputs(when[0] ? "\"" : "null", stdout);
            if (when[0]) printf("%s\"", when);
            fputs(", \"daemon\": ", stdout);
            if (st.progress[0])
                cli_json_string(stdout, st.progress);
            else
                fputs("null", stdout);
            print_daemon_json(&view, &st);
            fputs(", \"head\": ", stdout);
            rc = print_head(store, json, err);
            fputs("}\n", stdout);
        } else if (!rc) {
            printf("photos:  %lld\nfaces:   %lld\npending: %lld\nbad:     %lld%s\n"
                   "missing: %lld\npeople:  %lld (%lld named)\nlast activity: %s\n",
                   (long long)st.photos, (long long)st.faces, (long long)st.pending,
                   (long long)st.bad, st.bad ? " (facecluster status --bad lists them)" : "",
                   (long long)st.missing, (long long)st.people, (long long)st.named,
                   when[0] ? when : "never");
            print_daemon_text(&view, &st);
            rc = print_head(store, json, err);
        }
    }
    if (rc) {
        cli_failed(&cli_cmd_status, err);
    }
    fc_store_close(store);
    return rc ? CLI_FAILED : CLI_OK;
}

const cli_command cli_cmd_status = {
    .name = "status",
    .usage = "[--json] [--bad]",
    .summary = "what the store holds (photos, faces, pending, bad, missing); --bad: which "
               "files could not be indexed, and why",
    .run = run,
};
