/* facecluster: the command-line interface. `facecluster help` lists the commands. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "core/nn/model.h"
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const cli_command *const commands[] = {
    &cli_cmd_check,   &cli_cmd_cover,  &cli_cmd_detect,  &cli_cmd_embed,  &cli_cmd_hide,
    &cli_cmd_history, &cli_cmd_merge,  &cli_cmd_model,   &cli_cmd_move,   &cli_cmd_name,
    &cli_cmd_not,     &cli_cmd_page,   &cli_cmd_people,  &cli_cmd_photos, &cli_cmd_reject,
    &cli_cmd_sheet,   &cli_cmd_show,   &cli_cmd_similar, &cli_cmd_status, &cli_cmd_train,
    &cli_cmd_undo,    &cli_cmd_unhide, &cli_cmd_who,     &cli_cmd_xmp};
#define NUM_COMMANDS (sizeof commands / sizeof commands[0])

int cli_usage(const cli_command *cmd)
{
    fprintf(stderr, "usage: facecluster [--db PATH] [--model PATH] %s %s\n", cmd->name, cmd->usage);
    return CLI_USAGE;
}

struct fc_model *cli_open_model(const cli_globals *globals)
{
    char err[FC_ERR_MAX];
    fc_model *model = NULL;
    if (fc_model_open_or_default(globals->model_path, &model, err) != 0) {
        cli_warn(NULL, NULL, err);
        fprintf(stderr, "facecluster: run ./run.sh in the source tree to fetch and convert the "
                        "model, or pass --model PATH\n");
        return NULL;
    }
    return model;
}

int cli_store_path(const cli_globals *globals, char *buf, size_t cap, char *err)
{
    if (!globals->db_path) return fc_store_default_path(buf, cap, err);
    if (snprintf(buf, cap, "%s", globals->db_path) >= (int)cap)
        return fc_errorf(err, -ENAMETOOLONG, "the store's path is too long");
    return 0;
}

struct fc_store *cli_open_store(const cli_globals *globals, int read_only)
{
    char path[4096], err[FC_ERR_MAX];
    fc_store *store = NULL;
    if (cli_store_path(globals, path, sizeof path, err) != 0) {
        cli_warn(NULL, NULL, err);
        return NULL;
    }
    /* an edit on a store that does not exist would make an empty one: say so instead */
    if (!read_only && access(path, F_OK) != 0)
        fc_errorf(err, -ENOENT, "no store at %s: has faceclusterd indexed anything?", path);
    else if (fc_store_open(path, read_only ? FC_STORE_READ_ONLY : 0, &store, err) == 0)
        return store;
    cli_warn(NULL, NULL, err);
    return NULL;
}

static void print_help(FILE *out)
{
    fprintf(out, "usage: facecluster [--db PATH] [--model PATH] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < NUM_COMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "\nfacecluster help COMMAND (or facecluster COMMAND --help) shows a command's "
                 "arguments and options; facecluster --version its version.\n");
}

static const cli_command *find_command(const char *name)
{
    for (size_t c = 0; c < NUM_COMMANDS; c++)
        if (strcmp(name, commands[c]->name) == 0) return commands[c];
    return NULL;
}

static int unknown_command(const char *name)
{
    fprintf(stderr, "facecluster: unknown command ");
    fc_text_escape(stderr, name);
    fputs(" (facecluster help lists them)\n", stderr);
    return CLI_USAGE;
}

static int run_command(const cli_command *cmd, cli_globals *globals, int argc, char **argv)
{
    cli_args args;
    int rc = cli_args_parse(cmd, argc, argv, globals, &args);
    if (rc == CLI_OK && args.help)
        cli_help(stdout, cmd);
    else if (rc == CLI_OK)
        rc = cmd->exec(globals, &args);
    cli_args_free(&args);
    return rc;
}

int main(int argc, char **argv)
{
    cli_globals globals = {0};
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            globals.model_path = argv[i + 1];
            i += 2;
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            globals.db_path = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            globals.db_path = argv[i] + 5;
            i++;
        } else if (strncmp(argv[i], "--model=", 8) == 0) {
            globals.model_path = argv[i] + 8;
            i++;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_help(stdout);
            return CLI_OK;
        } else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            printf("facecluster %s\n", FC_VERSION);
            return CLI_OK;
        } else {
            fputs("facecluster: unknown option ", stderr);
            fc_text_escape(stderr, argv[i]);
            fputs(" (facecluster --help lists the options and commands)\n", stderr);
            return CLI_USAGE;
        }
    }
    if (i >= argc) {
        print_help(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[i];
    if (strcmp(name, "help") == 0) {
        if (i + 1 >= argc) {
            print_help(stdout);
            return CLI_OK;
        }
        const cli_command *cmd = find_command(argv[i + 1]);
        if (!cmd) return unknown_command(argv[i + 1]);
        cli_help(stdout, cmd);
        return CLI_OK;
    }
    const cli_command *cmd = find_command(name);
    if (!cmd) return unknown_command(name);
    return run_command(cmd, &globals, argc - i - 1, argv + i + 1);
}
