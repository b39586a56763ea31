/* facecluster undo: reverts the last change (an edit, whole) and lists what it undid. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

typedef struct {
    int json, count;
    json_t *entries;
} undone;

static int add_entry(void *ctx, const fc_store_journal_entry *e)
{
    undone *u = ctx;
    if (u->json) return json_array_append_new(u->entries, cli_journal_json(e)) ? -1 : 0;
    fputs(u->count++ ? "\n  " : "undid: ", stdout);
    cli_journal_describe(stdout, e);
    return 0;
}

static int exec(const cli_globals *globals, const cli_args *args)
{
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int64_t change;
    undone u = {.json = cli_args_has(args, "json"), .entries = json_array()};
    int rc = fc_store_undo(store, &change, err);
    if (!rc) rc = fc_store_history(store, change, 0, add_entry, &u, err);
    fc_store_close(store);
    if (rc) {
        json_decref(u.entries);
        return cli_failed(&cli_cmd_undo, err);
    }
    if (u.json)
        return cli_json_print(json_pack("{s:s, s:I, s:o}", "edit", "undo", "change",
                                        (json_int_t)change, "undid", u.entries)) == 0
                   ? CLI_OK
                   : CLI_FAILED;
    json_decref(u.entries);
    fputc('\n', stdout);
    return CLI_OK;
}

const cli_command cli_cmd_undo = {
    .name = "undo",
    .usage = "[--json]",
    .summary = "revert the last change (name, merge, move, not, reject, hide, cover) whole, "
               "and list what it undid",
    .options = cli_edit_options,
    .exec = exec,
};
