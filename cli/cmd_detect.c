/* facecluster detect [--json] [--detector ssd|tiny] IMAGE...: every face of each photo, with its
 * box, score and 68 landmarks, without embedding it. */
#include "cli/cli.h"

static int exec(const cli_globals *globals, const cli_args *args)
{
    cli_photo_args photos;
    int status = cli_parse_photo_args(args, 0, &photos);
    return status == CLI_OK ? cli_run_photos(globals, &photos) : status;
}

const cli_command cli_cmd_detect = {
    .name = "detect",
    .usage = "[--json] [--detector ssd|tiny] IMAGE...",
    .summary = "find every face of each photo: box, score, 68 landmarks",
    .options = cli_detect_options,
    .min_args = 1,
    .max_args = -1,
    .exec = exec,
};
