/* facecluster name PERSON NAME: names or renames a person; its faces become confirmed. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

static int exec(const cli_globals *globals, const cli_args *args)
{
    char **argv = args->argv;
    if (argv[1][0] == 0) return cli_usage(&cli_cmd_name);
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int64_t person;
    int rc = fc_store_person_find(store, argv[0], &person, err);
    if (!rc) rc = fc_store_person_name(store, person, argv[1], err);
    char who[160];
    json_t *what = json_pack("{s:s}", "edit", "name");
    if (!rc) cli_person_words(store, person, who, sizeof who, what);
    fc_store_close(store);
    if (rc) {
        json_decref(what);
        return cli_failed(&cli_cmd_name, err);
    }
    return cli_edit_report(args, what, "%s is named now", who);
}

const cli_command cli_cmd_name = {
    .name = "name",
    .usage = "PERSON NAME [--json]",
    .summary = "name or rename a person (PERSON: an id or a name); its faces become confirmed",
    .options = cli_edit_options,
    .min_args = 2,
    .max_args = 2,
    .exec = exec,
};
