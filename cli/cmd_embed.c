/* facecluster embed [--json] [--align chip|box] IMAGE...: every face of each photo, found,
 * aligned and embedded. With --aligned, each image is instead one already-aligned face
 * crop (JPEG or binary PPM), padded to a centred square and resized to 150 x 150 as the
 * reference does. */
#include "cli.h"

#include "../core/embedding.h"
#include "../core/fc_error.h"
#include "../core/image.h"
#include "../core/recog.h"

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
        fputs("facecluster: ", stderr);
        cli_print_escaped(stderr, path);
        fprintf(stderr, ": %s\n", err);
        return CLI_FAILED;
    }
    fc_qembed_encode(unit, &q);
    char hex[2 * FC_EMBED_DIM + 1];
    for (int i = 0; i < FC_EMBED_DIM; i++) snprintf(hex + 2 * i, 3, "%02x", (uint8_t)q.v[i]);
    if (json) {
        fputs("{\"path\": ", stdout);
        cli_json_string(stdout, path);
        fputs(", \"embedding\": [", stdout);
        for (int i = 0; i < FC_EMBED_DIM; i++) printf("%s%.9g", i ? ", " : "", unit[i]);
        printf("], \"quantized\": \"%s\"}\n", hex);
    } else {
        cli_print_escaped(stdout, path);
        printf("\t%s\n", hex);
    }
    return CLI_OK;
}

static int run(const cli_globals *globals, int argc, char **argv)
{
    int aligned = 0, json = 0, box = 0, first_file = argc;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--aligned") == 0) {
            aligned = 1;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--align") == 0 && i + 1 < argc &&
                   (strcmp(argv[i + 1], "chip") == 0 || strcmp(argv[i + 1], "box") == 0)) {
            box = strcmp(argv[++i], "box") == 0;
        } else if (strcmp(argv[i], "--") == 0) {
            first_file = i + 1;
            break;
        } else if (argv[i][0] == '-' && argv[i][1] != 0) {
            fputs("facecluster embed: unknown option ", stderr);
            cli_print_escaped(stderr, argv[i]);
            fputc('\n', stderr);
            return cli_usage(&cli_cmd_embed);
        } else {
            first_file = i;
            break;
        }
    }
    if (first_file >= argc) return cli_usage(&cli_cmd_embed);
    if (!aligned) {
        const cli_photo_args args = {argv + first_file, argc - first_file, json, 1, box};
        return cli_run_photos(globals, &args);
    }
    fc_model *model = cli_open_model(globals);
    if (!model) return CLI_FAILED;
    char err[FC_ERR_MAX];
    fc_recog *net = NULL;
    if (fc_recog_new(model, 1, &net, err) != 0) {
        fprintf(stderr, "facecluster: %s\n", err);
        fc_model_close(model);
        return CLI_FAILED;
    }
    int status = CLI_OK;
    for (int i = first_file; i < argc; i++)
        if (embed_one(net, argv[i], json) != CLI_OK) status = CLI_FAILED;
    fflush(stdout);
    fc_recog_free(net);
    fc_model_close(model);
    return status;
}

const cli_command cli_cmd_embed = {
    .name = "embed",
    .usage = "[--json] [--align chip|box] IMAGE... | --aligned [--json] FACE_CROP...",
    .summary = "find, align and embed every face of each photo (or embed aligned face crops)",
    .run = run,
};
