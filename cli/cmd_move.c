/* facecluster move FACE... PERSON | move FACE... --new: put faces in a person. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

#include <stdlib.h>

static const cli_option_spec options[] = {
    {"new", 0, NULL, "into a new person (how a person is split)"},
    {"json", 0, NULL, "say what changed as one JSON object"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    const int to_new = cli_args_has(args, "new");
    const int count = args->argc - !to_new; /* the last argument names the person */
    if (count < 1) return cli_usage(&cli_cmd_move);
    int64_t *faces = malloc((size_t)args->argc * sizeof *faces);
    if (!faces) return cli_failed(&cli_cmd_move, "out of memory");
    int rc = cli_parse_face_ids(&cli_cmd_move, args->argv, count, faces);
    fc_store *store = rc ? NULL : cli_open_store(globals, 0);
    char err[FC_ERR_MAX], who[160];
    int64_t person = 0, to = 0;
    if (!rc && !store) rc = CLI_FAILED;
    if (!rc && !to_new && fc_store_person_find(store, args->argv[count], &person, err) != 0)
        rc = cli_failed(&cli_cmd_move, err);
    if (!rc && fc_store_faces_move(store, faces, count, person, &to, err) != 0)
        rc = cli_failed(&cli_cmd_move, err);
    json_t *what = NULL;
    if (!rc) {
        what = json_pack("{s:s, s:o, s:b}", "edit", "move", "faces", cli_json_ids(faces, count),
                         "new", to_new);
        cli_person_words(store, to, who, sizeof who, what);
    }
    free(faces);
    fc_store_close(store);
    if (rc) return rc;
    return cli_edit_report(args, what, "%d %s now in %s%s", count,
                           fc_plural(count, "face", "faces"), who, to_new ? ", a new person" : "");
}

const cli_command cli_cmd_move = {
    .name = "move",
    .usage = "FACE... PERSON | FACE... --new [--json]",
    .summary = "put faces in a person (confirmed), or in a new one: how a person is split",
    .options = options,
    .min_args = 1,
    .max_args = -1,
    .exec = exec,
};
