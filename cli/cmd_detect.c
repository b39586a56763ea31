/* facecluster detect [--json] [--detector ssd|tiny] IMAGE...: every face of each photo, with its
 * box, score and 68 landmarks, without embedding it. */
#include "cli.h"

static int run(const cli_globals *globals, int argc, char **argv)
{
    cli_photo_args args;
    int status = cli_parse_photo_args(&cli_cmd_detect, 0, argc, argv, &args);
    return status == CLI_OK ? cli_run_photos(globals, &args) : status;
}

const cli_command cli_cmd_detect = {
    .name = "detect",
    .usage = "[--json] [--detector ssd|tiny] IMAGE...",
    .summary = "find every face of each photo: box, score, 68 landmarks",
    .run = run,
};
