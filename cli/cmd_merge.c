/* facecluster merge PERSON PERSON...: the others join the first. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

#include <errno.h>
#include <stdlib.h>

static int run(const cli_globals *globals, int argc, char **argv)
{
    if (argc < 2) return cli_usage(&cli_cmd_merge);
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int64_t *ids = malloc((size_t)argc * sizeof *ids);
    int rc = ids ? 0 : fc_errorf(err, -ENOMEM, "out of memory");
    for (int i = 0; i < argc && !rc; i++) rc = fc_store_person_find(store, argv[i], &ids[i], err);
    if (!rc) rc = fc_store_people_merge(store, ids, argc, err);
    if (!rc) printf("merged into person %lld\n", (long long)ids[0]);
    free(ids);
    fc_store_close(store);
    return rc ? cli_failed(&cli_cmd_merge, err) : CLI_OK;
}

const cli_command cli_cmd_merge = {
    .name = "merge",
    .usage = "PERSON PERSON...",
    .summary = "join people into the first (their faces become confirmed there)",
    .run = run,
};
