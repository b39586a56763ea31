/* facecluster train [--dim D] [--epochs N] [--json] | train --reset: learns a head on the
 * frozen embeddings from the people the user named (FaceNet's triplet loss, with the
 * user's "not this person" decisions as known negatives: core/train/triplet.h), with the
 * thresholds that mean with it what the raw ones meant, and stores it; or removes it.
 * Raw embeddings, people and decisions are never changed: faceclusterd notices the new
 * head and regroups with it, and `who` and `similar` use it from then on. */
#include "cli/cli.h"

#include "core/cluster/cluster.h"
#include "core/fc_error.h"
#include "store/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RAW_COUNT 2 /* the thresholds calibrated: clustering's, then recognition's */

typedef struct {
    int json, epochs;
    float loss, active; /* the last epoch's */
} train_run;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* After each epoch (counted from 0 by fc_triplet_train): where it does not spoil the
 * output, so with --json on stderr. */
static void on_epoch(void *ctx, int epoch, float loss, float active_share)
{
    train_run *run = ctx;
    FILE *out = run->json ? stderr : stdout;
    fprintf(out, "epoch %d/%d: loss %.4f, %.1f%% of triplets active\n", epoch + 1, run->epochs,
            loss, 100.0 * active_share);
    fflush(out);
    run->loss = loss, run->active = active_share;
}

/* How many labelled people have two faces or more (the triplet loss needs a positive),
 * and how many have any; *faces gets the labelled faces. */
static int teaching_people(const fc_store_training *t, int *with_faces, int64_t *faces)
{
    int *count = calloc((size_t)(t->people > 0 ? t->people : 1), sizeof *count), two = 0;
    *with_faces = 0, *faces = 0;
    if (!count) return -ENOMEM;
    for (int i = 0; i < t->n; i++) {
        if (t->label[i] < 0) continue;
        count[t->label[i]]++;
        ++*faces;
    }
    for (int q = 0; q < t->people; q++) {
        two += count[q] >= 2;
        *with_faces += count[q] >= 1;
    }
    free(count);
    return two;
}

static void print_summary(const train_run *run, const fc_store_head *h, int nots, int background,
                          const float *raw, double seconds)
{
    if (run->json) {
        cli_json_print(json_pack(
            "{s:i, s:i, s:I, s:I, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "dim", h->dim,
            "epochs", run->epochs, "faces", (json_int_t)h->faces, "people", (json_int_t)h->people,
            "known_negatives", nots, "background", background, "loss",
            cli_json_number(run->loss, 6), "active", cli_json_number(run->active, 6),
            "cluster_threshold", cli_json_number(h->cluster_threshold, 6), "raw_cluster_threshold",
            cli_json_number(raw[0], 6), "recognize_threshold",
            cli_json_number(h->recognize_threshold, 6), "raw_recognize_threshold",
            cli_json_number(raw[1], 6), "seconds", cli_json_number(seconds, 3)));
        return;
    }
    printf("learned a head of %d dimensions from %lld %s of %lld named %s, %d \"not this "
           "person\" %s and %d %s of unnamed people in %.1f s\n",
           h->dim, (long long)h->faces, fc_plural(h->faces, "face", "faces"), (long long)h->people,
           fc_plural(h->people, "person", "people"), nots, fc_plural(nots, "decision", "decisions"),
           background, fc_plural(background, "face", "faces"), seconds);
    printf("thresholds with it: cluster %.4f (raw %.4f), recognise %.4f (raw %.4f)\n",
           h->cluster_threshold, raw[0], h->recognize_threshold, raw[1]);
    printf("stored: faceclusterd regroups the people with it; `facecluster train --reset` goes "
           "back to the raw embeddings\n");
}

static int train(fc_store *store, train_run *run, int dim)
{
    char err[FC_ERR_MAX];
    const double t0 = now_s();
    fc_store_training t;
    int rc = fc_store_training_load(store, &t, err);
    if (rc) return cli_failed(&cli_cmd_train, err);
    int people = 0;
    int64_t faces = 0;
    const int teaching = teaching_people(&t, &people, &faces);
    int status = CLI_OK;
    fc_head head = {0};
    if (teaching < 0) {
        status = cli_failed(&cli_cmd_train, "out of memory");
    } else if (teaching < 2) {
        fc_errorf(err, -EINVAL,
                  "a head learns from two named people with two faces or more each (there %s "
                  "%d): name people first (facecluster name PERSON NAME; facecluster move "
                  "FACE PERSON); nothing stored",
                  fc_plural(teaching, "is", "are"), teaching);
        status = cli_failed(&cli_cmd_train, err);
    }
    if (status != CLI_OK) goto out;
    FILE *out = run->json ? stderr : stdout;
    fprintf(out,
            "learning from %lld %s of %d named %s, %d \"not this person\" %s and %d %s of "
            "unnamed people (as strangers): %d %s, then the thresholds\n",
            (long long)faces, fc_plural(faces, "face", "faces"), people,
            fc_plural(people, "person", "people"), t.n_nots,
            fc_plural(t.n_nots, "decision", "decisions"), t.background,
            fc_plural(t.background, "face", "faces"), run->epochs,
            fc_plural(run->epochs, "epoch", "epochs"));
    fflush(out);
    fc_train_opts opts = fc_train_default_opts();
    opts.epochs = run->epochs;
    const fc_train_set set = {(const float *)t.embedding, t.label, t.n, t.nots, t.n_nots};
    const float raw[RAW_COUNT] = {FC_CLUSTER_THRESHOLD, FC_RECOGNIZE_THRESHOLD};
    float calibrated[RAW_COUNT];
    rc = fc_head_fit(&head, dim, &set, &opts, raw, calibrated, RAW_COUNT, on_epoch, run, err);
    if (rc) {
        status = cli_failed(&cli_cmd_train, err);
        goto out;
    }
    fc_store_head stored = {.dim = head.dim,
                            .weights = head.w,
                            .version = FC_HEAD_VERSION,
                            .cluster_threshold = calibrated[0],
                            .recognize_threshold = calibrated[1],
                            .faces = faces,
                            .people = people};
    snprintf(stored.embedding_model, sizeof stored.embedding_model, "%s", t.model);
    if (fc_store_head_put(store, &stored, err) != 0)
        status = cli_failed(&cli_cmd_train, err);
    else
        print_summary(run, &stored, t.n_nots, t.background, raw, now_s() - t0);
out:
    fc_head_free(&head);
    fc_store_training_free(&t);
    return status;
}

static int reset(fc_store *store, int json)
{
    char err[FC_ERR_MAX];
    const int removed = fc_store_head_delete(store, err);
    if (removed < 0) return cli_failed(&cli_cmd_train, err);
    if (json)
        cli_json_print(json_pack("{s:i}", "removed", removed));
    else if (removed)
        puts("the learned head is removed: back to the raw embeddings; people and your "
             "decisions are unchanged");
    else
        puts("no learned head: the raw embeddings are in use already");
    return CLI_OK;
}

static const cli_option_spec options[] = {
    {"dim", 0, "D", "the head's outputs (1-128; default 128)"},
    {"epochs", 0, "N", "passes over your people (default 20)"},
    {"reset", 0, NULL, "remove the learned head: back to the raw embeddings"},
    {"json", 0, NULL, "JSON Lines: one object per epoch, then the summary"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    train_run tr = {.epochs = fc_train_default_opts().epochs, .json = cli_args_has(args, "json")};
    const int reset_head = cli_args_has(args, "reset");
    double dim = FC_EMBED_DIM, epochs = tr.epochs;
    if (cli_args_number(args, "dim", 1, FC_EMBED_DIM, 1, &dim) != CLI_OK ||
        cli_args_number(args, "epochs", 1, 1000, 1, &epochs) != CLI_OK)
        return CLI_USAGE;
    if (reset_head && (cli_args_has(args, "dim") || cli_args_has(args, "epochs"))) {
        fputs("facecluster train: --reset takes neither --dim nor --epochs\n", stderr);
        return cli_usage(&cli_cmd_train);
    }
    tr.epochs = (int)epochs;
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    const int status = reset_head ? reset(store, tr.json) : train(store, &tr, (int)dim);
    fc_store_close(store);
    return status;
}

const cli_command cli_cmd_train = {
    .name = "train",
    .usage = "[--dim D] [--epochs N] [--json] | --reset [--json]",
    .summary = "learn a head on the embeddings from your named people and your corrections "
               "(FaceNet's triplet loss); --reset: back to the raw embeddings",
    .options = options,
    .exec = exec,
};
