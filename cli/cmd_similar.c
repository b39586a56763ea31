/* facecluster similar FACE|IMAGE... [-n N] [--json]: the library's faces nearest a face of
 * the library (by id) or the faces found in photos, nearest first; with a learned head
 * (facecluster train), by the head's distances. */
#include "cli/cli.h"

#include "core/nets/embedding.h"
#include "core/fc_error.h"
#include "store/store.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const cli_library *lib;
    int want, json;
    int *best; /* indexes into the library, want of them */
    float *distance;
    int failed; /* a match could not be shown */
} similar_run;

/* The `want` nearest library faces to unit (skipping index `self`), nearest first; how
 * many there were. */
static int nearest(similar_run *run, const float *unit, int self)
{
    int have = 0;
    for (int i = 0; i < run->lib->n; i++) {
        if (i == self) continue;
        /* a face against itself may round below 0: printed -0.0000 */
        const float d = fmaxf(0.0f, fc_embed_distance(unit, run->lib->embedding[i]));
        if (have == run->want && d >= run->distance[have - 1]) continue;
        int j = have < run->want ? have++ : run->want - 1;
        for (; j > 0 && run->distance[j - 1] > d; j--)
            run->best[j] = run->best[j - 1], run->distance[j] = run->distance[j - 1];
        run->best[j] = i, run->distance[j] = d;
    }
    return have;
}

typedef struct {
    const similar_run *run;
    const char *query_path;
    int query_face;         /* the face's index in its photo, or -1 */
    int64_t query_id;       /* a face id asked for */
    int64_t query_store_id; /* a photo's face: its id in the store (0: not indexed) */
    float distance;
} match_ctx;

static int print_match(void *ctx, const fc_store_face_row *row)
{
    const match_ctx *m = ctx;
    const char *name = row->person ? cli_library_name(m->run->lib, row->person) : NULL;
    if (m->run->json)
        return cli_json_print(json_pack(
            "{s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:o}", "query",
            m->query_path ? cli_json_text(m->query_path) : json_integer(m->query_id), "index",
            m->query_path ? json_integer(m->query_face) : json_null(), "query_face",
            m->query_path ? cli_json_id_or_null(m->query_store_id) : json_integer(m->query_id),
            "face", (json_int_t)row->face, "distance", cli_json_number(m->distance, 4), "person",
            cli_json_id_or_null(row->person), "name", cli_json_text(name), "path",
            cli_json_text(row->path), "box", cli_json_box(row->box)));
    printf("%8lld  %.3f  ", (long long)row->face, m->distance);
    if (name)
        fc_text_escape(stdout, name);
    else if (row->person)
        printf("person %lld", (long long)row->person);
    else
        fputs("(no person)", stdout);
    fputs("  ", stdout);
    if (row->path) fc_text_escape(stdout, row->path);
    fputc('\n', stdout);
    return 0;
}

/* Prints the nearest faces; a face that cannot be shown (gone since loading) is named on
 * stderr and counts as a failure. Returns 0 or -1. */
static int print_nearest(similar_run *run, const float *unit, int self, match_ctx *m)
{
    char err[FC_ERR_MAX];
    const int have = nearest(run, unit, self);
    int rc = 0;
    for (int i = 0; i < have; i++) {
        m->distance = run->distance[i];
        if (fc_store_face_get((fc_store *)run->lib->store, run->lib->face[run->best[i]],
                              print_match, m, err) != 0) {
            cli_failed(&cli_cmd_similar, err);
            rc = -1;
        }
    }
    return rc;
}

static void similar_in_photo(void *ctx, const char *path, const fc_photo *photo,
                             const int64_t *store_ids)
{
    similar_run *run = ctx;
    for (int f = 0; f < photo->count; f++) {
        float unit[FC_EMBED_DIM];
        cli_library_query(run->lib, &photo->faces[f].quantized, unit);
        if (!run->json) {
            fc_text_escape(stdout, path);
            printf("  face %d at %.0f,%.0f %.0fx%.0f:\n", f, photo->faces[f].box[0],
                   photo->faces[f].box[1], photo->faces[f].box[2], photo->faces[f].box[3]);
        }
        match_ctx m = {.run = run,
                       .query_path = path,
                       .query_face = f,
                       .query_store_id = store_ids ? store_ids[f] : 0};
        if (print_nearest(run, unit, -1, &m) != 0) run->failed = 1;
    }
}

/* A face id: digits only, and no file of that name here. */
static int is_face_id(const char *arg, int64_t *id)
{
    char *end;
    errno = 0;
    const long long v = strtoll(arg, &end, 10);
    if (errno || end == arg || *end || v <= 0 || access(arg, F_OK) == 0) return 0;
    *id = v;
    return 1;
}

static const cli_option_spec options[] = {
    {"count", 'n', "N", "how many faces (default 10)"},
    {"json", 0, NULL, "one JSON object per face found (JSON Lines)"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *parsed)
{
    similar_run sim = {.want = 10, .json = cli_args_has(parsed, "json")};
    double value = sim.want;
    if (cli_args_number(parsed, "count", 1, 100000, 1, &value) != CLI_OK) return CLI_USAGE;
    const int count = parsed->argc;
    char **args = malloc((size_t)count * sizeof *args);
    if (!args) return cli_failed(&cli_cmd_similar, "out of memory");
    memcpy(args, parsed->argv, (size_t)count * sizeof *args);
    int status;
    sim.want = (int)value;
    cli_library lib;
    if (cli_library_open(globals, &lib) != CLI_OK) {
        free(args);
        return CLI_FAILED;
    }
    sim.lib = &lib;
    sim.best = malloc((size_t)sim.want * sizeof *sim.best);
    sim.distance = malloc((size_t)sim.want * sizeof *sim.distance);
    status = sim.best && sim.distance ? CLI_OK : cli_failed(&cli_cmd_similar, "out of memory");
    /* each argument a face id or a photo, in order; photos run in one pass of the model */
    int photos = 0;
    for (int i = 0; status != CLI_USAGE && sim.best && sim.distance && i < count; i++) {
        int64_t face_id;
        if (!is_face_id(args[i], &face_id)) {
            args[photos++] = args[i];
            continue;
        }
        const int self = cli_library_index(&lib, face_id);
        if (self < 0) {
            char err[FC_ERR_MAX];
            fc_errorf(err, -ENOENT, "no face %lld (facecluster show PERSON lists them)",
                      (long long)face_id);
            status = cli_failed(&cli_cmd_similar, err);
            continue;
        }
        match_ctx m = {.run = &sim, .query_face = -1, .query_id = face_id};
        if (print_nearest(&sim, lib.embedding[self], self, &m) != 0) status = CLI_FAILED;
    }
    if (photos && sim.best && sim.distance) {
        fc_faces_opts opts = fc_faces_default_opts(); /* as the daemon indexes */
        if (cli_each_photo(globals, args, photos, &opts, similar_in_photo, &sim) != CLI_OK)
            status = CLI_FAILED;
    }
    if (sim.failed) status = CLI_FAILED;
    free(args);
    free(sim.best), free(sim.distance);
    cli_library_close(&lib);
    return status;
}

const cli_command cli_cmd_similar = {
    .name = "similar",
    .usage = "FACE|IMAGE... [-n N] [--json]",
    .summary = "the library's faces nearest a face (by id) or the faces in photos, nearest "
               "first (default 10)",
    .options = options,
    .min_args = 1,
    .max_args = -1,
    .exec = exec,
};
