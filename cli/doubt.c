/* Doubt: a person's faces farthest from the rest of the person first, as the clustering
 * sees them (through the learned head when the daemon uses one). */
#include "cli/doubt.h"

#include "core/cluster/cluster.h"
#include "core/fc_error.h"
#include "core/cluster/ids.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int add_row(void *ctx, const fc_store_face_row *row)
{
    cli_faces *f = ctx;
    if (f->n == f->cap) {
        const int cap = f->cap ? 2 * f->cap : 64;
        cli_face *grown = realloc(f->face, (size_t)cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        f->face = grown, f->cap = cap;
    }
    cli_face *c = &f->face[f->n];
    *c = (cli_face){.row = *row, .doubt = -1};
    c->row.path = row->path ? strdup(row->path) : NULL;
    if (row->path && !c->row.path) return -ENOMEM;
    f->n++;
    return 0;
}

/* Each of the person's faces in out[first..] gets its doubt, from the library's faces. */
static int add_doubts(const cli_library *lib, int64_t person, cli_faces *out, int first, char *err)
{
    int n = 0;
    for (int i = 0; i < lib->n; i++) n += lib->person[i] == person;
    const size_t cap = (size_t)(n ? n : 1);
    float(*emb)[FC_EMBED_DIM] = malloc(cap * sizeof *emb);
    int64_t *face = malloc(cap * sizeof *face);
    float *doubt = malloc(cap * sizeof *doubt);
    int rc = emb && face && doubt ? 0 : fc_errorf(err, -ENOMEM, "out of memory");
    n = 0;
    for (int i = 0; i < lib->n && !rc; i++) /* the library is in face id order */
        if (lib->person[i] == person) {
            memcpy(emb[n], lib->embedding[i], sizeof *emb);
            face[n++] = lib->face[i];
        }
    if (!rc) rc = fc_cluster_doubt((const float(*)[FC_EMBED_DIM])emb, n, doubt, err);
    for (int i = first; i < out->n && !rc; i++) {
        const int k = fc_ids_find(face, n, out->face[i].row.face);
        if (k < 0) continue; /* written after the library was read */
        out->face[i].doubt = doubt[k];
        out->face[i].doubtful = doubt[k] > out->threshold;
    }
    free(emb), free(face), free(doubt);
    return rc;
}

int cli_faces_load(const cli_library *lib, int64_t person, cli_faces *out, char *err)
{
    const fc_store_library *l = lib->loaded;
    out->threshold = l->head.w ? fc_head_threshold(FC_DOUBT_THRESHOLD, FC_CLUSTER_THRESHOLD,
                                                   l->cluster_threshold)
                               : FC_DOUBT_THRESHOLD;
    const int first = out->n;
    int rc = person ? fc_store_person_faces(lib->store, person, add_row, out, err)
                    : fc_store_unplaced_faces(lib->store, add_row, out, err);
    if (rc == -ENOMEM) return fc_errorf(err, rc, "out of memory");
    if (rc) return rc;
    return person ? add_doubts(lib, person, out, first, err) : 0;
}

void cli_faces_free(cli_faces *f)
{
    for (int i = 0; i < f->n; i++) free((char *)f->face[i].row.path);
    free(f->face);
    memset(f, 0, sizeof *f);
}

static int by_doubt(const void *a, const void *b)
{
    const cli_face *x = a, *y = b;
    if (x->doubt != y->doubt) return x->doubt < y->doubt ? 1 : -1;
    if (x->row.score != y->row.score) return x->row.score < y->row.score ? 1 : -1;
    return (x->row.face > y->row.face) - (x->row.face < y->row.face);
}

void cli_faces_by_doubt(cli_face *faces, int n)
{
    if (n > 1) qsort(faces, (size_t)n, sizeof *faces, by_doubt);
}

typedef struct {
    float doubt;
    int index;
} ranked;

static int by_rank(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->doubt != y->doubt) return x->doubt < y->doubt ? 1 : -1;
    return (x->index > y->index) - (x->index < y->index);
}

int *cli_faces_doubt_order(const cli_face *faces, int n)
{
    ranked *r = malloc((size_t)(n ? n : 1) * sizeof *r);
    int *order = malloc((size_t)(n ? n : 1) * sizeof *order);
    if (r && order) {
        for (int i = 0; i < n; i++) r[i] = (ranked){faces[i].doubt, i};
        if (n > 1) qsort(r, (size_t)n, sizeof *r, by_rank);
        for (int i = 0; i < n; i++) order[i] = r[i].index;
    } else {
        free(order);
        order = NULL;
    }
    free(r);
    return order;
}
