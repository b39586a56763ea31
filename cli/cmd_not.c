/* facecluster not FACE... [PERSON]: these faces are not that person. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

#include <stdlib.h>

/* The person a face is in now (0: none), for saying what `not` undid. */
static int person_of(void *ctx, const fc_store_face_row *row)
{
    *(int64_t *)ctx = row->person;
    return 0;
}

static int exec(const cli_globals *globals, const cli_args *args)
{
    /* a last argument that is not a face id names the person */
    const char *last = args->argv[args->argc - 1];
    char *end;
    strtoll(last, &end, 10);
    const int named = args->argc >= 2 && (*end || end == last);
    const int count = args->argc - named;
    int64_t *faces = malloc((size_t)args->argc * sizeof *faces);
    if (!faces) return cli_failed(&cli_cmd_not, "out of memory");
    int rc = cli_parse_face_ids(&cli_cmd_not, args->argv, count, faces);
    fc_store *store = rc ? NULL : cli_open_store(globals, 0);
    char err[FC_ERR_MAX], who[160];
    int64_t person = 0;
    if (!rc && !store) rc = CLI_FAILED;
    if (!rc && named && fc_store_person_find(store, last, &person, err) != 0)
        rc = cli_failed(&cli_cmd_not, err);
    /* without a person: the one the first face is in (each leaves its own) */
    int64_t shown = person;
    if (!rc && !named && fc_store_face_get(store, faces[0], person_of, &shown, err) != 0)
        rc = cli_failed(&cli_cmd_not, err);
    if (!rc && fc_store_faces_not(store, faces, count, person, err) != 0)
        rc = cli_failed(&cli_cmd_not, err);
    json_t *what = NULL;
    if (!rc) {
        what = json_pack("{s:s, s:o}", "edit", "not", "faces", cli_json_ids(faces, count));
        if (shown) {
            cli_person_words(store, shown, who, sizeof who, what);
        } else {
            snprintf(who, sizeof who, "the person it was in");
            json_object_set_new(what, "person", json_null());
            json_object_set_new(what, "name", json_null());
        }
    }
    free(faces);
    fc_store_close(store);
    if (rc) return rc;
    if (!named && count > 1) snprintf(who, sizeof who, "the people they were in");
    return cli_edit_report(args, what,
                           "%d face%s marked not %s: %s out, and never put back by the "
                           "clustering",
                           count, count == 1 ? "" : "s", who, count == 1 ? "it is" : "they are");
}

const cli_command cli_cmd_not = {
    .name = "not",
    .usage = "FACE... [PERSON] [--json]",
    .summary = "these faces are not that person (default: the one each is in); they never "
               "return there",
    .options = cli_edit_options,
    .min_args = 1,
    .max_args = -1,
    .exec = exec,
};
