/* What `embed` and `detect` share: running the whole-photo pipeline over files and
 * printing one line per face. */
#include "cli.h"

#include "../core/faces.h"
#include "../core/fc_error.h"

#include <stdio.h>
#include <string.h>

static void print_hex(const fc_qembed *q)
{
    for (int i = 0; i < FC_EMBED_DIM; i++) printf("%02x", (uint8_t)q->v[i]);
}

static void print_face(const char *path, const fc_photo *photo, int index, int json, int embeddings)
{
    const fc_face *f = &photo->faces[index];
    if (!json) {
        fc_text_escape(stdout, path);
        printf("\t%d\t%.1f,%.1f,%.1f,%.1f\t%.4f", index, f->box[0], f->box[1], f->box[2], f->box[3],
               f->score);
        if (embeddings) {
            putchar('\t');
            print_hex(&f->quantized);
        }
        putchar('\n');
        return;
    }
    fputs("{\"path\": ", stdout);
    cli_json_string(stdout, path);
    printf(", \"width\": %d, \"height\": %d, \"face\": %d, \"score\": %.6g, "
           "\"box\": [%.2f, %.2f, %.2f, %.2f], \"landmarks\": [",
           photo->width, photo->height, index, f->score, f->box[0], f->box[1], f->box[2],
           f->box[3]);
    for (int i = 0; i < FC_LANDMARK_POINTS; i++)
        printf("%s[%.2f, %.2f]", i ? ", " : "", f->landmarks[i][0], f->landmarks[i][1]);
    printf("], \"small\": %s", f->small ? "true" : "false");
    if (embeddings) {
        fputs(", \"embedding\": [", stdout);
        for (int i = 0; i < FC_EMBED_DIM; i++) printf("%s%.9g", i ? ", " : "", f->embedding[i]);
        fputs("], \"quantized\": \"", stdout);
        print_hex(&f->quantized);
        putchar('"');
    }
    puts("}");
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

int cli_each_photo(const cli_globals *globals, char **paths, int count, const fc_faces_opts *opts,
                   cli_photo_fn fn, void *ctx)
{
    fc_model *model = cli_open_model(globals);
    if (!model) return CLI_FAILED;
    char err[FC_ERR_MAX];
    fc_faces *faces = NULL;
    if (fc_faces_new(model, &faces, err) != 0) {
        cli_warn(NULL, NULL, err);
        fc_model_close(model);
        return CLI_FAILED;
    }
    int status = CLI_OK;
    for (int i = 0; i < count; i++) {
        fc_photo photo;
        if (fc_faces_run_file(faces, paths[i], opts, &photo, err) != 0) {
            cli_warn(NULL, paths[i], err);
            status = CLI_FAILED;
            continue;
        }
        fn(ctx, paths[i], &photo);
        fc_photo_free(&photo);
    }
    fflush(stdout);
    fc_faces_free(faces);
    fc_model_close(model);
    return status;
}

static void print_photo(void *ctx, const char *path, const fc_photo *photo)
{
    const cli_photo_args *args = ctx;
    for (int f = 0; f < photo->count; f++) print_face(path, photo, f, args->json, args->embeddings);
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
