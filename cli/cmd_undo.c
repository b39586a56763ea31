/* facecluster undo: reverts the last change (name, merge, move, not, reject) whole. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

static int run(const cli_globals *globals, int argc, char **argv)
{
    (void)argv;
    if (argc != 0) return cli_usage(&cli_cmd_undo);
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX], said[128];
    int rc = fc_store_undo(store, said, sizeof said, err);
    fc_store_close(store);
    if (rc) return cli_failed(&cli_cmd_undo, err);
    fc_text_escape(stdout, said);
    fputc('\n', stdout);
    return CLI_OK;
}

const cli_command cli_cmd_undo = {
    .name = "undo",
    .usage = "",
    .summary = "revert the last change (name, merge, move, not, reject), from the journal",
    .run = run,
};
