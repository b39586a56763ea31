/* What the commands share: face ids from the command line, and saying why one failed. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

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

int cli_parse_options(const cli_command *cmd, int argc, char **argv, const cli_option *options,
                      char **positional, int *count)
{
    int only_positional = 0;
    *count = 0;
    for (int i = 0; i < argc; i++) {
        if (only_positional || argv[i][0] != '-' || !argv[i][1]) {
            positional[(*count)++] = argv[i];
            continue;
        }
        if (strcmp(argv[i], "--") == 0) {
            only_positional = 1;
            continue;
        }
        const cli_option *o = options;
        while (o->name && strcmp(o->name, argv[i]) != 0) o++;
        if (!o->name || (o->value && i + 1 >= argc)) {
            fprintf(stderr, "facecluster %s: unknown option or missing value: ", cmd->name);
            fc_text_escape(stderr, argv[i]);
            fputc('\n', stderr);
            return cli_usage(cmd);
        }
        if (o->value)
            *o->value = argv[++i];
        else
            *o->flag = 1;
    }
    return CLI_OK;
}

int cli_parse_number(const cli_command *cmd, const char *what, const char *text, double low,
                     double high, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(text, &end);
    if (errno || end == text || *end || !(*out >= low && *out <= high)) {
        fprintf(stderr, "facecluster %s: %s must be a number from %g to %g, not ", cmd->name, what,
                low, high);
        fc_text_escape(stderr, text);
        fputc('\n', stderr);
        return cli_usage(cmd);
    }
    return CLI_OK;
}
