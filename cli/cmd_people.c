/* facecluster people [--json] [--unsorted]: the people found, largest first. Groups of
 * fewer than UNSORTED_BELOW faces (a stranger in the background) are listed apart. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

#include <string.h>

#define UNSORTED_BELOW 2

typedef struct {
    int json, count;
} person_printer;

static int print_person(void *ctx, const fc_store_person *p)
{
    person_printer *out = ctx;
    out->count++;
    if (out->json)
        return cli_json_print(json_pack(
            "{s:I, s:o, s:I, s:I, s:o, s:o, s:b, s:o}", "person", (json_int_t)p->id, "name",
            cli_json_text(p->name), "faces", (json_int_t)p->faces, "photos", (json_int_t)p->photos,
            "first", cli_json_time(p->first), "last", cli_json_time(p->last), "hidden", p->hidden,
            "example", cli_json_text(p->example)));
    char dates[48] = "";
    if (p->first && p->last) snprintf(dates, sizeof dates, "%.10s..%.10s", p->first, p->last);
    printf("%6lld  ", (long long)p->id);
    fc_text_pad(stdout, p->name ? p->name : "(unnamed)", 20);
    printf(" %5lld %-5s %5lld %-6s  %-22s %s", (long long)p->faces,
           fc_plural(p->faces, "face", "faces"), (long long)p->photos,
           fc_plural(p->photos, "photo", "photos"), dates, p->hidden ? "(hidden) " : "");
    if (p->example) fc_text_escape(stdout, p->example);
    fputc('\n', stdout);
    return 0;
}

static const cli_option_spec options[] = {
    {"unsorted", 'u', NULL,
     "the faces alone in their group instead (strangers, mostly), then a row for the faces in "
     "no person"},
    {"all", 'a', NULL, "hidden people too"},
    {"json", 0, NULL, "one JSON object per person (JSON Lines)"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    person_printer out = {.json = cli_args_has(args, "json")};
    const int unsorted = cli_args_has(args, "unsorted"), all = cli_args_has(args, "all");
    fc_store *store = cli_open_store(globals, 1);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int rc = unsorted ? fc_store_people(store, 1, UNSORTED_BELOW - 1, all, print_person, &out, err)
                      : fc_store_people(store, UNSORTED_BELOW, 0, all, print_person, &out, err);
    fc_store_people_counts c;
    if (!rc && !out.json) rc = fc_store_people_count(store, all, &c, err);
    if (!rc && !out.json && unsorted && c.unplaced) /* every face reachable from here */
        printf("%6s  %lld %s in no person (facecluster show --unsorted)\n", "-",
               (long long)c.unplaced, fc_plural(c.unplaced, "face", "faces"));
    if (!rc && !out.json && !unsorted) { /* counted as the daemon's log and `status` count */
        const int64_t many = c.people - c.alone;
        printf("%lld %s named or with 2+ faces, %lld alone (facecluster people --unsorted), %lld %s in no "
               "person (facecluster show --unsorted)",
               (long long)many, fc_plural(many, "person", "people"), (long long)c.alone,
               (long long)c.unplaced, fc_plural(c.unplaced, "face", "faces"));
        if (c.hidden && !all) printf(", %lld hidden (--all)", (long long)c.hidden);
        fputc('\n', stdout);
    }
    if (rc) {
        cli_failed(&cli_cmd_people, err);
    }
    fc_store_close(store);
    return rc ? CLI_FAILED : CLI_OK;
}

const cli_command cli_cmd_people = {
    .name = "people",
    .usage = "[--json] [--unsorted] [--all]",
    .summary = "the people found, largest first: id, name, faces, photos, dates, an example "
               "photo; --unsorted: faces alone in their group; --all: hidden people too",
    .options = options,
    .exec = exec,
};
