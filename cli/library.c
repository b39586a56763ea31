/* The library `who` and `similar` search: the store's faces, through the learned head
 * when there is one to use (fc_store_library_load, as the daemon groups them), and the
 * people's names. */
#include "cli/cli.h"

#include "core/cluster/cluster.h"
#include "core/fc_error.h"
#include "core/cluster/ids.h"
#include "store/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    cli_library *lib;
    size_t cap;
} name_list;

static int add_name(void *ctx, const fc_store_person *p)
{
    name_list *list = ctx;
    cli_library *lib = list->lib;
    if (!p->name) return 0;
    if ((size_t)lib->n_named == list->cap) {
        list->cap = list->cap ? 2 * list->cap : 16;
        int64_t *named = realloc(lib->named, list->cap * sizeof *named);
        if (named) lib->named = named;
        char **names = realloc(lib->names, list->cap * sizeof *names);
        if (names) lib->names = names;
        if (!named || !names) return 1;
    }
    lib->names[lib->n_named] = strdup(p->name);
    if (!lib->names[lib->n_named]) return 1;
    lib->named[lib->n_named++] = p->id;
    return 0;
}

/* Sorts the named people by id (the store lists them largest first). */
static void sort_named(cli_library *lib)
{
    for (int i = 1; i < lib->n_named; i++)
        for (int j = i; j > 0 && lib->named[j - 1] > lib->named[j]; j--) {
            const int64_t id = lib->named[j];
            char *name = lib->names[j];
            lib->named[j] = lib->named[j - 1], lib->names[j] = lib->names[j - 1];
            lib->named[j - 1] = id, lib->names[j - 1] = name;
        }
}

int cli_library_open(const cli_globals *globals, cli_library *lib)
{
    memset(lib, 0, sizeof *lib);
    lib->store = cli_open_store(globals, 1);
    if (!lib->store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    lib->loaded = malloc(sizeof *lib->loaded);
    int rc = lib->loaded ? fc_store_library_load(lib->store, NULL, lib->loaded, err)
                         : fc_errorf(err, -ENOMEM, "out of memory");
    if (rc) {
        free(lib->loaded), lib->loaded = NULL;
        cli_warn(NULL, NULL, err);
        cli_library_close(lib);
        return CLI_FAILED;
    }
    if (lib->loaded->note[0]) { /* the raw embeddings answer */
        fputs("facecluster: ", stderr);
        fc_text_escape(stderr, lib->loaded->note);
        fputc('\n', stderr);
    }
    const fc_store_faces *faces = &lib->loaded->faces;
    lib->n = faces->n, lib->face = faces->face, lib->person = faces->person;
    lib->photo = faces->photo, lib->embedding = faces->embedding;
    name_list list = {lib, 0};
    rc = fc_store_people(lib->store, 1, 0, 1, add_name, &list, err);
    if (rc) {
        cli_warn(NULL, NULL, rc > 0 ? "out of memory" : err);
        cli_library_close(lib);
        return CLI_FAILED;
    }
    sort_named(lib);
    return CLI_OK;
}

void cli_library_close(cli_library *lib)
{
    for (int i = 0; i < lib->n_named; i++) free(lib->names[i]);
    free(lib->names), free(lib->named);
    if (lib->loaded) fc_store_library_free(lib->loaded);
    free(lib->loaded);
    fc_store_close(lib->store);
    memset(lib, 0, sizeof *lib);
}

const char *cli_library_name(const cli_library *lib, int64_t person)
{
    const int i = fc_ids_find(lib->named, lib->n_named, person);
    return i >= 0 ? lib->names[i] : NULL;
}

int cli_library_index(const cli_library *lib, int64_t face)
{
    return fc_ids_find(lib->face, lib->n, face); /* loaded in id order */
}

void cli_library_query(const cli_library *lib, const fc_qembed *face, float unit[FC_EMBED_DIM])
{
    fc_qembed_unit(face, unit);
    fc_head_transform(&lib->loaded->head, (float(*)[FC_EMBED_DIM])unit, 1);
}

float cli_library_name_threshold(const cli_library *lib, float given)
{
    return fc_store_library_name_threshold(lib->loaded, given);
}
