/* The learned head: one row in use, weights as a little-endian float32 blob; a mark in
 * meta that moves with it; whether it fits the faces it would be applied to. */
#include "store/store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int prepare(fc_store *s, const char *sql, sqlite3_stmt **st, char *err)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? 0 : fc_store_sql_error(s->db, rc, "the learned head", err);
}

_Static_assert(sizeof(float) == 4, "weights are stored as float32");

/* The head mark moves in the transaction that changes the head: the daemon, seeing it
 * move, finds the new head (or none) there already. */
static int bump_mark(fc_store *s, char *err)
{
    return fc_store_exec(s,
                         "INSERT INTO meta (key, value) VALUES ('head_generation', 1) ON "
                         "CONFLICT (key) DO UPDATE SET value = value + 1",
                         0, 0, 0, err);
}

int fc_store_head_mark(fc_store *s, int64_t *mark, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(
        s, "SELECT coalesce((SELECT value FROM meta WHERE key = 'head_generation'), 0)", &st, err);
    if (rc) return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *mark = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : fc_store_sql_error(s->db, rc, "reading the head mark", err);
}

static int do_put(fc_store *s, void *ctx, char *err)
{
    const fc_store_head *h = ctx;
    sqlite3_stmt *st;
    int rc = fc_store_exec(s, "DELETE FROM heads", 0, 0, 0, err);
    if (!rc)
        rc = prepare(s,
                     "INSERT INTO heads (dim, weights, version, embedding_model, "
                     "cluster_threshold, recognize_threshold, faces, people, trained_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                     &st, err);
    if (rc) return rc;
    sqlite3_bind_int(st, 1, h->dim);
    sqlite3_bind_blob(st, 2, h->weights, h->dim * FC_EMBED_DIM * (int)sizeof(float), SQLITE_STATIC);
    sqlite3_bind_int(st, 3, h->version);
    sqlite3_bind_text(st, 4, h->embedding_model, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 5, h->cluster_threshold);
    sqlite3_bind_double(st, 6, h->recognize_threshold);
    sqlite3_bind_int64(st, 7, h->faces);
    sqlite3_bind_int64(st, 8, h->people);
    sqlite3_bind_int64(st, 9, h->trained_at ? h->trained_at : (int64_t)time(NULL));
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return fc_store_sql_error(s->db, rc, "storing the learned head", err);
    return bump_mark(s, err);
}

int fc_store_head_put(fc_store *s, const fc_store_head *head, char *err)
{
    if (head->dim < 1 || head->dim > FC_EMBED_DIM || !head->weights)
        return fc_errorf(err, -EINVAL, "a head of dimension %d cannot be stored", head->dim);
    return fc_store_atomic(s, do_put, (void *)head, err);
}

int fc_store_head_get(fc_store *s, fc_store_head *out, char *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    int rc = prepare(s,
                     "SELECT dim, weights, version, embedding_model, cluster_threshold, "
                     "recognize_threshold, faces, people, trained_at FROM heads ORDER BY id "
                     "DESC LIMIT 1",
                     &st, err);
    if (rc) return rc;
    const int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const int dim = sqlite3_column_int(st, 0);
        const size_t bytes = (size_t)dim * FC_EMBED_DIM * sizeof(float);
        if (dim < 1 || dim > FC_EMBED_DIM || (size_t)sqlite3_column_bytes(st, 1) != bytes) {
            rc = fc_errorf(err, -EIO, "the stored head is damaged (dimension %d)", dim);
        } else if (!(out->weights = malloc(bytes))) {
            rc = fc_errorf(err, -ENOMEM, "out of memory");
        } else {
            memcpy(out->weights, sqlite3_column_blob(st, 1), bytes);
            out->dim = dim;
            out->version = sqlite3_column_int(st, 2);
            const char *model = (const char *)sqlite3_column_text(st, 3);
            snprintf(out->embedding_model, sizeof out->embedding_model, "%s", model ? model : "");
            out->cluster_threshold = (float)sqlite3_column_double(st, 4);
            out->recognize_threshold = (float)sqlite3_column_double(st, 5);
            out->faces = sqlite3_column_int64(st, 6);
            out->people = sqlite3_column_int64(st, 7);
            out->trained_at = sqlite3_column_int64(st, 8);
            rc = 1;
        }
    } else if (step != SQLITE_DONE) {
        rc = fc_store_sql_error(s->db, step, "reading the learned head", err);
    }
    sqlite3_finalize(st);
    return rc;
}

static int do_delete(fc_store *s, void *ctx, char *err)
{
    int *count = ctx;
    sqlite3_stmt *st;
    int rc = prepare(s, "DELETE FROM heads RETURNING id", &st, err);
    if (rc) return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) ++*count;
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return fc_store_sql_error(s->db, rc, "deleting the learned head", err);
    return *count ? bump_mark(s, err) : 0; /* nothing removed: nothing changed */
}

int fc_store_head_delete(fc_store *s, char *err)
{
    int count = 0;
    const int rc = fc_store_atomic(s, do_delete, &count, err);
    return rc ? rc : count;
}

int fc_store_faces_model(fc_store *s, char *buf, size_t cap, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s,
                     "SELECT min(model), max(model) FROM photos WHERE status = 1 AND "
                     "missing_since IS NULL",
                     &st, err);
    if (rc) return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *low = (const char *)sqlite3_column_text(st, 0);
        const char *high = (const char *)sqlite3_column_text(st, 1);
        snprintf(buf, cap, "%s", low ? low : "");
        rc = !low ? 0 : strcmp(low, high) == 0 ? 1 : 2;
    } else {
        rc = fc_store_sql_error(s->db, rc, "reading the faces' model", err);
    }
    sqlite3_finalize(st);
    return rc;
}

int fc_store_head_check(fc_store *s, const fc_store_head *head, const char *model, char *note,
                        size_t cap, char *err)
{
    char faces[64];
    if (head->version != FC_HEAD_VERSION) {
        snprintf(note, cap,
                 "the learned head is of version %d, this facecluster uses version %d: not "
                 "used (facecluster train makes a new one)",
                 head->version, FC_HEAD_VERSION);
        return 0;
    }
    const int rc = fc_store_faces_model(s, faces, sizeof faces, err);
    if (rc < 0) return rc;
    if (rc == 2) {
        snprintf(note, cap,
                 "photos are being embedded again by another model: the learned head is not "
                 "used (facecluster train makes a new one once faceclusterd is done)");
        return 0;
    }
    /* the faces stored, and those the caller is about to make */
    const char *other = rc == 1 && strcmp(faces, head->embedding_model) != 0 ? faces
                        : model && strcmp(model, head->embedding_model) != 0 ? model
                                                                             : NULL;
    if (other) {
        snprintf(note, cap,
                 "the learned head was trained on another model's embeddings (%s; the faces "
                 "are now %s): not used (facecluster train makes a new one)",
                 head->embedding_model, other);
        return 0;
    }
    return 1;
}

int fc_store_head_in_use(fc_store *s, const char *model, fc_store_head *out, char *note, size_t cap,
                         char *err)
{
    if (cap) note[0] = 0;
    int rc = fc_store_head_get(s, out, err);
    if (rc == 1) rc = fc_store_head_check(s, out, model, note, cap, err);
    if (rc != 1) {
        free(out->weights);
        memset(out, 0, sizeof *out);
    }
    return rc;
}
