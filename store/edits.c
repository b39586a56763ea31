/* The user's corrections: merge, move, not, reject. Each runs in one transaction and
 * leaves a journal entry holding what it replaced. */
#include "store/store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int fc_store_journal(fc_store *s, const char *action, const char *detail_sql, int64_t a, int64_t b,
                     char *err)
{
    if (!s->change) { /* the first entry of this transaction numbers the change */
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(s->db, "SELECT coalesce(max(id), 0) + 1 FROM journal", -1, &st,
                                    NULL);
        if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "journalling", err);
        if (sqlite3_step(st) == SQLITE_ROW) s->change = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    char sql[2048];
    snprintf(sql, sizeof sql,
             "INSERT INTO journal (at, action, detail) SELECT ?3, '%s', json_set((%s), "
             "'$.change', %lld) WHERE ?1 = ?1 AND ?2 = ?2",
             action, detail_sql, (long long)s->change);
    return fc_store_exec(s, sql, a, b, 0, err);
}

static int face_exists(fc_store *s, int64_t face, char *err)
{
    int rc = fc_store_exec(s, "UPDATE faces SET id = id WHERE id = ?1", face, 0, 1, err);
    return rc == -ENOENT ? fc_errorf(err, -ENOENT,
                                     "no face %lld (facecluster show PERSON lists "
                                     "them)",
                                     (long long)face)
                         : rc;
}

/* After an edit to `person`: two faces of one photo are never one person, whoever asks. */
static int one_face_a_photo(fc_store *s, int64_t person, char *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT a.face, b.face, (SELECT path FROM files WHERE photo = "
                                "fa.photo LIMIT 1) FROM assignments a JOIN assignments b ON "
                                "b.person = a.person AND a.face < b.face JOIN faces fa ON fa.id "
                                "= a.face JOIN faces fb ON fb.id = b.face WHERE a.person = ?1 "
                                "AND fa.photo = fb.photo LIMIT 1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "editing", err);
    sqlite3_bind_int64(st, 1, person);
    rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 2);
        rc = fc_errorf(err, -EINVAL,
                       "faces %lld and %lld are in one photo (%s): they cannot be one person",
                       (long long)sqlite3_column_int64(st, 0),
                       (long long)sqlite3_column_int64(st, 1), path ? path : "?");
    }
    sqlite3_finalize(st);
    return rc;
}

typedef struct {
    const int64_t *ids;
    int count;
    int64_t person, to;
} edit_job;

static int do_merge(fc_store *s, void *ctx, char *err)
{
    edit_job *job = ctx;
    const int64_t into = job->ids[0];
    for (int i = 1; i < job->count; i++) {
        const int64_t from = job->ids[i];
        if (from == into) continue;
        /* names: the first keeps its own, or takes the other's; two names are refused */
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(s->db,
                                    "SELECT 1 FROM people a, people b WHERE a.id = ?1 AND b.id = "
                                    "?2 AND a.name IS NOT NULL AND b.name IS NOT NULL AND "
                                    "a.name != b.name",
                                    -1, &st, NULL);
        if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "merging", err);
        sqlite3_bind_int64(st, 1, into);
        sqlite3_bind_int64(st, 2, from);
        const int clash = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        if (clash)
            return fc_errorf(err, -EEXIST,
                             "people %lld and %lld have different names: rename "
                             "one first",
                             (long long)into, (long long)from);
        rc = fc_store_journal(
            s, "merge",
            "json_object('into', ?1, 'from', ?2, 'name', (SELECT name FROM people "
            "WHERE id = ?2), 'into_name', (SELECT name FROM people WHERE id = ?1), "
            "'faces', (SELECT json_group_array(json_array(face, by_user)) FROM "
            "assignments WHERE person = ?2), 'into_faces', (SELECT json_group_array("
            "json_array(face, by_user)) FROM assignments WHERE person = ?1), 'nots', "
            "(SELECT json_group_array(face) FROM not_person WHERE person = ?2))",
            into, from, err);
        if (!rc)
            rc = fc_store_exec(
                s,
                "UPDATE people SET name = (SELECT name FROM people WHERE id = ?2) WHERE "
                "id = ?1 AND name IS NULL",
                into, from, 0, err);
        if (!rc)
            rc =
                fc_store_exec(s, "UPDATE people SET name = NULL WHERE id = ?2", into, from, 0, err);
        if (!rc)
            rc = fc_store_exec(
                s,
                "UPDATE assignments SET person = ?1, by_user = 1, decided_at = ?3 WHERE "
                "person = ?2",
                into, from, 0, err);
        if (!rc)
            rc = fc_store_exec(s,
                               "UPDATE not_person SET person = ?1 WHERE person = ?2 AND NOT "
                               "EXISTS (SELECT 1 FROM not_person n WHERE n.face = "
                               "not_person.face AND n.person = ?1)",
                               into, from, 0, err);
        if (!rc) rc = fc_store_exec(s, "DELETE FROM people WHERE id = ?2", into, from, 1, err);
        if (rc == -ENOENT) return fc_errorf(err, -ENOENT, "no person %lld", (long long)from);
        if (rc) return rc;
    }
    /* the faces of the first are the user's now too */
    int rc =
        fc_store_exec(s, "UPDATE assignments SET by_user = 1, decided_at = ?3 WHERE person = ?1",
                      into, 0, 0, err);
    return rc ? rc : one_face_a_photo(s, into, err);
}

int fc_store_people_merge(fc_store *s, const int64_t *people, int count, char *err)
{
    if (count < 2) return fc_errorf(err, -EINVAL, "merge needs two people or more");
    for (int i = 0; i < count; i++)
        for (int j = i + 1; j < count; j++)
            if (people[i] == people[j])
                return fc_errorf(err, -EINVAL, "person %lld is named twice: nothing to merge",
                                 (long long)people[i]);
    edit_job job = {people, count, 0, 0};
    return fc_store_atomic(s, do_merge, &job, err);
}

static int do_move(fc_store *s, void *ctx, char *err)
{
    edit_job *job = ctx;
    int64_t to = job->person;
    int rc = 0;
    if (!to) {
        sqlite3_stmt *st;
        rc = sqlite3_prepare_v2(s->db, "INSERT INTO people (created_at) VALUES (?1) RETURNING id",
                                -1, &st, NULL);
        if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "adding a person", err);
        sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
        if (sqlite3_step(st) == SQLITE_ROW) to = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (!to) return fc_store_sql_error(s->db, sqlite3_errcode(s->db), "adding a person", err);
    } else if (fc_store_exec(s, "UPDATE people SET id = id WHERE id = ?1", to, 0, 1, err) ==
               -ENOENT) {
        return fc_errorf(err, -ENOENT, "no person %lld", (long long)to);
    }
    for (int i = 0; i < job->count && !rc; i++) {
        rc = face_exists(s, job->ids[i], err);
        if (!rc)
            rc = fc_store_journal(
                s, "move",
                "json_object('face', ?1, 'to', ?2, 'from', (SELECT json_array(person, "
                "by_user) FROM assignments WHERE face = ?1))",
                job->ids[i], to, err);
        if (!rc)
            rc = fc_store_exec(
                s,
                "INSERT INTO assignments (face, person, by_user, decided_at) VALUES (?1, "
                "?2, 1, ?3) ON CONFLICT (face) DO UPDATE SET person = ?2, by_user = 1, "
                "decided_at = ?3",
                job->ids[i], to, 0, err);
        /* placed here by the user: any "not this person" about it and here goes */
        if (!rc)
            rc = fc_store_exec(s, "DELETE FROM not_person WHERE face = ?1 AND person = ?2",
                               job->ids[i], to, 0, err);
    }
    job->to = to;
    return rc ? rc : one_face_a_photo(s, to, err);
}

int fc_store_faces_move(fc_store *s, const int64_t *faces, int count, int64_t person, int64_t *to,
                        char *err)
{
    edit_job job = {faces, count, person, 0};
    int rc = fc_store_atomic(s, do_move, &job, err);
    if (!rc && to) *to = job.to;
    return rc;
}

static int do_not(fc_store *s, void *ctx, char *err)
{
    edit_job *job = ctx;
    int rc = 0;
    for (int i = 0; i < job->count && !rc; i++) {
        const int64_t face = job->ids[i];
        rc = face_exists(s, face, err);
        int64_t person = job->person;
        if (!rc && !person) {
            sqlite3_stmt *st;
            sqlite3_prepare_v2(s->db, "SELECT person FROM assignments WHERE face = ?1", -1, &st,
                               NULL);
            sqlite3_bind_int64(st, 1, face);
            if (sqlite3_step(st) == SQLITE_ROW) person = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
            if (!person)
                rc = fc_errorf(err, -EINVAL, "face %lld is in no person: say which it is not",
                               (long long)face);
        }
        if (!rc)
            rc = fc_store_journal(
                s, "not",
                "json_object('face', ?1, 'person', ?2, 'was', (SELECT json_array("
                "person, by_user) FROM assignments WHERE face = ?1 AND person = ?2))",
                face, person, err);
        if (!rc)
            rc = fc_store_exec(s, "INSERT OR IGNORE INTO not_person (face, person) VALUES (?1, ?2)",
                               face, person, 0, err);
        if (!rc)
            rc = fc_store_exec(s, "DELETE FROM assignments WHERE face = ?1 AND person = ?2", face,
                               person, 0, err);
    }
    return rc;
}

int fc_store_faces_not(fc_store *s, const int64_t *faces, int count, int64_t person, char *err)
{
    edit_job job = {faces, count, person, 0};
    return fc_store_atomic(s, do_not, &job, err);
}

static int do_reject(fc_store *s, void *ctx, char *err)
{
    edit_job *job = ctx;
    int rc = 0;
    for (int i = 0; i < job->count && !rc; i++) {
        const int64_t face = job->ids[i];
        rc = face_exists(s, face, err);
        if (!rc)
            rc = fc_store_journal(
                s, "reject",
                "json_object('face', ?1, 'was', (SELECT json_array(person, by_user) "
                "FROM assignments WHERE face = ?1))",
                face, 0, err);
        if (!rc)
            rc = fc_store_exec(s, "UPDATE faces SET rejected = 1 WHERE id = ?1", face, 0, 0, err);
        if (!rc) rc = fc_store_exec(s, "DELETE FROM assignments WHERE face = ?1", face, 0, 0, err);
    }
    return rc;
}

int fc_store_faces_reject(fc_store *s, const int64_t *faces, int count, char *err)
{
    edit_job job = {faces, count, 0, 0};
    return fc_store_atomic(s, do_reject, &job, err);
}

static int do_hide(fc_store *s, void *ctx, char *err)
{
    edit_job *job = ctx;
    int rc = fc_store_journal(s, "hide",
                              "json_object('person', ?1, 'was', (SELECT hidden FROM people WHERE "
                              "id = ?1))",
                              job->person, 0, err);
    if (!rc)
        rc = fc_store_exec(s, "UPDATE people SET hidden = ?2 WHERE id = ?1", job->person, job->to,
                           1, err);
    return rc == -ENOENT ? fc_errorf(err, -ENOENT, "no person %lld", (long long)job->person) : rc;
}

int fc_store_person_hide(fc_store *s, int64_t person, int hidden, char *err)
{
    edit_job job = {NULL, 0, person, hidden != 0};
    return fc_store_atomic(s, do_hide, &job, err);
}

static int do_cover(fc_store *s, void *ctx, char *err)
{
    edit_job *job = ctx;
    const int64_t face = job->ids[0];
    int rc = fc_store_exec(s, "UPDATE assignments SET face = face WHERE face = ?1 AND person = ?2",
                           face, job->person, 1, err);
    if (rc == -ENOENT)
        return fc_errorf(err, -ENOENT, "face %lld is not in person %lld", (long long)face,
                         (long long)job->person);
    if (!rc)
        rc = fc_store_journal(s, "cover",
                              "json_object('person', ?1, 'was', (SELECT cover_face FROM people "
                              "WHERE id = ?1))",
                              job->person, 0, err);
    return rc ? rc
              : fc_store_exec(s, "UPDATE people SET cover_face = ?2 WHERE id = ?1", job->person,
                              face, 0, err);
}

int fc_store_person_cover(fc_store *s, int64_t person, int64_t face, char *err)
{
    edit_job job = {&face, 1, person, 0};
    return fc_store_atomic(s, do_cover, &job, err);
}
