/* facecluster show (PERSON [--doubt] | --unsorted) [--json]: a person's faces, best first,
 * each with its doubt (its mean distance to the person's other faces, as the clustering
 * measures it); --doubt: the most doubtful first. --unsorted: the faces in no person. */
#include "cli/cli.h"
#include "cli/doubt.h"

#include "core/fc_error.h"

#include <string.h>

static void print_face(const cli_face *c, int json)
{
    const fc_store_face_row *f = &c->row;
    if (json) {
        cli_json_print(json_pack(
            "{s:I, s:o, s:o, s:o, s:o, s:b, s:o, s:b}", "face", (json_int_t)f->face, "person",
            cli_json_id_or_null(f->person), "path", cli_json_text(f->path), "box",
            cli_json_box(f->box), "score", cli_json_number(f->score, 4), "confirmed", f->confirmed,
            "doubt", c->doubt >= 0 ? cli_json_number(c->doubt, 4) : json_null(), "doubtful",
            c->doubtful));
        return;
    }
    char doubt[16] = "    -";
    if (c->doubt >= 0) snprintf(doubt, sizeof doubt, "%.3f", c->doubt);
    printf("%8lld  %-9s %.3f  %s %-8s  %6.0f,%-6.0f %4.0fx%-4.0f  ", (long long)f->face,
           f->confirmed ? "confirmed" : "", f->score, doubt, c->doubtful ? "doubtful" : "",
           f->box[0], f->box[1], f->box[2], f->box[3]);
    if (f->path) fc_text_escape(stdout, f->path);
    fputc('\n', stdout);
}

static const cli_option_spec options[] = {
    {"doubt", 'd', NULL, "the most doubtful first (farthest from the person's other faces)"},
    {"unsorted", 'u', NULL, "the faces in no person instead of a person's"},
    {"json", 0, NULL, "one JSON object per face (JSON Lines)"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    const int json = cli_args_has(args, "json"), by_doubt = cli_args_has(args, "doubt");
    const int unsorted = cli_args_has(args, "unsorted");
    if (args->argc != !unsorted || (unsorted && by_doubt)) return cli_usage(&cli_cmd_show);
    cli_library lib;
    if (cli_library_open(globals, &lib)) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int64_t person = 0;
    cli_faces faces = {0};
    int rc = unsorted ? 0 : fc_store_person_find(lib.store, args->argv[0], &person, err);
    if (!rc) rc = cli_faces_load(&lib, person, &faces, err);
    if (!rc && by_doubt) cli_faces_by_doubt(faces.face, faces.n);
    for (int i = 0; !rc && i < faces.n; i++) print_face(&faces.face[i], json);
    if (rc) cli_failed(&cli_cmd_show, err);
    cli_faces_free(&faces);
    cli_library_close(&lib);
    return rc ? CLI_FAILED : CLI_OK;
}

const cli_command cli_cmd_show = {
    .name = "show",
    .usage = "(PERSON [--doubt] | --unsorted) [--json]",
    .summary = "a person's faces (PERSON: an id or a name): face id, whether you confirmed it, "
               "score, doubt (distance to the person's other faces), box, photo; --doubt: the "
               "most doubtful first; --unsorted: the faces in no person",
    .options = options,
    .min_args = 0,
    .max_args = 1,
    .exec = exec,
};
