/* Photos and the files that show them: what the daemon writes as it indexes. */
#include "store/store_internal.h"

#include "core/nets/detect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_seconds(void)
{
    return (int64_t)time(NULL);
}

static int done(fc_store *s, int rc, const char *doing, char *err)
{
    return rc == SQLITE_DONE || rc == SQLITE_ROW || rc == SQLITE_OK
               ? 0
               : fc_store_sql_error(s->db, rc, doing, err);
}

/* Columns from col on: id, photo, device, inode, size, mtime_ns, missing_since, status. */
static void read_file_row(sqlite3_stmt *st, int col, fc_store_file *f)
{
    f->id = sqlite3_column_int64(st, col);
    f->photo = sqlite3_column_int64(st, col + 1);
    f->ident.device = (uint64_t)sqlite3_column_int64(st, col + 2);
    f->ident.inode = (uint64_t)sqlite3_column_int64(st, col + 3);
    f->ident.size = sqlite3_column_int64(st, col + 4);
    f->ident.mtime_ns = sqlite3_column_int64(st, col + 5);
    f->missing_since = sqlite3_column_int64(st, col + 6);
    f->photo_status = sqlite3_column_type(st, col + 7) == SQLITE_NULL
                          ? FC_PHOTO_PENDING
                          : sqlite3_column_int(st, col + 7);
}

int fc_store_file_get(fc_store *s, const char *path, fc_store_file *out, char *err)
{
    sqlite3_stmt *st = fc_store_stmt(s, ST_FILE_GET, err);
    if (!st) return -EIO;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_file_row(st, 0, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : done(s, rc, "looking a file up", err);
}

int fc_store_photo_find(fc_store *s, const uint8_t hash[FC_STORE_HASH_BYTES], int64_t *photo,
                        int *status, char *err)
{
    sqlite3_stmt *st = fc_store_stmt(s, ST_PHOTO_FIND, err);
    if (!st) return -EIO;
    sqlite3_bind_blob(st, 1, hash, FC_STORE_HASH_BYTES, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *photo = sqlite3_column_int64(st, 0);
        if (status) *status = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : done(s, rc, "looking a photo up", err);
}

/* The photo with this hash, made (pending) if new. */
static int photo_for_hash(fc_store *s, const uint8_t hash[FC_STORE_HASH_BYTES], int64_t *photo,
                          char *err)
{
    int rc = fc_store_photo_find(s, hash, photo, NULL, err);
    if (rc != 0) return rc < 0 ? rc : 0;
    sqlite3_stmt *st = fc_store_stmt(s, ST_PHOTO_INSERT, err);
    if (!st) return -EIO;
    sqlite3_bind_blob(st, 1, hash, FC_STORE_HASH_BYTES, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *photo = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : done(s, rc, "adding a photo", err);
}

/* Runs a statement whose parameters are two integers (most updates here). */
static int run2(fc_store *s, enum store_stmt id, int64_t a, int64_t b, const char *doing, char *err)
{
    sqlite3_stmt *st = fc_store_stmt(s, id, err);
    if (!st) return -EIO;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return done(s, rc, doing, err);
}

/* The photo a path showed before this write; 0 if none. */
static int previous_photo(fc_store *s, const char *path, int64_t *photo, char *err)
{
    sqlite3_stmt *st = fc_store_stmt(s, ST_FILE_PHOTO, err);
    if (!st) return -EIO;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *photo = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return done(s, rc, "looking a file up", err);
}

static int upsert_file(fc_store *s, const char *path, const fc_file_identity *ident, int64_t photo,
                       char *err)
{
    sqlite3_stmt *st = fc_store_stmt(s, ST_FILE_UPSERT, err);
    if (!st) return -EIO;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)ident->device);
    sqlite3_bind_int64(st, 3, (int64_t)ident->inode);
    sqlite3_bind_int64(st, 4, ident->size);
    sqlite3_bind_int64(st, 5, ident->mtime_ns);
    sqlite3_bind_int64(st, 6, photo);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    rc = done(s, rc, "recording a file", err);
    return rc ? rc : run2(s, ST_PHOTO_PRESENT, photo, 0, "recording a file", err);
}

/* --- faces, and carrying decisions from old faces to new ones ------------------------ */

typedef struct {
    int64_t id;
    double box[4]; /* x0, y0, x1, y1 */
} face_ref;

static int faces_of_photo(fc_store *s, int64_t photo, face_ref **out, int *count, char *err)
{
    *out = NULL, *count = 0;
    sqlite3_stmt *st = fc_store_stmt(s, ST_FACES_OF_PHOTO, err);
    if (!st) return -EIO;
    sqlite3_bind_int64(st, 1, photo);
    int rc, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? 2 * cap : 8;
            face_ref *grown = realloc(*out, (size_t)cap * sizeof *grown);
            if (!grown) {
                sqlite3_reset(st);
                return fc_errorf(err, -ENOMEM, "out of memory");
            }
            *out = grown;
        }
        face_ref *f = &(*out)[(*count)++];
        f->id = sqlite3_column_int64(st, 0);
        const double x = sqlite3_column_double(st, 1), y = sqlite3_column_double(st, 2);
        f->box[0] = x, f->box[1] = y;
        f->box[2] = x + sqlite3_column_double(st, 3), f->box[3] = y + sqlite3_column_double(st, 4);
    }
    sqlite3_reset(st);
    return done(s, rc, "reading faces", err);
}

/* Two boxes are one face when they overlap by at least this (intersection over union). */
#define SAME_FACE_IOU 0.5

/* Moves every decision about an old face to the new face that overlaps it best (each
 * new face taking at most one old one), then deletes the old faces. A model change or an
 * edited photo thus keeps what the user said; only a face no longer found loses it. */
static int replace_faces(fc_store *s, const face_ref *old, int n_old, const face_ref *new_faces,
                         int n_new, char *err)
{
    static const enum store_stmt carry[] = {
        ST_CARRY_ASSIGNMENT, ST_CARRY_NOT_PERSON, ST_CARRY_DIFFERENT_A, ST_CARRY_DIFFERENT_B,
        ST_CARRY_REJECTED,   ST_CARRY_COVER,      ST_CARRY_REGION};
    char *taken = calloc((size_t)n_new + 1, 1);
    if (!taken) return fc_errorf(err, -ENOMEM, "out of memory");
    int rc = 0;
    for (int i = 0; i < n_old && !rc; i++) {
        int best = -1;
        double best_iou = SAME_FACE_IOU;
        for (int j = 0; j < n_new; j++) {
            const double o = fc_box_iou(old[i].box, new_faces[j].box);
            if (!taken[j] && o >= best_iou) best = j, best_iou = o;
        }
        if (best >= 0) {
            taken[best] = 1;
            for (size_t c = 0; c < sizeof carry / sizeof carry[0] && !rc; c++)
                rc = run2(s, carry[c], old[i].id, new_faces[best].id, "carrying a decision", err);
        }
        if (!rc) rc = run2(s, ST_FACE_DELETE, old[i].id, 0, "removing a face", err);
    }
    free(taken);
    return rc;
}

static int insert_faces(fc_store *s, int64_t photo, const fc_store_indexed *what, face_ref *ids,
                        char *err)
{
    for (int i = 0; i < what->count; i++) {
        const fc_face *f = &what->faces[i];
        sqlite3_stmt *st = fc_store_stmt(s, ST_FACE_INSERT, err);
        if (!st) return -EIO;
        /* landmarks as float32 little-endian, whatever the host */
        uint8_t marks[FC_LANDMARK_POINTS * 2 * 4];
        for (int k = 0; k < FC_LANDMARK_POINTS * 2; k++) {
            uint32_t bits;
            memcpy(&bits, &f->landmarks[k / 2][k % 2], 4);
            for (int b = 0; b < 4; b++) marks[4 * k + b] = (uint8_t)(bits >> (8 * b));
        }
        sqlite3_bind_int64(st, 1, photo);
        for (int k = 0; k < 4; k++) sqlite3_bind_double(st, 2 + k, f->box[k]);
        sqlite3_bind_double(st, 6, f->score);
        sqlite3_bind_blob(st, 7, marks, sizeof marks, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 8, f->small);
        sqlite3_bind_blob(st, 9, f->quantized.v, FC_EMBED_DIM, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 10, what->model_version, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            ids[i].id = sqlite3_column_int64(st, 0);
            ids[i].box[0] = f->box[0], ids[i].box[1] = f->box[1];
            ids[i].box[2] = (double)f->box[0] + f->box[2];
            ids[i].box[3] = (double)f->box[1] + f->box[3];
        }
        sqlite3_reset(st);
        if (rc != SQLITE_ROW) return done(s, rc, "adding a face", err);
    }
    return 0;
}

static int photo_shown(fc_store *s, int64_t photo, int *shown, char *err)
{
    sqlite3_stmt *st = fc_store_stmt(s, ST_PHOTO_SHOWN, err);
    if (!st) return -EIO;
    sqlite3_bind_int64(st, 1, photo);
    int rc = sqlite3_step(st);
    *shown = rc == SQLITE_ROW;
    sqlite3_reset(st);
    return done(s, rc, "releasing a photo", err);
}

/* A photo that a path no longer shows. Never indexed and shown by no file: forgotten
 * (nothing is lost). Still shown by a file: missing if only missing files show it.
 * Indexed and shown by no file: with carry (the path shows an edited version now, whose
 * faces are new_faces), its decisions move to the new faces and it goes; otherwise it is
 * kept, missing, until purged. */
static int release_photo(fc_store *s, int64_t old, const face_ref *new_faces, int n_new, int carry,
                         char *err)
{
    int rc = run2(s, ST_PHOTO_DROP_IF_ORPHAN, old, 0, "releasing a photo", err);
    if (rc || sqlite3_changes(s->db) > 0) return rc;
    int shown;
    rc = photo_shown(s, old, &shown, err);
    if (rc) return rc;
    if (shown || !carry)
        return run2(s, ST_PHOTO_MISSING_IF_UNSHOWN, old, now_seconds(), "releasing a photo", err);
    face_ref *old_faces;
    int n_old;
    rc = faces_of_photo(s, old, &old_faces, &n_old, err);
    if (!rc) rc = replace_faces(s, old_faces, n_old, new_faces, n_new, err);
    free(old_faces);
    return rc ? rc : run2(s, ST_PHOTO_DELETE, old, 0, "releasing a photo", err);
}

/* --- the public writes, each atomic ------------------------------------------------- */

typedef struct {
    const char *path;
    const fc_file_identity *ident;
    int64_t photo;
    const fc_store_indexed *indexed; /* put_indexed */
    const uint8_t *hash;             /* put_failed */
    const char *reason;
    int retry, max_tries, status, backoff_s;
    int64_t now;
} put_job;

static int do_file_put(fc_store *s, void *ctx, char *err)
{
    put_job *job = ctx;
    int64_t before;
    int rc = previous_photo(s, job->path, &before, err);
    if (!rc) rc = upsert_file(s, job->path, job->ident, job->photo, err);
    if (!rc && before && before != job->photo) rc = release_photo(s, before, NULL, 0, 0, err);
    return rc;
}

int fc_store_file_put(fc_store *s, const char *path, const fc_file_identity *ident, int64_t photo,
                      char *err)
{
    put_job job = {.path = path, .ident = ident, .photo = photo};
    return fc_store_atomic(s, do_file_put, &job, err);
}

static int do_put_indexed(fc_store *s, void *ctx, char *err)
{
    put_job *job = ctx;
    const fc_store_indexed *what = job->indexed;
    int64_t before;
    face_ref *old = NULL, *added = calloc((size_t)what->count + 1, sizeof *added);
    int n_old = 0;
    if (!added) return fc_errorf(err, -ENOMEM, "out of memory");
    int rc = previous_photo(s, job->path, &before, err);
    if (!rc) rc = photo_for_hash(s, what->hash, &job->photo, err);
    /* indexed before (another model): its faces give way to the new ones */
    if (!rc) rc = faces_of_photo(s, job->photo, &old, &n_old, err);
    if (!rc) rc = insert_faces(s, job->photo, what, added, err);
    if (!rc) rc = replace_faces(s, old, n_old, added, what->count, err);
    sqlite3_stmt *st = rc ? NULL : fc_store_stmt(s, ST_PHOTO_SET_INDEXED, err);
    if (!rc && !st) rc = -EIO;
    if (!rc) {
        sqlite3_bind_int64(st, 1, job->photo);
        sqlite3_bind_int(st, 2, what->width);
        sqlite3_bind_int(st, 3, what->height);
        if (what->taken[0]) sqlite3_bind_text(st, 4, what->taken, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, what->model_version, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, now_seconds());
        rc = done(s, sqlite3_step(st), "recording a photo", err);
        sqlite3_reset(st);
    }
    if (!rc) rc = upsert_file(s, job->path, job->ident, job->photo, err);
    if (!rc && before && before != job->photo)
        rc = release_photo(s, before, added, what->count, 1, err);
    free(old);
    free(added);
    return rc;
}

int fc_store_put_indexed(fc_store *s, const char *path, const fc_file_identity *ident,
                         const fc_store_indexed *what, int64_t *photo, char *err)
{
    put_job job = {.path = path, .ident = ident, .indexed = what};
    int rc = fc_store_atomic(s, do_put_indexed, &job, err);
    if (!rc && photo) *photo = job.photo;
    return rc;
}

static int do_put_failed(fc_store *s, void *ctx, char *err)
{
    put_job *job = ctx;
    int64_t before;
    int rc = previous_photo(s, job->path, &before, err);
    if (!rc) rc = photo_for_hash(s, job->hash, &job->photo, err);
    sqlite3_stmt *st = rc ? NULL : fc_store_stmt(s, ST_PHOTO_SET_FAILED, err);
    if (!rc && !st) rc = -EIO;
    if (!rc) {
        sqlite3_bind_int64(st, 1, job->photo);
        sqlite3_bind_text(st, 2, job->reason, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, job->now);
        sqlite3_bind_int(st, 4, job->retry);
        sqlite3_bind_int(st, 5, job->max_tries);
        sqlite3_bind_int(st, 6, job->backoff_s);
        int step = sqlite3_step(st);
        /* no row: the same bytes were indexed already (by another path); nothing failed */
        job->status = step == SQLITE_ROW ? sqlite3_column_int(st, 0) : FC_PHOTO_INDEXED;
        rc = done(s, step, "recording a failure", err);
        sqlite3_reset(st);
    }
    if (!rc) rc = upsert_file(s, job->path, job->ident, job->photo, err);
    if (!rc && before && before != job->photo) rc = release_photo(s, before, NULL, 0, 0, err);
    return rc;
}

int fc_store_put_failed(fc_store *s, const char *path, const fc_file_identity *ident,
                        const uint8_t hash[FC_STORE_HASH_BYTES], const char *reason, int retry,
                        int64_t now, int backoff_s, int max_tries, int *status, char *err)
{
    put_job job = {.path = path,
                   .ident = ident,
                   .hash = hash,
                   .reason = reason,
                   .retry = retry,
                   .now = now,
                   .backoff_s = backoff_s,
                   .max_tries = max_tries};
    int rc = fc_store_atomic(s, do_put_failed, &job, err);
    if (!rc && status) *status = job.status;
    return rc;
}

typedef struct {
    const char *path;
    int64_t now;
    int known;
} missing_job;

static int do_file_missing(fc_store *s, void *ctx, char *err)
{
    missing_job *job = ctx;
    sqlite3_stmt *st = fc_store_stmt(s, ST_FILE_MISSING, err);
    if (!st) return -EIO;
    sqlite3_bind_text(st, 1, job->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, job->now);
    int rc = sqlite3_step(st);
    const int64_t photo = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    job->known = rc == SQLITE_ROW;
    sqlite3_reset(st);
    rc = done(s, rc, "marking a file missing", err);
    if (!rc && photo)
        rc = run2(s, ST_PHOTO_MISSING_IF_UNSHOWN, photo, job->now, "marking a photo missing", err);
    return rc;
}

int fc_store_file_missing(fc_store *s, const char *path, int64_t now, char *err)
{
    missing_job job = {.path = path, .now = now};
    int rc = fc_store_atomic(s, do_file_missing, &job, err);
    return rc ? rc : job.known;
}

typedef struct {
    const char *from, *to;
    int moved;
} rename_job;

static int do_rename(fc_store *s, void *ctx, char *err)
{
    rename_job *job = ctx;
    /* a file renamed over another (an editor's safe save): the one replaced is gone */
    sqlite3_stmt *st = fc_store_stmt(s, ST_FILE_DELETE, err);
    if (!st) return -EIO;
    sqlite3_bind_text(st, 1, job->to, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    const int64_t replaced = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    rc = done(s, rc, "renaming files", err);
    if (!rc && replaced) rc = release_photo(s, replaced, NULL, 0, 0, err);
    if (rc) return rc;
    st = fc_store_stmt(s, ST_FILE_RENAME, err);
    if (!st) return -EIO;
    sqlite3_bind_text(st, 1, job->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, job->to, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    job->moved = sqlite3_changes(s->db);
    return done(s, rc, "renaming files", err);
}

int fc_store_file_rename(fc_store *s, const char *from, const char *to, char *err)
{
    rename_job job = {from, to, 0};
    int rc = fc_store_atomic(s, do_rename, &job, err);
    return rc ? rc : job.moved;
}

/* Steps a statement whose rows are (path, file row...), calling fn on each. */
static int each_file(fc_store *s, sqlite3_stmt *st, fc_store_file_fn fn, void *ctx,
                     const char *doing, char *err)
{
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        fc_store_file f;
        read_file_row(st, 1, &f);
        stop = fn(ctx, (const char *)sqlite3_column_text(st, 0), &f);
    }
    if (!stop) rc = done(s, rc, doing, err);
    sqlite3_reset(st);
    return stop ? stop : rc;
}

int fc_store_files_under(fc_store *s, const char *dir, fc_store_file_fn fn, void *ctx, char *err)
{
    sqlite3_stmt *st = fc_store_stmt(s, ST_FILE_UNDER, err);
    if (!st) return -EIO;
    /* the root "/" is the empty prefix: every path starts with "/" */
    sqlite3_bind_text(st, 1, strcmp(dir, "/") == 0 ? "" : dir, -1, SQLITE_TRANSIENT);
    return each_file(s, st, fn, ctx, "listing files", err);
}

int fc_store_due_retries(fc_store *s, int64_t now, fc_store_file_fn fn, void *ctx, char *err)
{
    sqlite3_stmt *st = fc_store_stmt(s, ST_DUE_RETRIES, err);
    if (!st) return -EIO;
    sqlite3_bind_int64(st, 1, now);
    return each_file(s, st, fn, ctx, "listing retries", err);
}

int fc_store_stale_photos(fc_store *s, const char *current_model, fc_store_file_fn fn, void *ctx,
                          char *err)
{
    sqlite3_stmt *st = fc_store_stmt(s, ST_STALE_PHOTOS, err);
    if (!st) return -EIO;
    sqlite3_bind_text(st, 1, current_model, -1, SQLITE_TRANSIENT);
    return each_file(s, st, fn, ctx, "listing photos of older models", err);
}

static int do_purge(fc_store *s, void *ctx, char *err)
{
    int64_t *before = ctx;
    static const char *const steps[] = {
        "DELETE FROM files WHERE missing_since < ?1",
        "DELETE FROM photos WHERE missing_since < ?1 AND "
        "NOT EXISTS (SELECT 1 FROM files WHERE photo = photos.id)",
    };
    int removed = 0;
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(s->db, steps[i], -1, &st, NULL);
        if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "purging", err);
        sqlite3_bind_int64(st, 1, *before);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return fc_store_sql_error(s->db, rc, "purging", err);
        removed = sqlite3_changes(s->db);
    }
    *before = removed;
    return 0;
}

int fc_store_purge_missing(fc_store *s, int64_t before, char *err)
{
    int64_t io = before;
    int rc = fc_store_atomic(s, do_purge, &io, err);
    return rc ? rc : (int)io;
}
