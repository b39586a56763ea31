/* facecluster model convert PACKAGE_DIR OUT | model info [--json] | model path */
#include "cli/cli.h"

#include "convert/faceapi.h"
#include "core/fc_error.h"
#include "core/util/file.h"
#include "core/nn/model.h"

#include <string.h>

static int convert(int argc, char **argv)
{
    if (argc != 2) return cli_usage(&cli_cmd_model);
    char err[FC_ERR_MAX];
    if (fc_faceapi_convert(argv[0], argv[1], err) != 0) {
        return cli_failed(&cli_cmd_model, err);
    }
    return CLI_OK;
}

static int info(const cli_globals *globals, int argc, int json)
{
    if (argc != 0) return cli_usage(&cli_cmd_model);
    fc_model *model = cli_open_model(globals);
    if (!model) return CLI_FAILED;
    if (json) {
        cli_json_print(json_pack("{s:o, s:i, s:I}", "source", cli_json_text(fc_model_source(model)),
                                 "version", FC_MODEL_VERSION, "tensors",
                                 (json_int_t)fc_model_tensor_count(model)));
    } else {
        fputs("source:  ", stdout); /* text from the file: escaped like any untrusted string */
        fc_text_escape(stdout, fc_model_source(model));
        printf("\nformat:  version %d\ntensors: %zu\n", FC_MODEL_VERSION,
               fc_model_tensor_count(model));
    }
    fc_model_close(model);
    return CLI_OK;
}

/* Where the model is looked for, a path a line in order: the first is the user's own
 * (where run.sh installs it), the first that exists is used. */
static int path(const cli_globals *globals, int argc)
{
    char err[FC_ERR_MAX], **places;
    if (argc != 0) return cli_usage(&cli_cmd_model);
    if (globals->model_path) {
        fc_text_escape(stdout, globals->model_path);
        fputc('\n', stdout);
        return CLI_OK;
    }
    if (fc_model_places(&places, err) != 0) return cli_failed(&cli_cmd_model, err);
    for (char **p = places; *p; p++) {
        fc_text_escape(stdout, *p);
        fputc('\n', stdout);
    }
    fc_file_places_free(places);
    return CLI_OK;
}

static const cli_option_spec options[] = {
    {"json", 0, NULL, "info: one JSON object"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    const char *what = args->argv[0];
    const int argc = args->argc - 1;
    if (strcmp(what, "convert") == 0) return convert(argc, args->argv + 1);
    if (strcmp(what, "path") == 0) return path(globals, argc);
    if (strcmp(what, "info") == 0) return info(globals, argc, cli_args_has(args, "json"));
    fputs("facecluster model: no subcommand ", stderr);
    fc_text_escape(stderr, what);
    fputs(" (convert, info or path)\n", stderr);
    return cli_usage(&cli_cmd_model);
}

const cli_command cli_cmd_model = {
    .name = "model",
    .usage = "convert FACE_API_PACKAGE_DIR OUT | info [--json] | path",
    .summary = "convert the upstream face-api weights into our model file, describe it, or "
               "print where it is looked for (the first that exists is used)",
    .options = options,
    .min_args = 1,
    .max_args = 3,
    .exec = exec,
};
