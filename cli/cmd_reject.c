/* facecluster reject FACE...: these are not faces. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

#include <stdlib.h>

static int exec(const cli_globals *globals, const cli_args *args)
{
    int64_t *faces = malloc((size_t)args->argc * sizeof *faces);
    if (!faces) return cli_failed(&cli_cmd_reject, "out of memory");
    int rc = cli_parse_face_ids(&cli_cmd_reject, args->argv, args->argc, faces);
    fc_store *store = rc ? NULL : cli_open_store(globals, 0);
    char err[FC_ERR_MAX];
    if (!rc && !store) rc = CLI_FAILED;
    if (!rc && fc_store_faces_reject(store, faces, args->argc, err) != 0)
        rc = cli_failed(&cli_cmd_reject, err);
    json_t *what =
        rc ? NULL
           : json_pack("{s:s, s:o}", "edit", "reject", "faces", cli_json_ids(faces, args->argc));
    free(faces);
    fc_store_close(store);
    if (rc) return rc;
    return cli_edit_report(args, what,
                           "%d face%s rejected: not %s, never grouped or listed again "
                           "(facecluster undo brings %s back)",
                           args->argc, args->argc == 1 ? "" : "s",
                           args->argc == 1 ? "a face" : "faces", args->argc == 1 ? "it" : "them");
}

const cli_command cli_cmd_reject = {
    .name = "reject",
    .usage = "FACE... [--json]",
    .summary = "these are not faces: never grouped, never listed",
    .options = cli_edit_options,
    .min_args = 1,
    .max_args = -1,
    .exec = exec,
};
