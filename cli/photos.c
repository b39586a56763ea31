/* What `embed` and `detect` share: running the whole-photo pipeline over files and
 * printing one line per face. */
#include "cli/cli.h"

#include "core/nets/faces.h"
#include "core/fc_error.h"
#include "core/util/file.h"
#include "core/nets/detect.h"
#include "store/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

static void print_face(const char *path, const fc_photo *photo, int index, int64_t id, int json,
                       int embeddings)
{
    const fc_face *f = &photo->faces[index];
    char hex[2 * FC_EMBED_DIM + 1];
    for (int i = 0; i < FC_EMBED_DIM; i++)
        snprintf(hex + 2 * i, 3, "%02x", (uint8_t)f->quantized.v[i]);
    if (!json) {
        fc_text_escape(stdout, path);
        printf("\t%d\t%.1f,%.1f,%.1f,%.1f\t%.4f", index, f->box[0], f->box[1], f->box[2], f->box[3],
               f->score);
        if (embeddings) printf("\t%s", hex);
        putchar('\n');
        return;
    }
    json_t *landmarks = json_array();
    for (int i = 0; landmarks && i < FC_LANDMARK_POINTS; i++)
        json_array_append_new(landmarks, json_pack("[o, o]", cli_json_number(f->landmarks[i][0], 2),
                                                   cli_json_number(f->landmarks[i][1], 2)));
    json_t *o =
        json_pack("{s:o, s:i, s:i, s:i, s:o, s:o, s:o, s:o, s:b}", "path", cli_json_text(path),
                  "width", photo->width, "height", photo->height, "index", index, "face",
                  cli_json_id_or_null(id), "score", cli_json_number(f->score, 6), "box",
                  cli_json_box(f->box), "landmarks", landmarks, "small", f->small);
    if (o && embeddings) {
        json_object_set_new(o, "embedding", cli_json_floats(f->embedding, FC_EMBED_DIM));
        json_object_set_new(o, "quantized", json_string(hex));
    }
    cli_json_print(o);
}

const cli_option_spec cli_detect_options[] = {
    {"json", 0, NULL, "one JSON object per face (JSON Lines)"},
    {"detector", 0, "ssd|tiny", "the face detector (default ssd)"},
    {0},
};

const cli_option_spec cli_embed_options[] = {
    {"json", 0, NULL, "one JSON object per face (JSON Lines)"},
    {"detector", 0, "ssd|tiny", "the face detector (default ssd)"},
    {"align", 0, "chip|box", "dlib's face chip (default) or the reference's box crop"},
    {"aligned", 0, NULL, "each file is an aligned face crop, not a photo"},
    {0},
};

int cli_parse_photo_args(const cli_args *args, int embeddings, cli_photo_args *out)
{
    static const char *const detectors[] = {"ssd", "tiny", NULL}, *const aligns[] = {"chip", "box",
                                                                                     NULL};
    memset(out, 0, sizeof *out);
    out->embeddings = embeddings;
    out->json = cli_args_has(args, "json");
    if (cli_args_choice(args, "detector", detectors, &out->tiny_detector) != CLI_OK)
        return CLI_USAGE;
    if (embeddings) {
        if (cli_args_choice(args, "align", aligns, &out->box_alignment) != CLI_OK) return CLI_USAGE;
        out->aligned = cli_args_has(args, "aligned");
    }
    out->paths = args->argv;
    out->count = args->argc;
    return CLI_OK;
}

/* Each face found in a photo of these bytes: its id in the store when the same bytes are an
 * indexed photo there (the face of the photo whose box overlaps it most, by at least half,
 * each store face taken once), else 0. */
static void store_ids(fc_store *store, const uint8_t *data, size_t len, const fc_photo *photo,
                      int64_t *ids)
{
    memset(ids, 0, (size_t)photo->count * sizeof *ids);
    uint8_t hash[FC_STORE_HASH_BYTES];
    if (!store || !photo->count) return;
    fc_store_hash(data, len, hash);
    int64_t *faces = NULL;
    float(*boxes)[4] = NULL;
    int n = 0;
    if (fc_store_photo_boxes(store, hash, &faces, &boxes, &n, NULL) != 0) return;
    for (int i = 0; i < photo->count; i++) {
        const float *f = photo->faces[i].box;
        const double found[4] = {f[0], f[1], f[0] + f[2], f[1] + f[3]};
        int best = -1;
        double best_overlap = 0.5;
        for (int k = 0; k < n; k++) {
            const double known[4] = {boxes[k][0], boxes[k][1], boxes[k][0] + boxes[k][2],
                                     boxes[k][1] + boxes[k][3]};
            const double o = faces[k] ? fc_box_iou(found, known) : 0;
            if (o >= best_overlap) best = k, best_overlap = o;
        }
        if (best >= 0) ids[i] = faces[best], faces[best] = 0;
    }
    free(faces), free(boxes);
}

int cli_each_photo(const cli_globals *globals, char **paths, int count, const fc_faces_opts *opts,
                   cli_photo_fn fn, void *ctx)
{
    fc_model *model = cli_open_model(globals);
    if (!model) return CLI_FAILED;
    char err[FC_ERR_MAX], db[4096];
    fc_faces *faces = NULL;
    if (fc_faces_new(model, &faces, err) != 0) {
        cli_warn(NULL, NULL, err);
        fc_model_close(model);
        return CLI_FAILED;
    }
    /* the store, if there is one, tells which faces are known (no store: no ids) */
    fc_store *store = NULL;
    if (cli_store_path(globals, db, sizeof db, NULL) != 0) db[0] = 0;
    if (db[0] && access(db, F_OK) == 0 && fc_store_open(db, FC_STORE_READ_ONLY, &store, err) != 0)
        store = NULL;
    int status = CLI_OK;
    for (int i = 0; i < count; i++) {
        /* read once: the pipeline runs on the bytes, the store knows them by their hash */
        fc_photo photo = {0};
        uint8_t *data = NULL;
        size_t len = 0;
        if (fc_file_read(paths[i], FC_IMAGE_MAX_FILE_BYTES, &data, &len, err) != 0 ||
            fc_faces_run(faces, data, len, opts, &photo, err) != 0) {
            cli_warn(NULL, paths[i], err);
            status = CLI_FAILED;
            free(data);
            continue;
        }
        int64_t *ids = calloc((size_t)(photo.count ? photo.count : 1), sizeof *ids);
        if (ids) store_ids(store, data, len, &photo, ids);
        free(data);
        fn(ctx, paths[i], &photo, ids);
        free(ids);
        fc_photo_free(&photo);
    }
    fflush(stdout);
    fc_store_close(store);
    fc_faces_free(faces);
    fc_model_close(model);
    return status;
}

static void print_photo(void *ctx, const char *path, const fc_photo *photo, const int64_t *ids)
{
    const cli_photo_args *args = ctx;
    for (int f = 0; f < photo->count; f++)
        print_face(path, photo, f, ids ? ids[f] : 0, args->json, args->embeddings);
}

int cli_run_photos(const cli_globals *globals, const cli_photo_args *args)
{
    /* the measured best unless asked; the box alignment is the reference's, taken as it
     * is (no mirror) */
    fc_faces_opts opts = fc_faces_default_opts();
    opts.want_embeddings = args->embeddings;
    if (args->tiny_detector) opts.detector = FC_DETECTOR_TINY;
    if (args->box_alignment) opts.alignment = FC_ALIGN_BOX, opts.mirror = 0;
    return cli_each_photo(globals, args->paths, args->count, &opts, print_photo, (void *)args);
}
