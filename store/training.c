/* What a head learns from: the faces of named people and the user's "not this person"
 * decisions about them (store.h, fc_store_training).
 *
 * Built on the clustering's own load (fc_store_faces_load: present photos, faces not
 * rejected), so a head learns from exactly the faces it is later applied to. Only named
 * people teach who is who: a name is the user saying "these faces are one person"; an
 * unnamed person is the clustering's guess, and a head trained on its guesses would learn
 * them back. Their faces only stand as strangers: other than the named people (the
 * clustering keeps people apart with 99.5% precision), which is what `who` must not name
 * (bench/triplet: they are what makes the head better than none at equal strangers). */
#include "store/store_internal.h"

#include "core/cluster/ids.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void fc_store_training_free(fc_store_training *t)
{
    free(t->face), free(t->embedding), free(t->label), free(t->person), free(t->nots);
    memset(t, 0, sizeof *t);
}

/* The named people's ids, ascending, into t->person. */
static int load_named(fc_store *s, fc_store_training *t, char *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT id FROM people WHERE name IS NOT NULL ORDER BY id",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "reading the named people", err);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((size_t)t->people == cap) {
            cap = cap ? 2 * cap : 64;
            int64_t *grown = realloc(t->person, cap * sizeof *grown);
            if (!grown) {
                sqlite3_finalize(st);
                return fc_errorf(err, -ENOMEM, "out of memory reading the named people");
            }
            t->person = grown;
        }
        t->person[t->people++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fc_store_sql_error(s->db, rc, "reading the named people", err);
}

/* From the loaded faces f, the ones kept (a named person's, an unnamed person's, or named
 * by a decision), with their labels, and the decisions as known negatives by kept index. */
static int select_faces(const fc_store_faces *f, fc_store_training *t, char *err)
{
    const size_t n = (size_t)(f->n > 0 ? f->n : 1);
    int *label = malloc(n * sizeof *label), *index = malloc(n * sizeof *index);
    int rc = label && index ? 0 : fc_errorf(err, -ENOMEM, "out of memory");
    for (int i = 0; !rc && i < f->n; i++) {
        label[i] = f->person[i] ? fc_ids_find(t->person, t->people, f->person[i]) : -1;
        index[i] = label[i] >= 0 ? 0 : -1; /* -1: not kept (yet) */
    }
    /* the unnamed people's faces, evenly sampled down to FC_STORE_BACKGROUND_MAX */
    int unnamed = 0;
    for (int i = 0; !rc && i < f->n; i++) unnamed += f->person[i] && label[i] < 0;
    const int every = unnamed / FC_STORE_BACKGROUND_MAX + 1;
    for (int i = 0, seen = 0; !rc && i < f->n; i++)
        if (f->person[i] && label[i] < 0 && seen++ % every == 0) index[i] = 0, t->background++;
    int nots = 0;
    for (int k = 0; !rc && k < f->n_nots; k++)
        if (fc_ids_find(t->person, t->people, f->nots[k].person) >= 0) {
            index[f->nots[k].face] = 0;
            nots++;
        }
    for (int i = 0; !rc && i < f->n; i++)
        if (index[i] == 0) index[i] = t->n++;
    const size_t kept = (size_t)(t->n > 0 ? t->n : 1);
    if (!rc) {
        t->face = malloc(kept * sizeof *t->face);
        t->embedding = malloc(kept * sizeof *t->embedding);
        t->label = malloc(kept * sizeof *t->label);
        t->nots = malloc((size_t)(nots > 0 ? nots : 1) * sizeof *t->nots);
        if (!t->face || !t->embedding || !t->label || !t->nots)
            rc = fc_errorf(err, -ENOMEM, "out of memory");
    }
    for (int i = 0; !rc && i < f->n; i++) {
        const int j = index[i];
        if (j < 0) continue;
        t->face[j] = f->face[i], t->label[j] = label[i];
        memcpy(t->embedding[j], f->embedding[i], sizeof t->embedding[j]);
    }
    for (int k = 0; !rc && k < f->n_nots; k++) {
        const int person = fc_ids_find(t->person, t->people, f->nots[k].person);
        if (person >= 0) t->nots[t->n_nots++] = (fc_known_negative){index[f->nots[k].face], person};
    }
    free(label), free(index);
    return rc;
}

int fc_store_training_load(fc_store *s, fc_store_training *out, char *err)
{
    memset(out, 0, sizeof *out);
    fc_store_faces faces = {0};
    /* the people first: one named meanwhile only teaches nothing this time */
    int rc = load_named(s, out, err);
    if (!rc) rc = fc_store_faces_model(s, out->model, sizeof out->model, err);
    if (rc == 2)
        rc = fc_errorf(err, -EAGAIN,
                       "photos are being embedded again by another model: train once "
                       "faceclusterd is done");
    if (rc >= 0) rc = fc_store_faces_load(s, &faces, err);
    if (!rc) rc = select_faces(&faces, out, err);
    fc_store_faces_free(&faces);
    if (rc) fc_store_training_free(out);
    return rc;
}
