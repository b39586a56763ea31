/* facecluster cover PERSON FACE: the face that stands for a person. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

static int run(const cli_globals *globals, int argc, char **argv)
{
    int64_t face;
    if (argc != 2) return cli_usage(&cli_cmd_cover);
    if (cli_parse_face_ids(&cli_cmd_cover, argv + 1, 1, &face) != CLI_OK) return CLI_USAGE;
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int64_t person;
    int rc = fc_store_person_find(store, argv[0], &person, err);
    if (!rc) rc = fc_store_person_cover(store, person, face, err);
    fc_store_close(store);
    return rc ? cli_failed(&cli_cmd_cover, err) : CLI_OK;
}

const cli_command cli_cmd_cover = {
    .name = "cover",
    .usage = "PERSON FACE",
    .summary = "the face that stands for a person (one of its own; people's example photo)",
    .run = run,
};
