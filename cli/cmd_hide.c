/* facecluster hide PERSON / unhide PERSON: out of the people list, or back in it. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

static int run_with(const cli_command *cmd, int hidden, const cli_globals *globals, int argc,
                    char **argv)
{
    if (argc != 1) return cli_usage(cmd);
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int64_t person;
    int rc = fc_store_person_find(store, argv[0], &person, err);
    if (!rc) rc = fc_store_person_hide(store, person, hidden, err);
    fc_store_close(store);
    return rc ? cli_failed(cmd, err) : CLI_OK;
}

static int run_hide(const cli_globals *globals, int argc, char **argv)
{
    return run_with(&cli_cmd_hide, 1, globals, argc, argv);
}

static int run_unhide(const cli_globals *globals, int argc, char **argv)
{
    return run_with(&cli_cmd_unhide, 0, globals, argc, argv);
}

const cli_command cli_cmd_hide = {
    .name = "hide",
    .usage = "PERSON",
    .summary = "leave a person out of the people list (people --all still shows it)",
    .run = run_hide,
};

const cli_command cli_cmd_unhide = {
    .name = "unhide",
    .usage = "PERSON",
    .summary = "list a hidden person again",
    .run = run_unhide,
};
