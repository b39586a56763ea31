/* What an edit says it did: a sentence, or with --json one object {"edit": ..., ...}
 * built by the command. Every edit says something: silence would hide what changed. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>

const cli_option_spec cli_edit_options[] = {
    {"json", 0, NULL, "say what changed as one JSON object"},
    {0},
};

int cli_edit_report(const cli_args *args, json_t *what, const char *fmt, ...)
{
    if (cli_args_has(args, "json")) return cli_json_print(what) == 0 ? CLI_OK : CLI_FAILED;
    json_decref(what);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    return CLI_OK;
}

void cli_person_words(fc_store *store, int64_t person, char *buf, size_t cap, json_t *into)
{
    char *name = NULL;
    fc_store_person_name_get(store, person, &name, NULL);
    int n = snprintf(buf, cap, "person %lld", (long long)person);
    if (name && n > 0 && (size_t)n + 4 < cap) {
        /* escaped into a memory stream: the sentence is printed with printf */
        FILE *mem = fmemopen(buf + n, cap - (size_t)n, "w");
        if (mem) {
            fputs(" (", mem);
            fc_text_escape(mem, name);
            fputc(')', mem);
            fclose(mem);
        }
    }
    if (into) {
        json_object_set_new(into, "person", json_integer(person));
        json_object_set_new(into, "name", cli_json_text(name));
    }
    free(name);
}
