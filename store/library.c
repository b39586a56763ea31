/* The faces as the clustering and recognition see them: loaded, and through the learned
 * head in use when one fits them. The daemon groups and places in this space and `who`
 * and `similar` search it: one loader, so that they never disagree about the space. */
#include "store/store_internal.h"

#include "core/cluster/ids.h"
#include "core/cluster/placement.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_id(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Each face's person when that person has a name, else 0. */
static int load_named(fc_store *s, fc_store_library *out, char *err)
{
    const fc_store_faces *f = &out->faces;
    sqlite3_stmt *st = NULL;
    int64_t *ids = NULL;
    int n = 0, cap = 0;
    out->named = calloc((size_t)(f->n > 0 ? f->n : 1), sizeof *out->named);
    if (!out->named) return fc_errorf(err, -ENOMEM, "out of memory");
    int rc =
        sqlite3_prepare_v2(s->db, "SELECT id FROM people WHERE name IS NOT NULL", -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "reading the people's names", err);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            int64_t *grown = realloc(ids, (size_t)cap * sizeof *grown);
            if (!grown) {
                rc = fc_errorf(err, -ENOMEM, "out of memory");
                goto out;
            }
            ids = grown;
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    rc = rc == SQLITE_DONE ? 0 : fc_store_sql_error(s->db, rc, "reading the people's names", err);
    if (!rc && n) qsort(ids, (size_t)n, sizeof *ids, by_id);
    for (int i = 0; !rc && i < f->n; i++)
        out->named[i] = f->person[i] && fc_ids_find(ids, n, f->person[i]) >= 0 ? f->person[i] : 0;
out:
    sqlite3_finalize(st);
    free(ids);
    return rc;
}

int fc_store_library_load(fc_store *s, const char *model, fc_store_library *out, char *err)
{
    memset(out, 0, sizeof *out);
    int rc = fc_store_faces_load(s, &out->faces, err);
    if (!rc) rc = load_named(s, out, err);
    if (rc) {
        fc_store_library_free(out);
        return rc;
    }
    fc_store_head h;
    char why[FC_ERR_MAX];
    rc = fc_store_head_in_use(s, model, &h, out->note, sizeof out->note, why);
    if (rc < 0) { /* the head refines the space, it is never a reason to have none */
        fc_errorf(out->note, rc, "the learned head is not used: %s", why);
        return 0;
    }
    if (rc == 1) {
        out->head = (fc_head){.dim = h.dim, .w = h.weights};
        out->cluster_threshold = h.cluster_threshold;
        out->recognize_threshold = h.recognize_threshold;
        fc_head_transform(&out->head, out->faces.embedding, out->faces.n);
    }
    return 0;
}

void fc_store_library_free(fc_store_library *l)
{
    fc_store_faces_free(&l->faces);
    free(l->named);
    fc_head_free(&l->head);
    memset(l, 0, sizeof *l);
}

float fc_store_library_cluster_threshold(const fc_store_library *l, float given)
{
    if (l->head.w) return fc_head_threshold(given, FC_CLUSTER_THRESHOLD, l->cluster_threshold);
    return given > 0 ? given : FC_CLUSTER_THRESHOLD;
}

float fc_store_library_name_threshold(const fc_store_library *l, float given)
{
    if (l->head.w)
        return fc_head_threshold(given, FC_NAME_THRESHOLD,
                                 FC_NAME_HEAD_SHARE * l->recognize_threshold);
    return given > 0 ? given : FC_NAME_THRESHOLD;
}
