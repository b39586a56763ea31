/* facecluster check [--json]: is the store sound? SQLite's integrity check and
 * facecluster's own invariants; exit 1 when anything is wrong. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

#include <string.h>

typedef struct {
    int json, count;
    json_t *problems; /* with json */
} problem_printer;

static void print_problem(void *ctx, const char *problem)
{
    problem_printer *p = ctx;
    if (p->json) {
        json_array_append_new(p->problems, cli_json_text(problem));
    } else {
        fc_text_escape(stdout, problem);
        fputc('\n', stdout);
    }
    p->count++;
}

static const cli_option_spec options[] = {
    {"json", 0, NULL, "one JSON object: {\"problems\": [...], \"ok\": true|false}"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    problem_printer p = {.json = cli_args_has(args, "json"), .problems = json_array()};
    fc_store *store = cli_open_store(globals, 1);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int found = fc_store_check(store, print_problem, &p, err);
    if (p.json && found >= 0)
        cli_json_print(json_pack("{s:O, s:b}", "problems", p.problems, "ok", found == 0));
    else if (found == 0)
        puts("ok");
    json_decref(p.problems);
    if (found < 0) {
        cli_failed(&cli_cmd_check, err);
    }
    fc_store_close(store);
    return found == 0 ? CLI_OK : CLI_FAILED;
}

const cli_command cli_cmd_check = {
    .name = "check",
    .usage = "[--json]",
    .summary = "verify the store: SQLite's integrity check and facecluster's invariants",
    .options = options,
    .exec = exec,
};
