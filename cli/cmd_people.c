/* facecluster people [--json] [--unsorted]: the people found, largest first. Groups of
 * fewer than UNSORTED_BELOW faces (a stranger in the background) are listed apart. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../store/store.h"

#include <string.h>

#define UNSORTED_BELOW 2

typedef struct {
    int json, count;
} person_printer;

static void json_or_null(const char *s)
{
    if (s)
        cli_json_string(stdout, s);
    else
        fputs("null", stdout);
}

static int print_person(void *ctx, const fc_store_person *p)
{
    person_printer *out = ctx;
    out->count++;
    if (out->json) {
        printf("{\"id\": %lld, \"name\": ", (long long)p->id);
        json_or_null(p->name);
        printf(", \"faces\": %lld, \"photos\": %lld, \"first\": ", (long long)p->faces,
               (long long)p->photos);
        json_or_null(p->first);
        fputs(", \"last\": ", stdout);
        json_or_null(p->last);
        printf(", \"hidden\": %s, \"example\": ", p->hidden ? "true" : "false");
        json_or_null(p->example);
        fputs("}\n", stdout);
        return 0;
    }
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

static int count_only(void *ctx, const fc_store_person *p)
{
    (void)p;
    ((person_printer *)ctx)->count++;
    return 0;
}

static int run(const cli_globals *globals, int argc, char **argv)
{
    person_printer out = {0};
    int unsorted = 0, all = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            out.json = 1;
        else if (strcmp(argv[i], "--unsorted") == 0)
            unsorted = 1;
        else if (strcmp(argv[i], "--all") == 0)
            all = 1;
        else
            return cli_usage(&cli_cmd_people);
    }
    fc_store *store = cli_open_store(globals, 1);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int rc = unsorted ? fc_store_people(store, 1, UNSORTED_BELOW - 1, all, print_person, &out, err)
                      : fc_store_people(store, UNSORTED_BELOW, 0, all, print_person, &out, err);
    if (!rc && !out.json && !unsorted) {
        person_printer rest = {.json = 1};
        rc = fc_store_people(store, 1, UNSORTED_BELOW - 1, all, count_only, &rest, err);
        if (!rc)
            printf("%d %s, and %d unsorted %s (facecluster people --unsorted)\n", out.count,
                   fc_plural(out.count, "person", "people"), rest.count,
                   fc_plural(rest.count, "face", "faces"));
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
    .run = run,
};
