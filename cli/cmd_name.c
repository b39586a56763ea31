/* facecluster name PERSON NAME: names or renames a person; its faces become confirmed. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

static int run(const cli_globals *globals, int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == 0) return cli_usage(&cli_cmd_name);
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int64_t person;
    int rc = fc_store_person_find(store, argv[0], &person, err);
    if (!rc) rc = fc_store_person_name(store, person, argv[1], err);
    if (rc) {
        cli_failed(&cli_cmd_name, err);
    } else {
        printf("person %lld is now ", (long long)person);
        fc_text_escape(stdout, argv[1]);
        fputc('\n', stdout);
    }
    fc_store_close(store);
    return rc ? CLI_FAILED : CLI_OK;
}

const cli_command cli_cmd_name = {
    .name = "name",
    .usage = "PERSON NAME",
    .summary = "name or rename a person (PERSON: an id or a name); its faces become confirmed",
    .run = run,
};
