/* People: what the clustering reads and writes, and the list the CLI shows. */
#include "store/store_internal.h"

#include "core/cluster/ids.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void fc_store_faces_free(fc_store_faces *f)
{
    free(f->face), free(f->embedding), free(f->photo), free(f->fixed), free(f->person);
    free(f->can_seed), free(f->nots), free(f->apart);
    memset(f, 0, sizeof *f);
}

/* The index of face id `id` among the loaded faces (sorted by id), or -1. */
static int index_of(const fc_store_faces *f, int64_t id)
{
    return fc_ids_find(f->face, f->n, id);
}

static int prepare(fc_store *s, const char *sql, sqlite3_stmt **st, char *err)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? 0 : fc_store_sql_error(s->db, rc, "reading faces", err);
}

/* A face's embedding (unit length, from its 128-byte form) and whether it may seed a
 * person, from the columns embedding, small and score starting at column `at`. */
static void face_columns(sqlite3_stmt *st, int at, float embedding[FC_EMBED_DIM], uint8_t *can_seed)
{
    fc_qembed q;
    memset(&q, 0, sizeof q);
    if (sqlite3_column_bytes(st, at) == FC_EMBED_DIM)
        memcpy(q.v, sqlite3_column_blob(st, at), FC_EMBED_DIM);
    fc_qembed_unit(&q, embedding);
    *can_seed =
        !sqlite3_column_int(st, at + 1) && sqlite3_column_double(st, at + 2) >= FC_STORE_SEED_SCORE;
}

static int load_faces(fc_store *s, fc_store_faces *f, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s,
                     "SELECT f.id, f.embedding, f.small, f.score, f.photo, "
                     "coalesce(a.person, 0), coalesce(a.by_user, 0) FROM faces f "
                     "JOIN photos p ON p.id = f.photo LEFT JOIN assignments a ON a.face = f.id "
                     "WHERE p.missing_since IS NULL AND NOT f.rejected ORDER BY f.id",
                     &st, err);
    if (rc) return rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((size_t)f->n == cap) {
            cap = cap ? 2 * cap : 1024;
            void *p[] = {realloc(f->face, cap * sizeof *f->face),
                         realloc(f->embedding, cap * sizeof *f->embedding),
                         realloc(f->photo, cap * sizeof *f->photo),
                         realloc(f->fixed, cap * sizeof *f->fixed),
                         realloc(f->person, cap * sizeof *f->person),
                         realloc(f->can_seed, cap * sizeof *f->can_seed)};
            f->face = p[0] ? p[0] : f->face, f->embedding = p[1] ? p[1] : f->embedding;
            f->photo = p[2] ? p[2] : f->photo, f->fixed = p[3] ? p[3] : f->fixed;
            f->person = p[4] ? p[4] : f->person, f->can_seed = p[5] ? p[5] : f->can_seed;
            if (!p[0] || !p[1] || !p[2] || !p[3] || !p[4] || !p[5]) {
                sqlite3_finalize(st);
                return fc_errorf(err, -ENOMEM, "out of memory reading faces");
            }
        }
        const int i = f->n++;
        f->face[i] = sqlite3_column_int64(st, 0);
        face_columns(st, 1, f->embedding[i], &f->can_seed[i]);
        f->photo[i] = sqlite3_column_int64(st, 4);
        f->person[i] = sqlite3_column_int64(st, 5);
        f->fixed[i] = sqlite3_column_int(st, 6) ? f->person[i] : 0;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fc_store_sql_error(s->db, rc, "reading faces", err);
}

static int load_constraints(fc_store *s, fc_store_faces *f, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s, "SELECT face, person FROM not_person", &st, err), step = SQLITE_DONE;
    size_t cap = 0;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const int i = index_of(f, sqlite3_column_int64(st, 0));
        if (i < 0) continue; /* a face not considered (rejected, missing) */
        if ((size_t)f->n_nots == cap) {
            cap = cap ? 2 * cap : 64;
            fc_cluster_not *grown = realloc(f->nots, cap * sizeof *grown);
            if (!grown) rc = fc_errorf(err, -ENOMEM, "out of memory reading constraints");
            if (!grown) break;
            f->nots = grown;
        }
        f->nots[f->n_nots++] = (fc_cluster_not){i, sqlite3_column_int64(st, 1)};
    }
    if (!rc && step != SQLITE_DONE)
        rc = fc_store_sql_error(s->db, step, "reading constraints", err);
    sqlite3_finalize(st);
    if (rc) return rc;
    rc = prepare(s, "SELECT face_a, face_b FROM different_faces", &st, err);
    cap = 0;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const int a = index_of(f, sqlite3_column_int64(st, 0));
        const int b = index_of(f, sqlite3_column_int64(st, 1));
        if (a < 0 || b < 0) continue;
        if ((size_t)f->n_apart == cap) {
            cap = cap ? 2 * cap : 64;
            int(*grown)[2] = realloc(f->apart, cap * sizeof *grown);
            if (!grown) rc = fc_errorf(err, -ENOMEM, "out of memory reading constraints");
            if (!grown) break;
            f->apart = grown;
        }
        f->apart[f->n_apart][0] = a, f->apart[f->n_apart++][1] = b;
    }
    if (!rc && step != SQLITE_DONE)
        rc = fc_store_sql_error(s->db, step, "reading constraints", err);
    sqlite3_finalize(st);
    return rc;
}

int fc_store_edit_mark(fc_store *s, int64_t *mark, char *err)
{
    sqlite3_stmt *st;
    int rc =
        prepare(s, "SELECT coalesce(max(id), 0) + coalesce(sum(undone), 0) FROM journal", &st, err);
    if (rc) return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *mark = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : fc_store_sql_error(s->db, rc, "reading the journal", err);
}

int fc_store_faces_load(fc_store *s, fc_store_faces *out, char *err)
{
    memset(out, 0, sizeof *out);
    /* one read transaction: faces and constraints as of one moment */
    int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "reading faces", err);
    rc = fc_store_edit_mark(s, &out->edits, err);
    if (!rc) rc = load_faces(s, out, err);
    if (!rc) rc = load_constraints(s, out, err);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc) fc_store_faces_free(out);
    return rc;
}

typedef struct {
    const fc_store_faces *f;
    const int *group;
    int n_groups;
    int64_t *person_of_group;
    int people;
    int from, to; /* the faces this transaction writes */
    int last;     /* it deletes the people left empty */
} apply_job;

/* Faces a regroup writes per transaction: at a million faces a first regroup writes them
 * all, 16 s in one transaction (bench/regroup-store), longer than the daemon's loop waits
 * for the lock; chunks keep each wait well under a second. */
#define APPLY_CHUNK 20000

static int step_done(fc_store *s, sqlite3_stmt *st, char *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0
                                                 : fc_store_sql_error(s->db, rc, "regrouping", err);
}

/* A new, unnamed person through create ("INSERT INTO people ... RETURNING id"). */
static int add_person(fc_store *s, sqlite3_stmt *create, int64_t now, int64_t *id, char *err)
{
    sqlite3_bind_int64(create, 1, now);
    const int rc = sqlite3_step(create);
    if (rc == SQLITE_ROW) *id = sqlite3_column_int64(create, 0);
    sqlite3_reset(create);
    return rc == SQLITE_ROW ? 0 : fc_store_sql_error(s->db, rc, "adding a person", err);
}

static int do_apply(fc_store *s, void *ctx, char *err)
{
    apply_job *job = ctx;
    const fc_store_faces *f = job->f;
    int64_t *id = job->person_of_group, mark = 0;
    sqlite3_stmt *create = NULL, *assign = NULL, *clear = NULL;
    /* the groups were computed from the faces as loaded: an edit since (another
     * connection's) may contradict them */
    int rc = fc_store_edit_mark(s, &mark, err);
    if (!rc && mark != f->edits)
        rc = fc_errorf(err, -EAGAIN, "the people were edited while regrouping: regroup again");
    if (!rc)
        rc = prepare(s, "INSERT INTO people (created_at) VALUES (?1) RETURNING id", &create, err);
    if (!rc)
        rc = prepare(s,
                     "INSERT INTO assignments (face, person, by_user, decided_at) SELECT ?1, ?2, "
                     "0, ?3 WHERE EXISTS (SELECT 1 FROM faces WHERE id = ?1) ON CONFLICT "
                     "(face) DO UPDATE SET person = ?2, decided_at = ?3 WHERE by_user = 0 AND "
                     "person != ?2",
                     &assign, err);
    if (!rc)
        rc = prepare(s, "DELETE FROM assignments WHERE face = ?1 AND by_user = 0", &clear, err);
    const int64_t now = (int64_t)time(NULL);
    for (int i = job->from; !rc && i < job->to; i++) {
        if (f->fixed[i]) continue; /* the user's decision stands */
        const int g = job->group[i];
        if (g < 0) {
            if (!f->person[i]) continue;
            sqlite3_bind_int64(clear, 1, f->face[i]);
            rc = step_done(s, clear, err);
        } else if (!id[g] && (rc = add_person(s, create, now, &id[g], err)) != 0) {
            break; /* a new person, made in the chunk that reaches its first face */
        } else if (f->person[i] != id[g]) {
            sqlite3_bind_int64(assign, 1, f->face[i]);
            sqlite3_bind_int64(assign, 2, id[g]);
            sqlite3_bind_int64(assign, 3, now);
            rc = step_done(s, assign, err);
        }
    }
    if (!rc && job->last)
        rc = sqlite3_exec(s->db,
                          "DELETE FROM people WHERE name IS NULL AND NOT EXISTS (SELECT 1 FROM "
                          "assignments WHERE person = people.id)",
                          NULL, NULL, NULL) == SQLITE_OK
                 ? 0
                 : fc_store_sql_error(s->db, sqlite3_errcode(s->db), "regrouping", err);
    job->people = job->n_groups;
    sqlite3_finalize(create), sqlite3_finalize(assign), sqlite3_finalize(clear);
    return rc;
}

int fc_store_apply_groups(fc_store *s, const fc_store_faces *f, const int *group, int n_groups,
                          int64_t *person_of_group, char *err)
{
    apply_job job = {f, group, n_groups, person_of_group, 0, 0, 0, 0};
    /* inside a caller's transaction: all of it there */
    const int chunk = s->in_transaction ? (f->n > 0 ? f->n : 1) : APPLY_CHUNK;
    int rc = 0;
    do {
        job.to = job.from + chunk < f->n ? job.from + chunk : f->n;
        job.last = job.to == f->n;
        rc = fc_store_atomic(s, do_apply, &job, err);
        job.from = job.to;
    } while (!rc && !job.last);
    return rc ? rc : job.people;
}

int fc_store_people(fc_store *s, int min_faces, int max_faces, int with_hidden,
                    fc_store_person_fn fn, void *ctx, char *err)
{
    sqlite3_stmt *st;
    int rc =
        prepare(s,
                "WITH per AS (SELECT p.id, p.name, count(*) AS faces, "
                "count(DISTINCT f.photo) AS photos, min(ph.taken) AS first, "
                "max(ph.taken) AS last, p.hidden, coalesce((SELECT photo FROM faces WHERE "
                "id = p.cover_face), min(f.photo)) AS shown FROM people p JOIN assignments "
                "a ON a.person = p.id JOIN faces f ON f.id = a.face JOIN photos ph ON "
                "ph.id = f.photo WHERE ph.missing_since IS NULL AND NOT f.rejected AND "
                "(?3 OR NOT p.hidden) GROUP BY "
                "p.id HAVING (count(*) >= ?1 OR (?1 > 1 AND p.name IS NOT NULL)) AND (?2 = 0 OR "
                "(count(*) <= ?2 AND p.name IS NULL))) "
                "SELECT id, name, faces, photos, first, last, hidden, (SELECT path FROM "
                "files WHERE photo = per.shown AND missing_since IS NULL ORDER BY path "
                "LIMIT 1) FROM per ORDER BY faces DESC, id",
                &st, err);
    if (rc) return rc;
    sqlite3_bind_int(st, 1, min_faces);
    sqlite3_bind_int(st, 2, max_faces);
    sqlite3_bind_int(st, 3, with_hidden);
    int stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const fc_store_person p = {
            .id = sqlite3_column_int64(st, 0),
            .name = (const char *)sqlite3_column_text(st, 1),
            .faces = sqlite3_column_int64(st, 2),
            .photos = sqlite3_column_int64(st, 3),
            .first = (const char *)sqlite3_column_text(st, 4),
            .last = (const char *)sqlite3_column_text(st, 5),
            .hidden = sqlite3_column_int(st, 6),
            .example = (const char *)sqlite3_column_text(st, 7),
        };
        stop = fn(ctx, &p);
    }
    if (!stop && rc != SQLITE_DONE) stop = fc_store_sql_error(s->db, rc, "listing people", err);
    sqlite3_finalize(st);
    return stop;
}

/* Face rows where `which` (an SQL condition on ?1) holds, best score first. */
static int face_rows(fc_store *s, const char *which, int64_t id, fc_store_face_fn fn, void *ctx,
                     char *err)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT f.id, coalesce(a.person, 0), (SELECT path FROM files WHERE photo = f.photo "
             "AND missing_since IS NULL ORDER BY path LIMIT 1), f.x, f.y, f.w, f.h, f.score, "
             "coalesce(a.by_user, 0) != 0 FROM faces f LEFT JOIN assignments a ON a.face = f.id "
             "JOIN photos p ON p.id = f.photo WHERE %s AND p.missing_since IS NULL AND NOT "
             "f.rejected ORDER BY f.score DESC, f.id",
             which);
    sqlite3_stmt *st;
    int rc = prepare(s, sql, &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    int stop = 0, step;
    while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
        fc_store_face_row row = {.face = sqlite3_column_int64(st, 0),
                                 .person = sqlite3_column_int64(st, 1),
                                 .path = (const char *)sqlite3_column_text(st, 2),
                                 .score = (float)sqlite3_column_double(st, 7),
                                 .confirmed = sqlite3_column_int(st, 8)};
        for (int k = 0; k < 4; k++) row.box[k] = (float)sqlite3_column_double(st, 3 + k);
        stop = fn(ctx, &row);
    }
    if (!stop && step != SQLITE_DONE) stop = fc_store_sql_error(s->db, step, "listing faces", err);
    sqlite3_finalize(st);
    return stop;
}

int fc_store_person_faces(fc_store *s, int64_t person, fc_store_face_fn fn, void *ctx, char *err)
{
    return face_rows(s, "a.person = ?1", person, fn, ctx, err);
}

int fc_store_unplaced_faces(fc_store *s, fc_store_face_fn fn, void *ctx, char *err)
{
    return face_rows(s, "a.face IS NULL AND ?1 = 0", 0, fn, ctx, err);
}

int fc_store_people_count(fc_store *s, int with_hidden, fc_store_people_counts *out, char *err)
{
    sqlite3_stmt *st;
    /* as fc_store_people counts a person's faces: present photos, not rejected */
    int rc = prepare(
        s,
        "WITH considered AS (SELECT f.id FROM faces f JOIN photos ph ON ph.id = "
        "f.photo WHERE ph.missing_since IS NULL AND NOT f.rejected), per AS ("
        "SELECT p.id, p.hidden, p.name, count(*) AS faces FROM people p JOIN assignments a "
        "ON a.person = p.id JOIN considered c ON c.id = a.face GROUP BY p.id) "
        "SELECT (SELECT count(*) FROM per WHERE ?1 OR NOT hidden), (SELECT count(*) "
        "FROM per WHERE faces = 1 AND name IS NULL AND (?1 OR NOT hidden)), (SELECT count(*) FROM "
        "considered c WHERE NOT EXISTS (SELECT 1 FROM assignments WHERE face = "
        "c.id)), (SELECT count(*) FROM per WHERE hidden)",
        &st, err);
    if (rc) return rc;
    sqlite3_bind_int(st, 1, with_hidden);
    const int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *out = (fc_store_people_counts){.people = sqlite3_column_int64(st, 0),
                                        .alone = sqlite3_column_int64(st, 1),
                                        .unplaced = sqlite3_column_int64(st, 2),
                                        .hidden = sqlite3_column_int64(st, 3)};
    sqlite3_finalize(st);
    return step == SQLITE_ROW ? 0 : fc_store_sql_error(s->db, step, "counting people", err);
}

typedef struct {
    fc_store_face_fn fn;
    void *ctx;
    int seen;
} counted;

static int count_row(void *ctx, const fc_store_face_row *row)
{
    counted *c = ctx;
    c->seen++;
    return c->fn(c->ctx, row);
}

int fc_store_face_get(fc_store *s, int64_t face, fc_store_face_fn fn, void *ctx, char *err)
{
    counted c = {fn, ctx, 0};
    int rc = face_rows(s, "f.id = ?1", face, count_row, &c, err);
    if (!rc && !c.seen)
        rc = fc_errorf(err, -ENOENT, "no face %lld (facecluster show PERSON lists them)",
                       (long long)face);
    return rc;
}

typedef struct {
    int64_t person;
    const char *name;
} name_job;

static int do_name(fc_store *s, void *ctx, char *err)
{
    name_job *job = ctx;
    sqlite3_stmt *st;
    /* the journal keeps what undo needs: the old name and the faces this confirmed */
    int rc = fc_store_journal(s, "name",
                              "json_object('person', ?1, 'old_name', (SELECT name FROM people "
                              "WHERE id = ?1), 'confirmed', (SELECT json_group_array(face) FROM "
                              "assignments WHERE person = ?1 AND by_user = 0))",
                              job->person, 0, err);
    if (rc) return rc;
    if ((rc = prepare(s, "UPDATE people SET name = ?2 WHERE id = ?1", &st, err))) return rc;
    sqlite3_bind_int64(st, 1, job->person);
    sqlite3_bind_text(st, 2, job->name, -1, SQLITE_STATIC);
    const int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if ((step & 0xff) == SQLITE_CONSTRAINT)
        return fc_errorf(err, -EEXIST,
                         "another person is already called '%s' (facecluster merge "
                         "joins two people)",
                         job->name);
    if (step != SQLITE_DONE) return fc_store_sql_error(s->db, step, "naming", err);
    if ((rc = prepare(s, "UPDATE assignments SET by_user = 1, decided_at = ?2 WHERE person = ?1",
                      &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, job->person);
    sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
    rc = step_done(s, st, err);
    sqlite3_finalize(st);
    return rc;
}

int fc_store_person_name(fc_store *s, int64_t person, const char *name, char *err)
{
    int rc = fc_store_name_check(s, person, name, err);
    if (rc) return rc;
    name_job job = {person, name};
    return fc_store_atomic(s, do_name, &job, err);
}

/* The people the faces of a photo may not join: (face id, person) rows. */
static int photo_nots(fc_store *s, int64_t photo, const fc_store_photo_face *faces, int count,
                      fc_cluster_not **nots, int *n_nots, char *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s,
                     "SELECT n.face, n.person FROM not_person n JOIN faces f ON f.id = n.face "
                     "WHERE f.photo = ?1 UNION ALL SELECT d.face_a, a.person FROM "
                     "different_faces d JOIN faces f ON f.id = d.face_a JOIN assignments a ON "
                     "a.face = d.face_b WHERE f.photo = ?1 UNION ALL SELECT d.face_b, a.person "
                     "FROM different_faces d JOIN faces f ON f.id = d.face_b JOIN assignments a "
                     "ON a.face = d.face_a WHERE f.photo = ?1",
                     &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, photo);
    int cap = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const int64_t face = sqlite3_column_int64(st, 0);
        int i = 0;
        while (i < count && faces[i].face != face) i++;
        if (i == count) continue; /* a rejected face */
        if (*n_nots == cap) {
            cap = cap ? 2 * cap : 8;
            fc_cluster_not *grown = realloc(*nots, (size_t)cap * sizeof *grown);
            if (!grown) {
                rc = fc_errorf(err, -ENOMEM, "out of memory reading a photo's faces");
                break;
            }
            *nots = grown;
        }
        (*nots)[(*n_nots)++] = (fc_cluster_not){i, sqlite3_column_int64(st, 1)};
    }
    if (!rc && step != SQLITE_DONE) rc = fc_store_sql_error(s->db, step, "reading faces", err);
    sqlite3_finalize(st);
    return rc;
}

int fc_store_photo_faces(fc_store *s, int64_t photo, fc_store_photo_face **out, int *count,
                         fc_cluster_not **nots, int *n_nots, char *err)
{
    *out = NULL, *count = 0, *nots = NULL, *n_nots = 0;
    sqlite3_stmt *st;
    int rc = prepare(s,
                     "SELECT f.id, f.embedding, f.small, f.score, coalesce(a.person, 0) FROM "
                     "faces f LEFT JOIN assignments a ON a.face = f.id WHERE f.photo = ?1 AND "
                     "NOT f.rejected ORDER BY f.id",
                     &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, photo);
    int cap = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? 2 * cap : 8;
            fc_store_photo_face *grown = realloc(*out, (size_t)cap * sizeof *grown);
            if (!grown) {
                rc = fc_errorf(err, -ENOMEM, "out of memory reading a photo's faces");
                break;
            }
            *out = grown;
        }
        fc_store_photo_face *f = &(*out)[(*count)++];
        f->face = sqlite3_column_int64(st, 0);
        face_columns(st, 1, f->embedding, &f->can_seed);
        f->person = sqlite3_column_int64(st, 4);
    }
    if (!rc && step != SQLITE_DONE) rc = fc_store_sql_error(s->db, step, "reading faces", err);
    sqlite3_finalize(st);
    if (!rc) rc = photo_nots(s, photo, *out, *count, nots, n_nots, err);
    if (rc) {
        free(*out), free(*nots);
        *out = NULL, *count = 0, *nots = NULL, *n_nots = 0;
    }
    return rc;
}

typedef struct {
    const int64_t *face;
    int64_t *person;
    int count;
} place_job;

static int do_place(fc_store *s, void *ctx, char *err)
{
    place_job *job = ctx;
    sqlite3_stmt *create = NULL, *assign = NULL, *now_in = NULL;
    const int64_t now = (int64_t)time(NULL);
    int rc = prepare(s, "INSERT INTO people (created_at) VALUES (?1) RETURNING id", &create, err);
    if (!rc)
        rc = prepare(s,
                     "INSERT INTO assignments (face, person, by_user, decided_at) SELECT ?1, ?2, "
                     "0, ?3 WHERE EXISTS (SELECT 1 FROM people WHERE id = ?2) AND NOT EXISTS "
                     "(SELECT 1 FROM not_person WHERE face = ?1 AND person = ?2) ON CONFLICT "
                     "(face) DO NOTHING",
                     &assign, err);
    if (!rc)
        rc = prepare(s, "SELECT coalesce((SELECT person FROM assignments WHERE face = ?1), 0)",
                     &now_in, err);
    for (int i = 0; !rc && i < job->count; i++) {
        if (!job->person[i]) rc = add_person(s, create, now, &job->person[i], err);
        if (!rc) {
            sqlite3_bind_int64(assign, 1, job->face[i]);
            sqlite3_bind_int64(assign, 2, job->person[i]);
            sqlite3_bind_int64(assign, 3, now);
            rc = step_done(s, assign, err);
        }
        if (!rc) {
            sqlite3_bind_int64(now_in, 1, job->face[i]);
            if (sqlite3_step(now_in) == SQLITE_ROW)
                job->person[i] = sqlite3_column_int64(now_in, 0);
            else
                rc = fc_store_sql_error(s->db, sqlite3_errcode(s->db), "placing a face", err);
            sqlite3_reset(now_in);
        }
    }
    sqlite3_finalize(create), sqlite3_finalize(assign), sqlite3_finalize(now_in);
    return rc;
}

int fc_store_place_faces(fc_store *s, const int64_t *face, int64_t *person, int count, char *err)
{
    place_job job = {face, person, count};
    return fc_store_atomic(s, do_place, &job, err);
}
