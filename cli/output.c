/* Where a command may write its output file (cli.h): never over the store or the model,
 * whatever --db and --model name, nor over anything file.h refuses. */
#include "cli/cli.h"

#include "core/nn/model.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void cli_output_init(cli_output *o, const cli_globals *globals, const void *magic, size_t magic_len,
                     int force)
{
    memset(o, 0, sizeof *o);
    int n = 0;
    if (cli_store_path(globals, o->store, sizeof o->store, NULL) == 0) o->protect[n++] = o->store;
    /* the model given, or every place one is looked for */
    char **places = NULL;
    if (globals->model_path) {
        snprintf(o->model[0], sizeof o->model[0], "%s", globals->model_path);
        o->protect[n++] = o->model[0];
    } else if (fc_model_places(&places, NULL) == 0) {
        for (int i = 0; places[i] && i < CLI_OUTPUT_MODELS; i++) {
            snprintf(o->model[i], sizeof o->model[i], "%s", places[i]);
            o->protect[n++] = o->model[i];
        }
        fc_file_places_free(places);
    }
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
