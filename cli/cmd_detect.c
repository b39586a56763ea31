/* facecluster detect [--json] IMAGE...: every face of each photo, with its box, score and
 * 68 landmarks, without embedding it. */
#include "cli.h"

#include <string.h>

static int run(const cli_globals *globals, int argc, char **argv)
{
    int json = 0, first_file = argc;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--") == 0) {
            first_file = i + 1;
            break;
        } else if (argv[i][0] == '-' && argv[i][1] != 0) {
            fputs("facecluster detect: unknown option ", stderr);
            cli_print_escaped(stderr, argv[i]);
            fputc('\n', stderr);
            return cli_usage(&cli_cmd_detect);
        } else {
            first_file = i;
            break;
        }
    }
    if (first_file >= argc) return cli_usage(&cli_cmd_detect);
    const cli_photo_args args = {argv + first_file, argc - first_file, json, 0, 0};
    return cli_run_photos(globals, &args);
}

const cli_command cli_cmd_detect = {
    .name = "detect",
    .usage = "[--json] IMAGE...",
    .summary = "find every face of each photo: box, score, 68 landmarks",
    .run = run,
};
