/* facecluster who IMAGE... [--json] [--threshold D]: names the faces in photos (indexed or
 * not) by the nearest named person, by the clustering's own linkage rule: the mean cosine
 * distance to that person's faces. Farther than the threshold: unknown. With a learned
 * head (facecluster train) the distances are the head's, and so is the threshold: the
 * head's calibrated one, scaled by --threshold over the raw default when given. */
#include "cli.h"

#include "../core/cluster.h"
#include "../core/fc_error.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const cli_library *lib;
    fc_cluster_live *named; /* the named people only */
    float threshold;
    int json;
} who_run;

typedef struct {
    int face;
    int64_t person;
    float distance;
} answer;

static int by_distance(const void *a, const void *b)
{
    const float x = ((const answer *)a)->distance, y = ((const answer *)b)->distance;
    return (x > y) - (x < y);
}

static void print_answer(const who_run *run, const char *path, const fc_face *f, int index,
                         const answer *a)
{
    const char *name = a->person ? cli_library_name(run->lib, a->person) : NULL;
    const int known = name && a->distance <= run->threshold;
    if (run->json) {
        fputs("{\"path\": ", stdout);
        cli_json_string(stdout, path);
        printf(", \"face\": %d, \"box\": [%.1f, %.1f, %.1f, %.1f], \"name\": ", index, f->box[0],
               f->box[1], f->box[2], f->box[3]);
        if (known)
            cli_json_string(stdout, name);
        else
            fputs("null", stdout);
        if (a->person)
            printf(", \"person\": %lld, \"nearest\": ", (long long)a->person);
        else
            fputs(", \"person\": null, \"nearest\": ", stdout);
        if (name)
            cli_json_string(stdout, name);
        else
            fputs("null", stdout);
        if (a->person)
            printf(", \"distance\": %.4f}\n", a->distance);
        else
            puts(", \"distance\": null}");
        return;
    }
    fc_text_escape(stdout, path);
    printf("  face %d at %.0f,%.0f %.0fx%.0f: ", index, f->box[0], f->box[1], f->box[2], f->box[3]);
    if (known) {
        fc_text_escape(stdout, name);
        printf(" (%.3f)\n", a->distance);
    } else if (name) {
        printf("unknown (nearest: ");
        fc_text_escape(stdout, name);
        printf(" at %.3f, over %.3f)\n", a->distance, run->threshold);
    } else {
        puts(run->lib->n_named ? "unknown" : "unknown (nobody is named yet: facecluster name)");
    }
}

/* Each face's nearest named person; where two faces of the photo want the same person,
 * the closer one has it and the other takes its next nearest (one person is never twice
 * in a photo). */
static void name_faces(void *ctx, const char *path, const fc_photo *photo)
{
    who_run *run = ctx;
    const size_t n = (size_t)(photo->count > 0 ? photo->count : 1);
    answer *ans = malloc(n * sizeof *ans);
    int64_t *taken = malloc(n * sizeof *taken);
    float(*unit)[FC_EMBED_DIM] = malloc(n * sizeof *unit);
    if (!ans || !taken || !unit) {
        fprintf(stderr, "facecluster who: out of memory\n");
        goto out;
    }
    for (int i = 0; i < photo->count; i++) {
        cli_library_query(run->lib, &photo->faces[i].quantized, unit[i]);
        ans[i].face = i;
        ans[i].person = fc_cluster_live_nearest(run->named, unit[i], NULL, 0, &ans[i].distance);
    }
    qsort(ans, (size_t)photo->count, sizeof *ans, by_distance);
    int n_taken = 0;
    for (int i = 0; i < photo->count; i++) {
        ans[i].person = fc_cluster_live_nearest(run->named, unit[ans[i].face], taken, n_taken,
                                                &ans[i].distance);
        if (ans[i].person && ans[i].distance <= run->threshold) taken[n_taken++] = ans[i].person;
    }
    for (int f = 0; f < photo->count; f++) /* in the photo's order */
        for (int i = 0; i < photo->count; i++)
            if (ans[i].face == f) print_answer(run, path, &photo->faces[f], f, &ans[i]);
out:
    free(ans), free(taken), free(unit);
}

static const cli_option_spec options[] = {
    {"threshold", 0, "D", "the largest distance that names a face (default: the calibrated one)"},
    {"json", 0, NULL, "one JSON object per face (JSON Lines)"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    who_run who = {.json = cli_args_has(args, "json")};
    double value = 0; /* the default, in whichever space the library is */
    if (cli_args_number(args, "threshold", 1e-6, 2, 0, &value) != CLI_OK) return CLI_USAGE;
    char **paths = args->argv;
    const int count = args->argc;
    int status;
    cli_library lib;
    if (cli_library_open(globals, &lib) != CLI_OK) return CLI_FAILED;
    who.lib = &lib;
    who.threshold = cli_library_recognize_threshold(&lib, (float)value);
    char err[FC_ERR_MAX];
    int64_t *named = malloc((size_t)(lib.n > 0 ? lib.n : 1) * sizeof *named);
    status = named ? CLI_OK : cli_failed(&cli_cmd_who, "out of memory");
    for (int i = 0; named && i < lib.n; i++)
        named[i] = cli_library_name(&lib, lib.person[i]) ? lib.person[i] : 0;
    if (named && fc_cluster_live_new((const float(*)[FC_EMBED_DIM])lib.embedding, named, lib.n,
                                     &who.named, err) != 0)
        status = cli_failed(&cli_cmd_who, err);
    if (status == CLI_OK) {
        fc_faces_opts opts = fc_faces_default_opts(); /* as the daemon indexes */
        status = cli_each_photo(globals, paths, count, &opts, name_faces, &who);
    }
    fc_cluster_live_free(who.named);
    free(named);
    cli_library_close(&lib);
    return status;
}

const cli_command cli_cmd_who = {
    .name = "who",
    .usage = "IMAGE... [--json] [--threshold D]",
    .summary = "names the faces in photos (indexed or not) by the nearest named person, or "
               "unknown; prints the distance",
    .options = options,
    .min_args = 1,
    .max_args = -1,
    .exec = exec,
};
