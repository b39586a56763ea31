/* Face names other programs wrote (XMP face regions in a photo or its sidecar), taken as
 * the user's decisions. Each region is kept with the file it came from and the face it
 * named, so that reading the file again changes only what changed in it: a region read
 * before and read again the same is left alone, so a later edit in facecluster wins over
 * the file; a moved region moves its name to the face now under it; a region gone from
 * the file gives its face back to the clustering. A region that contradicts what the user
 * decided in facecluster is kept, not applied, with the reason, for `status`. */
#include "store/store_internal.h"

#include "core/nets/detect.h"
#include "core/util/text.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Two areas closer than this (a fraction of the photo) are the same region: what a program
 * writes back after reading is rounded, not moved. */
#define SAME_AREA 0.002

enum region_state { REGION_APPLIED = 0, REGION_CONTRADICTS = 1, REGION_NO_FACE = 2 };

typedef struct {
    int64_t id, face;
    char *name;
    float box[4];
    int state, kept, retry; /* retry: the same region, which found no face last time */
} old_region;

typedef struct {
    int64_t id;
    float box[4]; /* fractions of the upright photo */
    int claimed;
} photo_face;

typedef struct {
    int64_t photo;
    const char *source;
    const fc_store_region *regions;
    int n;
    fc_store_import *out;
    old_region *old;
    int n_old;
    photo_face *faces;
    int n_faces;
} import_job;

static int prepare(fc_store *s, const char *sql, sqlite3_stmt **st, char *err)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? 0 : fc_store_sql_error(s->db, rc, "importing face names", err);
}

static int finish(fc_store *s, sqlite3_stmt *st, int step, char *err)
{
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? 0 : fc_store_sql_error(s->db, step, "importing face names", err);
}

static int load_old(fc_store *s, import_job *job, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s,
                     "SELECT id, coalesce(face, 0), name, x, y, w, h, state FROM regions WHERE "
                     "photo = ?1 AND source = ?2 ORDER BY id",
                     &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, job->photo);
    sqlite3_bind_text(st, 2, job->source, -1, SQLITE_STATIC);
    int step, cap = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (job->n_old == cap) {
            cap = cap ? 2 * cap : 8;
            old_region *grown = realloc(job->old, (size_t)cap * sizeof *grown);
            if (!grown) break;
            job->old = grown;
        }
        old_region *o = &job->old[job->n_old];
        *o = (old_region){.id = sqlite3_column_int64(st, 0),
                          .face = sqlite3_column_int64(st, 1),
                          .name = strdup((const char *)sqlite3_column_text(st, 2)),
                          .state = sqlite3_column_int(st, 7)};
        if (!o->name) break;
        for (int k = 0; k < 4; k++) o->box[k] = (float)sqlite3_column_double(st, 3 + k);
        job->n_old++;
    }
    if (step == SQLITE_ROW) {
        sqlite3_finalize(st);
        return fc_errorf(err, -ENOMEM, "out of memory importing face names");
    }
    return finish(s, st, step, err);
}

/* The photo's faces (not rejected), boxes as fractions of the upright photo. */
static int load_faces(fc_store *s, import_job *job, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s,
                     "SELECT f.id, f.x / p.width, f.y / p.height, f.w / p.width, f.h / p.height "
                     "FROM faces f JOIN photos p ON p.id = f.photo WHERE f.photo = ?1 AND NOT "
                     "f.rejected AND p.width > 0 AND p.height > 0 ORDER BY f.score DESC, f.id",
                     &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, job->photo);
    int step, cap = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (job->n_faces == cap) {
            cap = cap ? 2 * cap : 8;
            photo_face *grown = realloc(job->faces, (size_t)cap * sizeof *grown);
            if (!grown) break;
            job->faces = grown;
        }
        photo_face *f = &job->faces[job->n_faces++];
        *f = (photo_face){.id = sqlite3_column_int64(st, 0)};
        for (int k = 0; k < 4; k++) f->box[k] = (float)sqlite3_column_double(st, 1 + k);
    }
    if (step == SQLITE_ROW) {
        sqlite3_finalize(st);
        return fc_errorf(err, -ENOMEM, "out of memory importing face names");
    }
    return finish(s, st, step, err);
}

static int same_area(const float a[4], const float b[4])
{
    for (int k = 0; k < 4; k++)
        if (!(fabsf(a[k] - b[k]) <= SAME_AREA)) return 0;
    return 1;
}

/* The unclaimed face the region shows best, or 0. */
/* How well box shows the photo's face i (fc_box_region_match). */
static double match(const import_job *job, int i, const float box[4])
{
    const float *b = job->faces[i].box;
    const double face[4] = {b[0], b[1], b[2], b[3]}, region[4] = {box[0], box[1], box[2], box[3]};
    return fc_box_region_match(face, region);
}

static int64_t face_under(import_job *job, const float box[4])
{
    double best = 0;
    int at = -1;
    for (int i = 0; i < job->n_faces; i++) {
        const double m = job->faces[i].claimed ? 0 : match(job, i, box);
        if (m > best) best = m, at = i;
    }
    if (at < 0) return 0;
    job->faces[at].claimed = 1;
    return job->faces[at].id;
}

/* Whether box shows face (of the photo's faces). */
static int on_face(const import_job *job, int64_t face, const float box[4])
{
    for (int i = 0; i < job->n_faces; i++)
        if (job->faces[i].id == face) return match(job, i, box) > 0;
    return 0;
}

static void claim(import_job *job, int64_t face)
{
    for (int i = 0; i < job->n_faces; i++)
        if (job->faces[i].id == face) job->faces[i].claimed = 1;
}

/* One integer an SQL query with ?1 and ?2 gives (0 when none). */
static int64_t query_int(fc_store *s, const char *sql, int64_t a, int64_t b, char *err, int *rc)
{
    sqlite3_stmt *st;
    if ((*rc = prepare(s, sql, &st, err))) return 0;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    const int step = sqlite3_step(st);
    const int64_t v = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    *rc = finish(s, st, step == SQLITE_ROW ? SQLITE_DONE : step, err);
    return v;
}

/* The person called `name` (as written, or the one name equal to it ignoring case), made
 * if there is none: one person per name across the library. */
static int person_named(fc_store *s, const char *name, int64_t *person, char *reason, char *err)
{
    int rc = fc_store_person_by_name(s, name, person, err);
    if (rc != -ENOENT) return rc;
    if (fc_store_name_check(s, 0, name, reason)) {
        *person = 0; /* a name facecluster cannot take: the region is reported */
        return 0;
    }
    sqlite3_stmt *st;
    if ((rc = prepare(s, "INSERT INTO people (name, created_at) VALUES (?1, ?2) RETURNING id", &st,
                      err)))
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
    const int step = sqlite3_step(st);
    if (step == SQLITE_ROW) *person = sqlite3_column_int64(st, 0);
    return finish(s, st, step == SQLITE_ROW ? SQLITE_DONE : step, err);
}

/* Why naming `face` `person` would go against the user, in reason; 0 when it would not. */
static int contradiction(fc_store *s, int64_t face, int64_t person, char *reason, char *err,
                         int *rc)
{
    if (query_int(s, "SELECT rejected FROM faces WHERE id = ?1 AND ?2 = ?2", face, 0, err, rc)) {
        snprintf(reason, FC_ERR_MAX, "you said face %lld is not a face", (long long)face);
        return 1;
    }
    const int64_t mine = query_int(s,
                                   "SELECT person FROM assignments WHERE face = ?1 AND by_user = 1 "
                                   "AND person != ?2",
                                   face, person, err, rc);
    if (!*rc && mine) {
        snprintf(reason, FC_ERR_MAX, "you put face %lld in person %lld", (long long)face,
                 (long long)mine);
        return 1;
    }
    if (!*rc && query_int(s, "SELECT 1 FROM not_person WHERE face = ?1 AND person = ?2", face,
                          person, err, rc)) {
        snprintf(reason, FC_ERR_MAX, "you said face %lld is not person %lld", (long long)face,
                 (long long)person);
        return 1;
    }
    const int64_t other = query_int(s,
                                    "SELECT a.face FROM assignments a JOIN faces f ON f.id = "
                                    "a.face WHERE a.person = ?2 AND a.by_user = 1 AND a.face != "
                                    "?1 AND f.photo = (SELECT photo FROM faces WHERE id = ?1)",
                                    face, person, err, rc);
    if (!*rc && other) {
        snprintf(reason, FC_ERR_MAX,
                 "face %lld of the same photo is person %lld already: one face a photo",
                 (long long)other, (long long)person);
        return 1;
    }
    return 0;
}

static int put_row(fc_store *s, import_job *job, const fc_store_region *r, int64_t face, int state,
                   const char *reason, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s,
                     "INSERT INTO regions (photo, source, name, x, y, w, h, face, state, reason) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, nullif(?8, 0), ?9, nullif(?10, ''))",
                     &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, job->photo);
    sqlite3_bind_text(st, 2, job->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->name, -1, SQLITE_STATIC);
    for (int k = 0; k < 4; k++) sqlite3_bind_double(st, 4 + k, r->box[k]);
    sqlite3_bind_int64(st, 8, face);
    sqlite3_bind_int(st, 9, state);
    sqlite3_bind_text(st, 10, reason ? reason : "", -1, SQLITE_TRANSIENT);
    return finish(s, st, sqlite3_step(st), err);
}

/* The journal entry and the assignment of an import: face goes to person (by_user 2: a
 * decision the user made in another program), or back to the clustering (person 0). */
static int assign(fc_store *s, int64_t face, int64_t person, char *err)
{
    int rc = fc_store_journal(s, "import",
                              "json_object('face', ?1, 'to', nullif(?2, 0), 'from', (SELECT "
                              "json_array(person, by_user) FROM assignments WHERE face = ?1), "
                              "'source', (SELECT source FROM regions WHERE face = ?1 ORDER BY id "
                              "DESC LIMIT 1), 'name', (SELECT name FROM regions WHERE face = ?1 "
                              "ORDER BY id DESC LIMIT 1))",
                              face, person, err);
    if (rc) return rc;
    if (!person)
        return fc_store_exec(s,
                             "UPDATE assignments SET by_user = 0 WHERE face = ?1 AND by_user = 2",
                             face, 0, 0, err);
    /* a face of the same photo the clustering or an older region put there goes back to
     * the clustering: one face a photo */
    rc = fc_store_exec(s,
                       "DELETE FROM assignments WHERE person = ?2 AND by_user != 1 AND face != ?1 "
                       "AND face IN (SELECT id FROM faces WHERE photo = (SELECT photo FROM faces "
                       "WHERE id = ?1))",
                       face, person, 0, err);
    if (!rc)
        rc = fc_store_exec(s,
                           "INSERT INTO assignments (face, person, by_user, decided_at) VALUES "
                           "(?1, ?2, 2, ?3) ON CONFLICT (face) DO UPDATE SET person = ?2, by_user "
                           "= 2, decided_at = ?3",
                           face, person, 0, err);
    return rc;
}

/* A region the file holds now, not as it was before: matched, checked, applied. */
static int take_region(fc_store *s, import_job *job, const fc_store_region *r, char *err)
{
    char reason[FC_ERR_MAX] = "";
    const int64_t face = face_under(job, r->box);
    if (!face) {
        job->out->unmatched++;
        return put_row(s, job, r, 0, REGION_NO_FACE, "no face found there", err);
    }
    int64_t person = 0;
    int rc = person_named(s, r->name, &person, reason, err);
    if (rc) return rc;
    int contradicts = !person;
    if (person && !contradicts) contradicts = contradiction(s, face, person, reason, err, &rc);
    if (rc) return rc;
    if (contradicts) {
        job->out->contradicted++;
        return put_row(s, job, r, face, REGION_CONTRADICTS, reason, err);
    }
    rc = put_row(s, job, r, face, REGION_APPLIED, NULL, err);
    const int64_t now = rc ? 0
                           : query_int(s,
                                       "SELECT person FROM assignments WHERE face = ?1 AND "
                                       "by_user != 0 AND ?2 = ?2",
                                       face, 0, err, &rc);
    if (!rc && now != person) rc = assign(s, face, person, err);
    if (!rc) job->out->applied++;
    return rc;
}

/* A region the file no longer holds: its face goes back to the clustering, unless the
 * user decided about it since. */
static int drop_region(fc_store *s, import_job *job, const old_region *o, char *err)
{
    int rc = 0;
    if (o->retry) return fc_store_exec(s, "DELETE FROM regions WHERE id = ?1", o->id, 0, 0, err);
    if (o->state == REGION_APPLIED && o->face) {
        const int64_t still =
            query_int(s, "SELECT 1 FROM assignments WHERE face = ?1 AND by_user = 2 AND ?2 = ?2",
                      o->face, 0, err, &rc);
        if (!rc && still) rc = assign(s, o->face, 0, err);
    }
    if (!rc) rc = fc_store_exec(s, "DELETE FROM regions WHERE id = ?1", o->id, 0, 0, err);
    if (!rc) job->out->removed++;
    return rc;
}

static int do_import(fc_store *s, void *ctx, char *err)
{
    import_job *job = ctx;
    int rc = load_old(s, job, err);
    if (!rc) rc = load_faces(s, job, err);
    if (rc) return rc;
    /* regions read before, the same and still on their face, stay as they are */
    int *unchanged = calloc((size_t)(job->n ? job->n : 1), sizeof *unchanged);
    if (!unchanged) return fc_errorf(err, -ENOMEM, "out of memory importing face names");
    for (int i = 0; i < job->n; i++)
        for (int o = 0; o < job->n_old && !unchanged[i]; o++) {
            old_region *old = &job->old[o];
            const fc_store_region *r = &job->regions[i];
            if (old->kept || old->retry || strcmp(old->name, r->name) != 0 ||
                !(same_area(old->box, r->box) || (r->ours && on_face(job, old->face, r->box))))
                continue;
            if (old->state == REGION_NO_FACE) { /* the photo may have the face now */
                old->retry = 1;
                break;
            }
            old->kept = unchanged[i] = 1;
            claim(job, old->face);
            job->out->unchanged++;
        }
    for (int o = 0; o < job->n_old && !rc; o++)
        if (!job->old[o].kept) rc = drop_region(s, job, &job->old[o], err);
    for (int i = 0; i < job->n && !rc; i++)
        if (!unchanged[i] && !job->regions[i].ours) rc = take_region(s, job, &job->regions[i], err);
    free(unchanged);
    return rc;
}

int fc_store_regions_put(fc_store *s, int64_t photo, const char *source,
                         const fc_store_region *regions, int n, fc_store_import *out, char *err)
{
    fc_store_import ignored;
    if (!out) out = &ignored;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < n; i++)
        if (!regions[i].name || !regions[i].name[0])
            return fc_errorf(err, -EINVAL, "a face region without a name");
    import_job job = {photo, source, regions, n, out, NULL, 0, NULL, 0};
    int rc = fc_store_atomic(s, do_import, &job, err);
    for (int o = 0; o < job.n_old; o++) free(job.old[o].name);
    free(job.old);
    free(job.faces);
    return rc;
}

int fc_store_region_conflicts(fc_store *s, fc_store_conflict_fn fn, void *ctx, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s,
                     "SELECT source, name, coalesce(face, 0), coalesce(reason, '') FROM regions "
                     "WHERE state = 1 ORDER BY source, id",
                     &st, err);
    if (rc) return rc;
    int step, stop = 0;
    while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const fc_store_conflict c = {
            (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
            sqlite3_column_int64(st, 2), (const char *)sqlite3_column_text(st, 3)};
        stop = fn(ctx, &c);
    }
    return finish(s, st, stop ? SQLITE_DONE : step, err);
}

int fc_store_sidecar_put(fc_store *s, const char *path, const fc_file_identity *ident, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s,
                     ident ? "INSERT INTO sidecars (path, size, mtime_ns) VALUES (?1, ?2, ?3) ON "
                             "CONFLICT (path) DO UPDATE SET size = ?2, mtime_ns = ?3"
                           : "DELETE FROM sidecars WHERE path = ?1",
                     &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    if (ident) {
        sqlite3_bind_int64(st, 2, ident->size);
        sqlite3_bind_int64(st, 3, ident->mtime_ns);
    }
    return finish(s, st, sqlite3_step(st), err);
}

int fc_store_sidecar_get(fc_store *s, const char *path, fc_file_identity *ident, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s, "SELECT size, mtime_ns FROM sidecars WHERE path = ?1", &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    const int step = sqlite3_step(st);
    memset(ident, 0, sizeof *ident);
    if (step == SQLITE_ROW)
        ident->size = sqlite3_column_int64(st, 0), ident->mtime_ns = sqlite3_column_int64(st, 1);
    rc = finish(s, st, step == SQLITE_ROW ? SQLITE_DONE : step, err);
    return rc ? rc : step == SQLITE_ROW;
}

int fc_store_sidecars_under(fc_store *s, const char *dir,
                            int (*fn)(void *ctx, const char *path, const fc_file_identity *ident),
                            void *ctx, char *err)
{
    sqlite3_stmt *st;
    /* '/' + 1 = '0': the range holds exactly the paths under the directory */
    int rc = prepare(s,
                     "SELECT path, size, mtime_ns FROM sidecars WHERE path > ?1 || '/' AND path "
                     "< ?1 || '0' ORDER BY path",
                     &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, strcmp(dir, "/") == 0 ? "" : dir, -1, SQLITE_TRANSIENT);
    int step, stop = 0;
    while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const fc_file_identity ident = {.size = sqlite3_column_int64(st, 1),
                                        .mtime_ns = sqlite3_column_int64(st, 2)};
        stop = fn(ctx, (const char *)sqlite3_column_text(st, 0), &ident);
    }
    return finish(s, st, stop ? SQLITE_DONE : step, err);
}

int fc_store_read_again(fc_store *s, const char *path, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s,
                     "UPDATE photos SET status = 0, retry_at = 0, tries = 0 WHERE id = (SELECT "
                     "photo FROM files WHERE path = ?1 AND missing_since IS NULL) AND "
                     "missing_since IS NULL",
                     &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    rc = finish(s, st, sqlite3_step(st), err);
    return rc ? rc : sqlite3_changes(s->db) > 0;
}
