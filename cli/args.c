/* The one argument parser: every command declares its options in its table entry
 * (cli.h), as tmux's cmd-*.c entries do, and gets them parsed the way Linux users expect:
 * options anywhere among the arguments, `--name value`, `--name=value`, `-n value`,
 * `-nvalue`, flags grouped (`-ab`), `--` ending the options, `-` an argument, --help and
 * -h on every command, a bad option named in the error. */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Options every command takes, wherever they stand. */
static const cli_option_spec global_options[] = {
    {"db", 0, "PATH", "the store (default: $FACECLUSTER_DB, else the data folder)"},
    {"model", 0, "PATH", "the model file (default: $FACECLUSTER_MODEL, else the data folder)"},
    {"help", 'h', NULL, "show this help"},
    {0},
};
enum { GLOBAL_DB, GLOBAL_MODEL, GLOBAL_HELP, NUM_GLOBALS };

static int count_options(const cli_option_spec *o)
{
    int n = 0;
    while (o && o[n].name) n++;
    return n;
}

/* The option called name (long) or short_name, as (table, index); -1 when none. */
static int find_option(const cli_command *cmd, const char *name, size_t len, char short_name,
                       const cli_option_spec **table)
{
    const cli_option_spec *tables[2] = {cmd->options, global_options};
    for (int t = 0; t < 2; t++)
        for (int i = 0; tables[t] && tables[t][i].name; i++) {
            const cli_option_spec *o = &tables[t][i];
            if (short_name ? o->short_name == short_name
                           : strlen(o->name) == len && strncmp(o->name, name, len) == 0) {
                *table = tables[t];
                return i;
            }
        }
    return -1;
}

static int bad_option(const cli_command *cmd, const char *why, const char *arg)
{
    fprintf(stderr, "facecluster %s: %s ", cmd->name, why);
    fc_text_escape(stderr, arg);
    fprintf(stderr, " (facecluster %s --help lists its options)\n", cmd->name);
    return cli_usage(cmd);
}

static void set_value(const cli_command *cmd, cli_args *args, cli_globals *globals,
                      const cli_option_spec *table, int index, const char *value)
{
    if (table == cmd->options) {
        args->value[index] = value ? value : "";
        return;
    }
    if (index == GLOBAL_DB) globals->db_path = value;
    if (index == GLOBAL_MODEL) globals->model_path = value;
    if (index == GLOBAL_HELP) args->help = 1;
}

int cli_args_parse(const cli_command *cmd, int argc, char **argv, cli_globals *globals,
                   cli_args *args)
{
    memset(args, 0, sizeof *args);
    args->cmd = cmd;
    if (count_options(cmd->options) > CLI_MAX_OPTIONS)
        return bad_option(cmd, "too many options", "");
    args->argv = malloc((size_t)(argc + 1) * sizeof *args->argv);
    if (!args->argv) return cli_failed(cmd, "out of memory");
    int only_positional = 0;
    for (int i = 0; i < argc; i++) {
        char *arg = argv[i];
        if (only_positional || arg[0] != '-' || !arg[1]) {
            args->argv[args->argc++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = 1;
            continue;
        }
        const cli_option_spec *table;
        if (arg[1] == '-') { /* --name, --name=value, --name value */
            const char *name = arg + 2, *eq = strchr(name, '=');
            const size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const int o = find_option(cmd, name, len, 0, &table);
            if (o < 0) return bad_option(cmd, "unknown option", arg);
            const char *value = NULL;
            if (table[o].value) {
                value = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
                if (!value) return bad_option(cmd, "a value is missing after", arg);
            } else if (eq) {
                return bad_option(cmd, "takes no value:", arg);
            }
            set_value(cmd, args, globals, table, o, value);
            continue;
        }
        for (const char *c = arg + 1; *c; c++) { /* -x, -xVALUE, -x VALUE, -xy */
            const int o = find_option(cmd, NULL, 0, *c, &table);
            if (o < 0) {
                const char bad[3] = {'-', *c, 0};
                return bad_option(cmd, "unknown option", bad);
            }
            if (!table[o].value) {
                set_value(cmd, args, globals, table, o, NULL);
                continue;
            }
            const char *value = c[1] ? c + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (!value) return bad_option(cmd, "a value is missing after", arg);
            set_value(cmd, args, globals, table, o, value);
            break;
        }
    }
    args->argv[args->argc] = NULL;
    if (args->help) return CLI_OK;
    if (args->argc < cmd->min_args || (cmd->max_args >= 0 && args->argc > cmd->max_args)) {
        fprintf(stderr, "facecluster %s: %s arguments\n", cmd->name,
                args->argc < cmd->min_args ? "too few" : "too many");
        return cli_usage(cmd);
    }
    return CLI_OK;
}

void cli_args_free(cli_args *args)
{
    free(args->argv);
    args->argv = NULL;
}

static int index_of(const cli_args *args, const char *name)
{
    const cli_option_spec *o = args->cmd->options;
    for (int i = 0; o && o[i].name; i++)
        if (strcmp(o[i].name, name) == 0) return i;
    /* a name the command did not declare is the programmer's mistake, not the user's */
    fprintf(stderr, "facecluster %s: internal error: no option --%s\n", args->cmd->name, name);
    abort();
}

int cli_args_has(const cli_args *args, const char *name)
{
    return args->value[index_of(args, name)] != NULL;
}

const char *cli_args_get(const cli_args *args, const char *name)
{
    return args->value[index_of(args, name)];
}

int cli_args_number(const cli_args *args, const char *name, double low, double high, int integer,
                    double *out)
{
    const char *text = cli_args_get(args, name);
    if (!text) return CLI_OK; /* *out keeps its default */
    char *end;
    errno = 0;
    const double v = strtod(text, &end);
    if (errno || end == text || *end || !(v >= low && v <= high) || (integer && v != (long)v)) {
        fprintf(stderr, "facecluster %s: --%s takes %s from %g to %g, not ", args->cmd->name, name,
                integer ? "a whole number" : "a number", low, high);
        fc_text_escape(stderr, text);
        fputc('\n', stderr);
        return cli_usage(args->cmd);
    }
    *out = v;
    return CLI_OK;
}

int cli_args_choice(const cli_args *args, const char *name, const char *const *choices, int *out)
{
    const char *text = cli_args_get(args, name);
    if (!text) return CLI_OK;
    for (int i = 0; choices[i]; i++)
        if (strcmp(text, choices[i]) == 0) {
            *out = i;
            return CLI_OK;
        }
    fprintf(stderr, "facecluster %s: --%s takes", args->cmd->name, name);
    for (int i = 0; choices[i]; i++) fprintf(stderr, "%s %s", i ? " or" : "", choices[i]);
    fputs(", not ", stderr);
    fc_text_escape(stderr, text);
    fputc('\n', stderr);
    return cli_usage(args->cmd);
}

static void print_options(FILE *out, const cli_option_spec *o)
{
    for (; o && o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "%c%c%c --%s%s%s", o->short_name ? '-' : ' ',
                 o->short_name ? o->short_name : ' ', o->short_name ? ',' : ' ', o->name,
                 o->value ? " " : "", o->value ? o->value : "");
        fprintf(out, "  %-22s %s\n", left, o->help);
    }
}

void cli_help(FILE *out, const cli_command *cmd)
{
    fprintf(out, "usage: facecluster %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
    if (cmd->options) {
        fputs("\noptions:\n", out);
        print_options(out, cmd->options);
    }
    fputs("\nfor every command:\n", out);
    print_options(out, global_options);
    fprintf(out, "\nman facecluster tells more.\n");
}
