/* facecluster show PERSON [--json]: a person's faces, best first (PERSON: id or name). */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

#include <string.h>

static int print_face(void *ctx, const fc_store_face_row *f)
{
    const int json = *(const int *)ctx;
    if (json) {
        printf("{\"face\": %lld, \"person\": %lld, \"path\": ", (long long)f->face,
               (long long)f->person);
        if (f->path)
            cli_json_string(stdout, f->path);
        else
            fputs("null", stdout);
        printf(", \"box\": [%.1f, %.1f, %.1f, %.1f], \"score\": %.4f, \"confirmed\": %s}\n",
               f->box[0], f->box[1], f->box[2], f->box[3], f->score,
               f->confirmed ? "true" : "false");
        return 0;
    }
    printf("%8lld  %-9s %.3f  %6.0f,%-6.0f %4.0fx%-4.0f  ", (long long)f->face,
           f->confirmed ? "confirmed" : "", f->score, f->box[0], f->box[1], f->box[2], f->box[3]);
    if (f->path) fc_text_escape(stdout, f->path);
    fputc('\n', stdout);
    return 0;
}

static const cli_option_spec options[] = {
    {"json", 0, NULL, "one JSON object per face (JSON Lines)"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    int json = cli_args_has(args, "json");
    const char *who = args->argv[0];
    fc_store *store = cli_open_store(globals, 1);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int64_t person;
    int rc = fc_store_person_find(store, who, &person, err);
    if (!rc) rc = fc_store_person_faces(store, person, print_face, &json, err);
    if (rc) {
        cli_failed(&cli_cmd_show, err);
    }
    fc_store_close(store);
    return rc ? CLI_FAILED : CLI_OK;
}

const cli_command cli_cmd_show = {
    .name = "show",
    .usage = "PERSON [--json]",
    .summary = "a person's faces (PERSON: an id or a name): face id, box, score, whether you "
               "confirmed it, the photo",
    .options = options,
    .min_args = 1,
    .max_args = 1,
    .exec = exec,
};
