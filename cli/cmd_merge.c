/* facecluster merge PERSON PERSON...: the others join the first. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

#include <errno.h>
#include <stdlib.h>

static int exec(const cli_globals *globals, const cli_args *args)
{
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX], who[160];
    int64_t *ids = malloc((size_t)args->argc * sizeof *ids);
    int rc = ids ? 0 : fc_errorf(err, -ENOMEM, "out of memory");
    for (int i = 0; i < args->argc && !rc; i++)
        rc = fc_store_person_find(store, args->argv[i], &ids[i], err);
    if (!rc) rc = fc_store_people_merge(store, ids, args->argc, err);
    json_t *what = NULL;
    if (!rc) {
        what = json_pack("{s:s, s:o}", "edit", "merge", "merged",
                         cli_json_ids(ids + 1, args->argc - 1));
        cli_person_words(store, ids[0], who, sizeof who, what);
    }
    const int others = args->argc - 1;
    free(ids);
    fc_store_close(store);
    if (rc) return cli_failed(&cli_cmd_merge, err);
    return cli_edit_report(args, what, "%d %s merged into %s", others,
                           others == 1 ? "person" : "people", who);
}

const cli_command cli_cmd_merge = {
    .name = "merge",
    .usage = "PERSON PERSON... [--json]",
    .summary = "join people into the first (their faces become confirmed there)",
    .options = cli_edit_options,
    .min_args = 2,
    .max_args = -1,
    .exec = exec,
};
