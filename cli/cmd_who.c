/* facecluster who IMAGE... [--json] [--threshold D]: names the faces in photos (indexed or
 * not) by the rule the daemon places faces with (core/cluster/placement.h: closest first, one
 * person per photo), each named person at the distance of their face nearest it (the
 * rule bench/triplet found names the most of a user's people at no more strangers and
 * wrong names, README "Naming faces"). Farther than FC_NAME_THRESHOLD: unknown. With a
 * learned head (facecluster train) the distances are the head's, and so is the
 * threshold, scaled by --threshold over the raw default when given. */
#include "cli/cli.h"

#include "core/cluster/cluster.h"
#include "core/fc_error.h"
#include "core/cluster/placement.h"
#include "store/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const cli_library *lib;
    float threshold;
    int json;
} who_run;

static void print_answer(const who_run *run, const char *path, const fc_face *f, int index,
                         int64_t id, const fc_place_answer *given)
{
    /* named, or else the nearest it could have been; a face's own copy in the library
     * (an indexed photo) is 0 away, not a rounding's -0 */
    fc_place_answer a = given->person ? *given
                                      : (fc_place_answer){.person = given->nearest,
                                                          .distance = given->nearest_distance};
    a.distance = fmaxf(0.0f, a.distance);
    const int known = given->person != 0;
    const char *name = a.person ? cli_library_name(run->lib, a.person) : NULL;
    if (run->json) {
        cli_json_print(
            json_pack("{s:o, s:i, s:o, s:o, s:o, s:o, s:o, s:o}", "path", cli_json_text(path),
                      "index", index, "face", cli_json_id_or_null(id), "box", cli_json_box(f->box),
                      "name", cli_json_text(known ? name : NULL), "person",
                      cli_json_id_or_null(a.person), "nearest", cli_json_text(name), "distance",
                      a.person ? cli_json_number(a.distance, 4) : json_null()));
        return;
    }
    fc_text_escape(stdout, path);
    printf("  face %d at %.0f,%.0f %.0fx%.0f: ", index, f->box[0], f->box[1], f->box[2], f->box[3]);
    if (known) {
        fc_text_escape(stdout, name);
        printf(" (%.3f)\n", a.distance);
    } else if (name) {
        printf("unknown (nearest: ");
        fc_text_escape(stdout, name);
        printf(" at %.3f, over %.3f)\n", a.distance, run->threshold);
    } else {
        puts(run->lib->n_named ? "unknown" : "unknown (nobody is named yet: facecluster name)");
    }
}

/* The photo's faces named by the rule the daemon places them among named people with. */
static void name_faces(void *ctx, const char *path, const fc_photo *photo, const int64_t *store_ids)
{
    who_run *run = ctx;
    const cli_library *lib = run->lib;
    const size_t n = (size_t)(photo->count > 0 ? photo->count : 1);
    char err[FC_ERR_MAX];
    float(*unit)[FC_EMBED_DIM] = malloc(n * sizeof *unit);
    fc_place_answer *answer = malloc(n * sizeof *answer);
    if (!unit || !answer) {
        fprintf(stderr, "facecluster who: out of memory\n");
        goto out;
    }
    for (int i = 0; i < photo->count; i++)
        cli_library_query(lib, &photo->faces[i].quantized, unit[i]);
    if (fc_place_named((const float(*)[FC_EMBED_DIM])lib->embedding, lib->loaded->named, lib->n,
                       (const float(*)[FC_EMBED_DIM])unit, photo->count, NULL, NULL, 0,
                       run->threshold, answer, err) != 0) {
        fprintf(stderr, "facecluster who: %s\n", err);
        goto out;
    }
    for (int f = 0; f < photo->count; f++)
        print_answer(run, path, &photo->faces[f], f, store_ids ? store_ids[f] : 0, &answer[f]);
out:
    free(unit), free(answer);
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
    who.threshold = cli_library_name_threshold(&lib, (float)value);
    fc_faces_opts opts = fc_faces_default_opts(); /* as the daemon indexes */
    status = cli_each_photo(globals, paths, count, &opts, name_faces, &who);
    cli_library_close(&lib);
    return status;
}

const cli_command cli_cmd_who = {
    .name = "who",
    .usage = "IMAGE... [--json] [--threshold D]",
    .summary = "names the faces in photos (indexed or not) by the nearest named face, or "
               "unknown; prints the distance",
    .options = options,
    .min_args = 1,
    .max_args = -1,
    .exec = exec,
};
