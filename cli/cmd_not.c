/* facecluster not FACE... [PERSON]: these faces are not that person. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

#include <stdlib.h>

static int run(const cli_globals *globals, int argc, char **argv)
{
    if (argc < 1) return cli_usage(&cli_cmd_not);
    /* a last argument that is not a face id names the person */
    char *end;
    strtoll(argv[argc - 1], &end, 10);
    const int named = argc >= 2 && (*end || end == argv[argc - 1]);
    const int count = argc - named;
    int64_t *faces = malloc((size_t)argc * sizeof *faces);
    if (!faces) return CLI_FAILED;
    int rc = cli_parse_face_ids(&cli_cmd_not, argv, count, faces);
    fc_store *store = rc ? NULL : cli_open_store(globals, 0);
    char err[FC_ERR_MAX];
    int64_t person = 0;
    if (!rc && !store) rc = CLI_FAILED;
    if (!rc && named && fc_store_person_find(store, argv[argc - 1], &person, err) != 0)
        rc = cli_failed(&cli_cmd_not, err);
    if (!rc && fc_store_faces_not(store, faces, count, person, err) != 0)
        rc = cli_failed(&cli_cmd_not, err);
    free(faces);
    fc_store_close(store);
    return rc;
}

const cli_command cli_cmd_not = {
    .name = "not",
    .usage = "FACE... [PERSON]",
    .summary = "these faces are not that person (default: the one each is in); they never "
               "return there",
    .run = run,
};
