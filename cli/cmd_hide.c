/* facecluster hide PERSON / unhide PERSON: out of the people list, or back in it. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

static int hide_or_unhide(const cli_command *cmd, int hidden, const cli_globals *globals,
                          const cli_args *args)
{
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX], who[160];
    int64_t person;
    int rc = fc_store_person_find(store, args->argv[0], &person, err);
    if (!rc) rc = fc_store_person_hide(store, person, hidden, err);
    json_t *what = json_pack("{s:s}", "edit", cmd->name);
    if (!rc) cli_person_words(store, person, who, sizeof who, what);
    fc_store_close(store);
    if (rc) {
        json_decref(what);
        return cli_failed(cmd, err);
    }
    return cli_edit_report(args, what,
                           hidden ? "%s is hidden (facecluster people --all still lists it)"
                                  : "%s is listed again",
                           who);
}

static int exec_hide(const cli_globals *globals, const cli_args *args)
{
    return hide_or_unhide(&cli_cmd_hide, 1, globals, args);
}

static int exec_unhide(const cli_globals *globals, const cli_args *args)
{
    return hide_or_unhide(&cli_cmd_unhide, 0, globals, args);
}

const cli_command cli_cmd_hide = {
    .name = "hide",
    .usage = "PERSON [--json]",
    .summary = "leave a person out of the people list (people --all still shows it)",
    .options = cli_edit_options,
    .min_args = 1,
    .max_args = 1,
    .exec = exec_hide,
};

const cli_command cli_cmd_unhide = {
    .name = "unhide",
    .usage = "PERSON [--json]",
    .summary = "list a hidden person again",
    .options = cli_edit_options,
    .min_args = 1,
    .max_args = 1,
    .exec = exec_unhide,
};
