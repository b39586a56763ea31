/* facecluster cover PERSON FACE: the face that stands for a person. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

static int exec(const cli_globals *globals, const cli_args *args)
{
    int64_t face;
    if (cli_parse_face_ids(&cli_cmd_cover, args->argv + 1, 1, &face) != CLI_OK) return CLI_USAGE;
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX], who[160];
    int64_t person;
    int rc = fc_store_person_find(store, args->argv[0], &person, err);
    if (!rc) rc = fc_store_person_cover(store, person, face, err);
    json_t *what = json_pack("{s:s, s:I}", "edit", "cover", "face", (json_int_t)face);
    if (!rc) cli_person_words(store, person, who, sizeof who, what);
    fc_store_close(store);
    if (rc) {
        json_decref(what);
        return cli_failed(&cli_cmd_cover, err);
    }
    return cli_edit_report(args, what, "face %lld now stands for %s", (long long)face, who);
}

const cli_command cli_cmd_cover = {
    .name = "cover",
    .usage = "PERSON FACE [--json]",
    .summary = "the face that stands for a person (one of its own; people's example photo)",
    .options = cli_edit_options,
    .min_args = 2,
    .max_args = 2,
    .exec = exec,
};
