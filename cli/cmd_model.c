/* facecluster model convert PACKAGE_DIR OUT | model info [--json] | model path */
#include "cli.h"

#include "../core/faceapi.h"
#include "../core/fc_error.h"
#include "../core/model.h"

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

static int info(const cli_globals *globals, int argc, char **argv)
{
    int json = argc == 1 && strcmp(argv[0], "--json") == 0;
    if (argc > 1 || (argc == 1 && !json)) return cli_usage(&cli_cmd_model);
    fc_model *model = cli_open_model(globals);
    if (!model) return CLI_FAILED;
    if (json) {
        fputs("{\"source\": ", stdout);
        cli_json_string(stdout, fc_model_source(model));
        printf(", \"version\": %d, \"tensors\": %zu}\n", FC_MODEL_VERSION,
               fc_model_tensor_count(model));
    } else {
        fputs("source:  ", stdout); /* text from the file: escaped like any untrusted string */
        fc_text_escape(stdout, fc_model_source(model));
        printf("\nformat:  version %d\ntensors: %zu\n", FC_MODEL_VERSION,
               fc_model_tensor_count(model));
    }
    fc_model_close(model);
    return CLI_OK;
}

/* Where the model is looked for: what run.sh installs to. */
static int path(const cli_globals *globals, int argc)
{
    char buf[4096], err[FC_ERR_MAX];
    if (argc != 0) return cli_usage(&cli_cmd_model);
    if (globals->model_path) {
        snprintf(buf, sizeof buf, "%s", globals->model_path);
    } else if (fc_model_default_path(buf, sizeof buf, err) != 0) {
        return cli_failed(&cli_cmd_model, err);
    }
    fc_text_escape(stdout, buf);
    fputc('\n', stdout);
    return CLI_OK;
}

static int run(const cli_globals *globals, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "convert") == 0) return convert(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "path") == 0) return path(globals, argc - 1);
    if (argc >= 1 && strcmp(argv[0], "info") == 0) return info(globals, argc - 1, argv + 1);
    return cli_usage(&cli_cmd_model);
}

const cli_command cli_cmd_model = {
    .name = "model",
    .usage = "convert FACE_API_PACKAGE_DIR OUT | info [--json] | path",
    .summary = "convert the upstream face-api weights into our model file, describe it, or "
               "print where it is looked for",
    .run = run,
};
