/* facecluster reject FACE...: these are not faces. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

#include <stdlib.h>

static int run(const cli_globals *globals, int argc, char **argv)
{
    if (argc < 1) return cli_usage(&cli_cmd_reject);
    int64_t *faces = malloc((size_t)argc * sizeof *faces);
    if (!faces) return CLI_FAILED;
    int rc = cli_parse_face_ids(&cli_cmd_reject, argv, argc, faces);
    fc_store *store = rc ? NULL : cli_open_store(globals, 0);
    char err[FC_ERR_MAX];
    if (!rc && !store) rc = CLI_FAILED;
    if (!rc && fc_store_faces_reject(store, faces, argc, err) != 0)
        rc = cli_failed(&cli_cmd_reject, err);
    free(faces);
    fc_store_close(store);
    return rc;
}

const cli_command cli_cmd_reject = {
    .name = "reject",
    .usage = "FACE...",
    .summary = "these are not faces: never grouped, never listed",
    .run = run,
};
