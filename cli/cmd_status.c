/* facecluster status [--json] [--bad]: what the store holds (and the learned head in use),
 * or the files it could not index and why. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

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

static const cli_option_spec options[] = {
    {"bad", 0, NULL, "the files that could not be indexed, and why"},
    {"json", 0, NULL, "one JSON object (with --bad: one per file)"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    const int json = cli_args_has(args, "json"), bad = cli_args_has(args, "bad");
    fc_store *store = cli_open_store(globals, 1);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int rc;
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
                   "\"missing\": %lld, \"people\": %lld, \"alone\": %lld, \"unplaced\": %lld, "
                   "\"named\": %lld, \"last_activity\": ",
                   (long long)st.photos, (long long)st.faces, (long long)st.pending,
                   (long long)st.bad, (long long)st.missing, (long long)st.people,
                   (long long)st.spread.alone, (long long)st.spread.unplaced, (long long)st.named);
            fputs(when[0] ? "\"" : "null", stdout);
            if (when[0]) printf("%s\"", when);
            fputs(", \"daemon\": ", stdout);
            if (st.progress[0])
                cli_json_string(stdout, st.progress);
            else
                fputs("null", stdout);
            fputs(", \"head\": ", stdout);
            rc = print_head(store, json, err);
            fputs("}\n", stdout);
        } else if (!rc) {
            printf("photos:  %lld\nfaces:   %lld\npending: %lld\nbad:     %lld%s\n"
                   "missing: %lld\n",
                   (long long)st.photos, (long long)st.faces, (long long)st.pending,
                   (long long)st.bad, st.bad ? " (facecluster status --bad lists them)" : "",
                   (long long)st.missing);
            /* as the daemon's regroup line and `people` count them */
            const fc_store_people_counts *c = &st.spread;
            printf("people:  %lld (%lld with 2+ faces, %lld alone; %lld named",
                   (long long)c->people, (long long)(c->people - c->alone), (long long)c->alone,
                   (long long)st.named);
            if (c->hidden) printf(", %lld hidden", (long long)c->hidden);
            printf("); %lld %s in no person\nlast activity: %s\n", (long long)c->unplaced,
                   fc_plural(c->unplaced, "face", "faces"), when[0] ? when : "never");
            if (st.progress[0]) {
                char at[32];
                format_time(st.progress_at, at);
                printf("daemon:  %s (%s)\n", st.progress, at);
            }
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
    .options = options,
    .exec = exec,
};
