/* facecluster move FACE... PERSON | move FACE... --new: put faces in a person. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

#include <stdlib.h>
#include <string.h>

static int run(const cli_globals *globals, int argc, char **argv)
{
    if (argc < 2) return cli_usage(&cli_cmd_move);
    const int to_new = strcmp(argv[argc - 1], "--new") == 0;
    int64_t *faces = malloc((size_t)argc * sizeof *faces);
    if (!faces) return CLI_FAILED;
    int rc = cli_parse_face_ids(&cli_cmd_move, argv, argc - 1, faces);
    fc_store *store = rc ? NULL : cli_open_store(globals, 0);
    char err[FC_ERR_MAX];
    int64_t person = 0, to = 0;
    if (!rc && !store) rc = CLI_FAILED;
    if (!rc && !to_new && fc_store_person_find(store, argv[argc - 1], &person, err) != 0)
        rc = cli_failed(&cli_cmd_move, err);
    if (!rc && fc_store_faces_move(store, faces, argc - 1, person, &to, err) != 0)
        rc = cli_failed(&cli_cmd_move, err);
    if (!rc)
        printf("%d %s now in person %lld\n", argc - 1, fc_plural(argc - 1, "face", "faces"),
               (long long)to);
    free(faces);
    fc_store_close(store);
    return rc;
}

const cli_command cli_cmd_move = {
    .name = "move",
    .usage = "FACE... PERSON | FACE... --new",
    .summary = "put faces in a person (confirmed), or in a new one: how a person is split",
    .run = run,
};
