/* facecluster embed [--json] [--detector ssd|tiny] [--align chip|box] IMAGE...: every face of each
 * photo, found, aligned and embedded. With --aligned, each image is instead one already-aligned
 * face crop (JPEG or binary PPM), padded to a centred square and resized to 150 x 150 as the
 * reference does. */
#include "cli/cli.h"

#include "core/nets/embedding.h"
#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/nets/recog.h"

#include <string.h>

/* Embeds one file; prints its line, or a line on stderr and returns CLI_FAILED. */
static int embed_one(fc_recog *net, const char *path, int json)
{
    char err[FC_ERR_MAX];
    fc_image img;
    float raw[FC_RECOG_DIM], unit[FC_EMBED_DIM];
    fc_qembed q;
    int rc = fc_image_load(path, &img, err);
    if (rc == 0) {
        rc = fc_recog_describe(net, &img, 0, 0, img.width, img.height, raw, err);
        fc_image_free(&img);
    }
    if (rc == 0 && fc_embed_normalize(raw, unit) != 0) {
        snprintf(err, sizeof err, "the network gave a zero descriptor");
        rc = -1;
    }
    if (rc != 0) {
        cli_warn(NULL, path, err);
        return CLI_FAILED;
    }
    fc_qembed_encode(unit, &q);
    char hex[2 * FC_EMBED_DIM + 1];
    for (int i = 0; i < FC_EMBED_DIM; i++) snprintf(hex + 2 * i, 3, "%02x", (uint8_t)q.v[i]);
    if (json) {
        cli_json_print(json_pack("{s:o, s:o, s:s}", "path", cli_json_text(path), "embedding",
                                 cli_json_floats(unit, FC_EMBED_DIM), "quantized", hex));
    } else {
        fc_text_escape(stdout, path);
        printf("\t%s\n", hex);
    }
    return CLI_OK;
}

static int exec(const cli_globals *globals, const cli_args *options)
{
    cli_photo_args args;
    int status = cli_parse_photo_args(options, 1, &args);
    if (status != CLI_OK) return status;
    if (!args.aligned) return cli_run_photos(globals, &args);
    fc_model *model = cli_open_model(globals);
    if (!model) return CLI_FAILED;
    char err[FC_ERR_MAX];
    fc_recog *net = NULL;
    if (fc_recog_new(model, 1, &net, err) != 0) {
        cli_warn(NULL, NULL, err);
        fc_model_close(model);
        return CLI_FAILED;
    }
    for (int i = 0; i < args.count; i++)
        if (embed_one(net, args.paths[i], args.json) != CLI_OK) status = CLI_FAILED;
    fflush(stdout);
    fc_recog_free(net);
    fc_model_close(model);
    return status;
}

const cli_command cli_cmd_embed = {
    .name = "embed",
    .usage = "[--json] [--detector ssd|tiny] [--align chip|box] IMAGE... | --aligned [--json] "
             "FACE_CROP...",
    .summary = "find, align and embed every face of each photo (or embed aligned face crops)",
    .options = cli_embed_options,
    .min_args = 1,
    .max_args = -1,
    .exec = exec,
};
