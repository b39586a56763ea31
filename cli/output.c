/* Where a command may write its output file (cli.h): never over the store or the model,
 * whatever --db and --model name, nor over anything file.h refuses. */
#include "cli.h"

#include "../core/model.h"
#include "../store/store.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void cli_output_init(cli_output *o, const cli_globals *globals, const void *magic, size_t magic_len,
                     int force)
{
    memset(o, 0, sizeof *o);
    int n = 0;
    if (globals->db_path) snprintf(o->store, sizeof o->store, "%s", globals->db_path);
    if (o->store[0] || fc_store_default_path(o->store, sizeof o->store, NULL) == 0)
        o->protect[n++] = o->store;
    if (globals->model_path) snprintf(o->model, sizeof o->model, "%s", globals->model_path);
    if (o->model[0] || fc_model_default_path(o->model, sizeof o->model, NULL) == 0)
        o->protect[n++] = o->model;
    o->protect[n] = NULL;
    o->how = (fc_file_output){
        .protect = o->protect, .magic = magic, .magic_len = magic_len, .force = force};
}

int cli_output_has_extension(const char *path, const char *const *extensions)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash)) return 0;
    for (; *extensions; extensions++)
        if (strcasecmp(dot + 1, *extensions) == 0) return 1;
    return 0;
}
