/* What the commands share: face ids from the command line, and saying why one failed. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cli_parse_face_ids(const cli_command *cmd, char **argv, int count, int64_t *out)
{
    for (int i = 0; i < count; i++) {
        char *end;
        errno = 0;
        long long v = strtoll(argv[i], &end, 10);
        if (errno || end == argv[i] || *end || v <= 0) {
            fputs("facecluster: not a face id: ", stderr);
            fc_text_escape(stderr, argv[i]);
            fputc('\n', stderr);
            return cli_usage(cmd);
        }
        out[i] = v;
    }
    return CLI_OK;
}

void cli_warn(const cli_command *cmd, const char *subject, const char *err)
{
    fputs("facecluster", stderr);
    if (cmd) fprintf(stderr, " %s", cmd->name);
    fputs(": ", stderr);
    if (subject) {
        fc_text_escape(stderr, subject);
        fputs(": ", stderr);
    }
    fc_text_escape(stderr, err);
    fputc('\n', stderr);
}

int cli_failed(const cli_command *cmd, const char *err)
{
    cli_warn(cmd, NULL, err);
    return CLI_FAILED;
}
