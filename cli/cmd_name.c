/* facecluster name PERSON NAME: names or renames a person; its faces become confirmed. The
 * faces that look least like the rest of the person (doubt.h) are named with the commands
 * that take them out: naming confirms them too, and a wrong face confirmed stays. */
#include "cli/cli.h"
#include "cli/doubt.h"

#include "core/fc_error.h"
#include "store/store.h"

#define LISTED 10 /* doubtful faces named at most; show --doubt has the rest */

/* The person's doubtful faces, most doubtful first, into *faces (read before naming). */
static int doubtful_faces(const cli_globals *globals, const char *who, int64_t *person,
                          cli_faces *faces)
{
    cli_library lib;
    if (cli_library_open(globals, &lib)) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int rc = fc_store_person_find(lib.store, who, person, err);
    if (!rc) rc = cli_faces_load(&lib, *person, faces, err);
    if (!rc) cli_faces_by_doubt(faces->face, faces->n);
    cli_library_close(&lib);
    return rc ? cli_failed(&cli_cmd_name, err) : CLI_OK;
}

static void say_doubtful(const cli_faces *faces, int64_t person, const char *name)
{
    int doubtful = 0;
    while (doubtful < faces->n && faces->face[doubtful].doubtful) doubtful++;
    if (!doubtful) return;
    printf("confirmed, though %d of its %d faces %s far from its others (a mean distance over "
           "%.3f), the farthest first:\n",
           doubtful, faces->n, doubtful == 1 ? "is" : "are", faces->threshold);
    for (int i = 0; i < doubtful && i < LISTED; i++) {
        const fc_store_face_row *f = &faces->face[i].row;
        printf("%8lld  %.3f  ", (long long)f->face, faces->face[i].doubt);
        if (f->path) fc_text_escape(stdout, f->path);
        fputc('\n', stdout);
    }
    if (doubtful > LISTED)
        printf("and %d more (facecluster show %lld --doubt)\n", doubtful - LISTED,
               (long long)person);
    fputs("a face that is not ", stdout);
    fc_text_escape(stdout, name);
    printf(": facecluster not FACE %lld (or facecluster move FACE --new)\n", (long long)person);
}

/* With --json, the doubtful faces as an array in what the edit says. */
static void doubtful_json(const cli_faces *faces, json_t *what)
{
    json_t *list = json_array();
    for (int i = 0; i < faces->n && faces->face[i].doubtful; i++) {
        const fc_store_face_row *f = &faces->face[i].row;
        json_array_append_new(list, json_pack("{s:I, s:f, s:o}", "face", (json_int_t)f->face,
                                              "doubt", (double)faces->face[i].doubt, "path",
                                              cli_json_text(f->path)));
    }
    json_object_set_new(what, "doubtful", list);
}

static int exec(const cli_globals *globals, const cli_args *args)
{
    char **argv = args->argv;
    if (argv[1][0] == 0) return cli_usage(&cli_cmd_name);
    int64_t person;
    cli_faces faces = {0};
    if (doubtful_faces(globals, argv[0], &person, &faces)) return CLI_FAILED;
    fc_store *store = cli_open_store(globals, 0);
    if (!store) {
        cli_faces_free(&faces);
        return CLI_FAILED;
    }
    char err[FC_ERR_MAX];
    int rc = fc_store_person_name(store, person, argv[1], err);
    char who[160];
    json_t *what = json_pack("{s:s}", "edit", "name");
    if (!rc) cli_person_words(store, person, who, sizeof who, what);
    fc_store_close(store);
    if (rc) {
        json_decref(what);
        cli_faces_free(&faces);
        return cli_failed(&cli_cmd_name, err);
    }
    doubtful_json(&faces, what);
    rc = cli_edit_report(args, what, "%s is named now", who);
    if (!rc && !cli_args_has(args, "json")) say_doubtful(&faces, person, argv[1]);
    cli_faces_free(&faces);
    return rc;
}

const cli_command cli_cmd_name = {
    .name = "name",
    .usage = "PERSON NAME [--json]",
    .summary = "name or rename a person (PERSON: an id or a name); its faces become confirmed, "
               "and those that look least like the rest are listed",
    .options = cli_edit_options,
    .min_args = 2,
    .max_args = 2,
    .exec = exec,
};
