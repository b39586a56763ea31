/* facecluster history [-n N] [--json]: the journal of your edits, newest first. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

static const cli_option_spec options[] = {
    {"count", 'n', "N", "the last N changes (default 20; 0: all)"},
    {"json", 0, NULL, "one JSON object per entry (JSON Lines)"},
    {0},
};

static int print_entry(void *ctx, const fc_store_journal_entry *e)
{
    if (*(int *)ctx) return cli_json_print(cli_journal_json(e));
    char at[32];
    cli_time_string(e->at, at, sizeof at);
    printf("%6lld  %s  %-6s  ", (long long)e->change, at, e->action);
    cli_journal_describe(stdout, e);
    puts(e->undone ? "  (undone)" : "");
    return 0;
}

static int exec(const cli_globals *globals, const cli_args *args)
{
    double count = 20;
    int json = cli_args_has(args, "json");
    if (cli_args_number(args, "count", 0, 1e9, 1, &count) != CLI_OK) return CLI_USAGE;
    fc_store *store = cli_open_store(globals, 1);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    const int rc = fc_store_history(store, 0, (int)count, print_entry, &json, err);
    fc_store_close(store);
    return rc ? cli_failed(&cli_cmd_history, err) : CLI_OK;
}

const cli_command cli_cmd_history = {
    .name = "history",
    .usage = "[-n N] [--json]",
    .summary = "the journal of your edits, newest change first: what undo would revert",
    .options = options,
    .exec = exec,
};
