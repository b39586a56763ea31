/* The store on temporary databases: schema and permissions, a photo fully indexed or
 * absent, album copies, renames, missing files, edits and model changes that keep the
 * user's decisions, failures and retries, a database in use. */
#include "tests/harness.h"

#include "core/fc_error.h"
#include "store/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char action[32];
    int entries;
} undone_change;

static int count_entry(void *ctx, const fc_store_journal_entry *e)
{
    undone_change *u = ctx;
    snprintf(u->action, sizeof u->action, "%s", e->action);
    u->entries += e->undone;
    return 0;
}

/* Undo, then what the journal says it undid: "undid ACTION (N entries)". */
static int undo_said(fc_store *s, char *said, size_t cap, char *err)
{
    int64_t change;
    undone_change u = {"", 0};
    int rc = fc_store_undo(s, &change, err);
    if (!rc) rc = fc_store_history(s, change, 0, count_entry, &u, err);
    if (!rc)
        snprintf(said, cap, "undid %s (%d entr%s)", u.action, u.entries,
                 u.entries == 1 ? "y" : "ies");
    return rc;
}

static char dir[256];
static int db_counter;

/* A new store in a fresh subdirectory (made by the store itself). */
static fc_store *new_store(char *path, size_t cap)
{
    snprintf(path, cap, "%s/sub%d/deeper/faces.db", dir, db_counter++);
    fc_store *s = NULL;
    char err[FC_ERR_MAX];
    int rc = fc_store_open(path, 0, &s, err);
    CHECK_MSG(rc == 0, "%s", err);
    return s;
}

/* A second connection for what the store's API does not offer yet (people) and for
 * inspecting rows. */
static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    return db;
}

static int64_t raw_int(sqlite3 *db, const char *query)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", query, sqlite3_errmsg(db));
        return -2;
    }
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void raw_exec(sqlite3 *db, const char *query)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, query, NULL, NULL, &msg);
    CHECK_MSG(rc == SQLITE_OK, "%s: %s", query, msg ? msg : "");
    sqlite3_free(msg);
}

static void make_hash(uint8_t hash[FC_STORE_HASH_BYTES], int n)
{
    memset(hash, 0, FC_STORE_HASH_BYTES);
    hash[0] = (uint8_t)n, hash[1] = (uint8_t)(n >> 8), hash[15] = 0xAB;
}

/* A photo of count faces side by side, 100 px apart, shifted by dx. */
static void make_faces(fc_face *faces, int count, float dx)
{
    memset(faces, 0, sizeof *faces * (size_t)count);
    for (int i = 0; i < count; i++) {
        faces[i].box[0] = 10 + 100.0f * i + dx, faces[i].box[1] = 20;
        faces[i].box[2] = 60, faces[i].box[3] = 70;
        faces[i].score = 0.9f - 0.1f * i;
        for (int k = 0; k < FC_EMBED_DIM; k++) faces[i].quantized.v[k] = (int8_t)(i + k % 7);
        faces[i].landmarks[0][0] = 1.5f * i;
    }
}

static int count_files(void *ctx, const char *path, const fc_store_file *file)
{
    (void)path, (void)file;
    ++*(int *)ctx;
    return 0;
}

typedef struct {
    int n;
    char first[64], reason[64];
    int tries;
} bad_seen;

static int collect_bad(void *ctx, const char *path, const char *reason, int tries)
{
    bad_seen *seen = ctx;
    if (seen->n++ == 0) {
        snprintf(seen->first, sizeof seen->first, "%s", path);
        snprintf(seen->reason, sizeof seen->reason, "%s", reason);
        seen->tries = tries;
    }
    return 0;
}

static fc_store_indexed indexed(int hash_n, const fc_face *faces, int count, const char *model)
{
    fc_store_indexed w = {.width = 640, .height = 480, .faces = faces, .count = count};
    make_hash(w.hash, hash_n);
    snprintf(w.taken, sizeof w.taken, "2024-06-01 12:00:00");
    w.model_version = model;
    return w;
}

static fc_file_identity ident(int inode)
{
    return (fc_file_identity){.device = 2049,
                              .inode = (uint64_t)inode,
                              .size = 1000 + inode,
                              .mtime_ns = 1700000000123456789LL};
}

static void test_open_makes_private_store(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    char parent[512];
    snprintf(parent, sizeof parent, "%s", path);
    *strrchr(parent, '/') = 0;
    CHECK(stat(parent, &st) == 0 && (st.st_mode & 0777) == 0700);
    fc_store_close(s);

    sqlite3 *db = raw_open(path);
    CHECK(raw_int(db, "PRAGMA user_version") == FC_STORE_SCHEMA_VERSION);
    sqlite3_stmt *q;
    CHECK(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(q) == SQLITE_ROW &&
          strcmp((const char *)sqlite3_column_text(q, 0), "wal") == 0);
    sqlite3_finalize(q);
    /* reopening migrates nothing and keeps what is there */
    raw_exec(db, "INSERT INTO meta VALUES ('probe', 7)");
    CHECK(fc_store_open(path, 0, &s, err) == 0);
    CHECK(raw_int(db, "SELECT value FROM meta WHERE key = 'probe'") == 7);
    fc_store_close(s);
    /* a store from a newer facecluster is refused, and left alone */
    raw_exec(db, "PRAGMA user_version = 99");
    CHECK(fc_store_open(path, 0, &s, err) == -EPROTO && s == NULL);
    CHECK_MSG(strstr(err, "newer") != NULL, "%s", err);
    CHECK(fc_store_open(path, FC_STORE_READ_ONLY, &s, err) == -EPROTO);
    CHECK(raw_int(db, "PRAGMA user_version") == 99);
    sqlite3_close(db);

    char missing[512];
    snprintf(missing, sizeof missing, "%s/none/faces.db", dir);
    CHECK(fc_store_open(missing, FC_STORE_READ_ONLY, &s, err) == -ENOENT);
    CHECK_MSG(strstr(err, "no store") != NULL, "%s", err);
    CHECK(access(missing, F_OK) != 0); /* reading never creates */
}

static void test_indexed_photo_and_status(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    fc_face faces[3];
    make_faces(faces, 3, 0);
    fc_store_indexed w = indexed(1, faces, 3, "m1");
    fc_file_identity id = ident(11);
    int64_t photo = 0;
    CHECK(fc_store_put_indexed(s, "/photos/a.jpg", &id, &w, &photo, err) == 0 && photo > 0);

    fc_store_file f;
    CHECK(fc_store_file_get(s, "/photos/a.jpg", &f, err) == 1);
    CHECK(f.photo == photo && f.photo_status == FC_PHOTO_INDEXED && f.missing_since == 0);
    CHECK(f.ident.device == id.device && f.ident.inode == id.inode && f.ident.size == id.size &&
          f.ident.mtime_ns == id.mtime_ns);
    CHECK(fc_store_file_get(s, "/photos/b.jpg", &f, err) == 0);
    int64_t found;
    int status;
    CHECK(fc_store_photo_find(s, w.hash, &found, &status, err) == 1 && found == photo &&
          status == FC_PHOTO_INDEXED);

    fc_store_status st;
    CHECK(fc_store_touch(s, 1234, err) == 0);
    CHECK(fc_store_status_get(s, &st, err) == 0);
    CHECK(st.photos == 1 && st.faces == 3 && st.pending == 0 && st.bad == 0 && st.missing == 0);
    CHECK(st.people == 0 && st.last_activity == 1234);
    CHECK(fc_store_stale_faces(s, "m1", err) == 0 && fc_store_stale_faces(s, "m2", err) == 3);

    /* what was written reads back: box, embedding, landmarks */
    sqlite3 *db = raw_open(path);
    CHECK(raw_int(db, "SELECT count(*) FROM faces WHERE x = 110 AND w = 60 AND "
                      "hex(substr(embedding, 1, 2)) = '0102'") == 1);
    CHECK(raw_int(db, "SELECT count(*) FROM faces WHERE hex(substr(landmarks, 1, 4)) = "
                      "'0000C03F'") == 1); /* 1.5f little-endian */
    sqlite3_close(db);
    fc_store_close(s);
}

/* A failure part way through the write (here a trigger refusing the third face) leaves
 * no photo, no face and no file: fully indexed or absent. */
static void count_problem(void *ctx, const char *problem)
{
    (void)problem;
    ++*(int *)ctx;
}

/* fc_store_check finds what breaks an invariant, and nothing in a sound store. */
static void test_check_finds_problems(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    fc_face faces[2];
    make_faces(faces, 2, 0);
    fc_store_indexed w = indexed(10, faces, 2, "m1");
    fc_file_identity id = ident(61);
    CHECK(fc_store_put_indexed(s, "/c/x.jpg", &id, &w, NULL, err) == 0);
    int problems = 0;
    CHECK(fc_store_check(s, count_problem, &problems, err) == 0 && problems == 0);
    sqlite3 *db = raw_open(path);
    raw_exec(db, "INSERT INTO faces (photo, x, y, w, h, score, landmarks, small, embedding, "
                 "model) SELECT photo, x, y, w, h, score, landmarks, small, embedding, model "
                 "FROM faces LIMIT 1");
    raw_exec(db, "INSERT INTO people (id, created_at) VALUES (5, 1)");
    raw_exec(db, "INSERT INTO assignments SELECT id, 5, 0, 1 FROM faces LIMIT 2");
    CHECK(fc_store_check(s, count_problem, &problems, err) == 2 && problems == 2);
    sqlite3_close(db);
    fc_store_close(s);
}

/* A file renamed over another (a safe save): the one replaced is forgotten, its photo
 * missing (not deleted) when nothing else shows it. */
static void test_rename_over_a_file(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    fc_face faces[1];
    make_faces(faces, 1, 0);
    fc_store_indexed one = indexed(11, faces, 1, "m1"), two = indexed(12, faces, 1, "m1");
    fc_file_identity a = ident(71), b = ident(72);
    CHECK(fc_store_put_indexed(s, "/s/a.jpg", &a, &one, NULL, err) == 0);
    CHECK(fc_store_put_indexed(s, "/s/b.jpg", &b, &two, NULL, err) == 0);
    CHECK(fc_store_file_rename(s, "/s/b.jpg", "/s/a.jpg", err) == 1);
    fc_store_file f;
    CHECK(fc_store_file_get(s, "/s/a.jpg", &f, err) == 1 && f.ident.inode == 72);
    CHECK(fc_store_file_get(s, "/s/b.jpg", &f, err) == 0);
    fc_store_status st;
    CHECK(fc_store_status_get(s, &st, err) == 0 && st.photos == 1 && st.missing == 1);
    fc_store_close(s);
}

/* The clustering's input read back, and a regroup written: automatic assignments change,
 * the user's stay, empty unnamed people go. */
static void test_people_regroup_round_trip(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    fc_face faces[3];
    make_faces(faces, 3, 0);
    faces[2].small = 1;
    fc_store_indexed w = indexed(13, faces, 3, "m1");
    fc_file_identity id = ident(81);
    CHECK(fc_store_put_indexed(s, "/p/x.jpg", &id, &w, NULL, err) == 0);
    sqlite3 *db = raw_open(path);
    raw_exec(db, "INSERT INTO people (id, name, created_at) VALUES (50, 'Ada', 1)");
    raw_exec(db, "INSERT INTO assignments SELECT min(id), 50, 1, 1 FROM faces");
    raw_exec(db, "INSERT INTO people (id, created_at) VALUES (60, 1)"); /* will be empty */
    raw_exec(db, "INSERT INTO not_person SELECT max(id), 50 FROM faces");
    fc_store_faces f;
    CHECK_MSG(fc_store_faces_load(s, &f, err) == 0, "%s", err);
    CHECK(f.n == 3 && f.fixed[0] == 50 && f.person[0] == 50 && f.fixed[1] == 0);
    CHECK(f.can_seed[0] == 1 && f.can_seed[2] == 0); /* small faces never seed */
    CHECK(f.n_nots == 1 && f.nots[0].face == 2 && f.nots[0].person == 50);
    float norm = 0;
    for (int k = 0; k < FC_EMBED_DIM; k++) norm += f.embedding[1][k] * f.embedding[1][k];
    CHECK(fabsf(norm - 1.0f) < 1e-5f);
    /* groups: {face 0, face 1} -> Ada (anchored), face 2 alone -> a new person */
    const int group[3] = {0, 0, 1};
    int64_t ids[2] = {50, 0};
    CHECK(fc_store_apply_groups(s, &f, group, 2, ids, err) == 2);
    CHECK(ids[1] > 60); /* the new person's id, written back */
    CHECK(raw_int(db, "SELECT count(*) FROM assignments WHERE person = 50") == 2);
    CHECK(raw_int(db, "SELECT by_user FROM assignments WHERE face = (SELECT min(id) FROM faces)") ==
          1);
    CHECK(raw_int(db, "SELECT count(*) FROM people WHERE id = 60") == 0); /* empty: gone */
    CHECK(raw_int(db, "SELECT count(*) FROM people") == 2);
    /* a regroup putting the user's face elsewhere changes nothing of it */
    const int apart_group[3] = {1, 0, 0};
    int64_t ids2[2] = {0, 0};
    CHECK(fc_store_apply_groups(s, &f, apart_group, 2, ids2, err) >= 0);
    CHECK(raw_int(db, "SELECT person FROM assignments WHERE face = (SELECT min(id) FROM faces)") ==
          50);
    /* naming: found by name afterwards, faces confirmed, journalled; a taken name refused */
    int64_t who = 0;
    CHECK(fc_store_person_find(s, "Ada", &who, err) == 0 && who == 50);
    CHECK(fc_store_person_find(s, "Bob", &who, err) == -ENOENT && strstr(err, "'Bob'") != NULL);
    const int64_t other = raw_int(db, "SELECT max(id) FROM people");
    CHECK(fc_store_person_name(s, other, "Bob", err) == 0);
    CHECK(fc_store_person_find(s, "Bob", &who, err) == 0 && who == other);
    CHECK(raw_int(db, "SELECT count(*) FROM assignments WHERE person = (SELECT id FROM people "
                      "WHERE name = 'Bob') AND by_user = 0") == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM journal WHERE action = 'name'") == 1);
    CHECK(fc_store_person_name(s, other, "Ada", err) == -EEXIST);
    CHECK(fc_store_person_find(s, "Bob", &who, err) == 0); /* the refused rename changed nothing */
    CHECK(raw_int(db, "SELECT count(*) FROM journal") == 1);
    fc_store_faces_free(&f);
    sqlite3_close(db);
    fc_store_close(s);
}

/* The corrections: each changes what it says, refuses what breaks an invariant (whole,
 * nothing changed), and leaves a journal entry. Faces 1-2 share a photo; 3-4 another. */
static int count_people(void *ctx, const fc_store_person *p)
{
    (void)p;
    ++*(int *)ctx;
    return 0;
}

static void test_corrections(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    fc_face faces[2];
    make_faces(faces, 2, 0);
    fc_store_indexed one = indexed(21, faces, 2, "m1"), two = indexed(22, faces, 2, "m1");
    fc_file_identity a = ident(91), b = ident(92);
    CHECK(fc_store_put_indexed(s, "/c/one.jpg", &a, &one, NULL, err) == 0);
    CHECK(fc_store_put_indexed(s, "/c/two.jpg", &b, &two, NULL, err) == 0);
    sqlite3 *db = raw_open(path);
    raw_exec(db, "INSERT INTO people (id, name, created_at) VALUES (1, 'Ada', 1), (2, NULL, 1), "
                 "(3, 'Bob', 1)");
    raw_exec(db, "INSERT INTO assignments VALUES (1, 1, 0, 1), (3, 2, 0, 1), (2, 3, 0, 1)");

    /* merge: 2 joins Ada, faces confirmed; Ada and Bob have two names: refused */
    const int64_t ada_and_2[] = {1, 2}, ada_and_bob[] = {1, 3};
    CHECK(fc_store_people_merge(s, ada_and_2, 2, err) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM assignments WHERE person = 1 AND by_user = 1") == 2);
    CHECK(raw_int(db, "SELECT count(*) FROM people WHERE id = 2") == 0);
    CHECK(fc_store_people_merge(s, ada_and_bob, 2, err) == -EEXIST);
    const int64_t ada_twice[] = {1, 1}; /* nothing to merge: said, nothing journalled */
    const int64_t entries = raw_int(db, "SELECT count(*) FROM journal");
    CHECK(fc_store_people_merge(s, ada_twice, 2, err) == -EINVAL && strstr(err, "twice"));
    CHECK(raw_int(db, "SELECT count(*) FROM journal") == entries);
    /* move: face 2 (Bob, in face 1's photo) into Ada would put one photo twice: refused */
    const int64_t face2[] = {2}, face4[] = {4}, face3[] = {3};
    int64_t to = 0;
    CHECK(fc_store_faces_move(s, face2, 1, 1, &to, err) == -EINVAL && strstr(err, "one photo"));
    CHECK(raw_int(db, "SELECT person FROM assignments WHERE face = 2") == 3); /* unchanged */
    CHECK(fc_store_faces_move(s, face4, 1, 0, &to, err) == 0 && to > 3);      /* --new */
    CHECK(raw_int(db, "SELECT by_user FROM assignments WHERE face = 4") == 1);
    /* not: face 3 leaves Ada for good */
    CHECK(fc_store_faces_not(s, face3, 1, 0, err) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM assignments WHERE face = 3") == 0);
    CHECK(raw_int(db, "SELECT person FROM not_person WHERE face = 3") == 1);
    /* reject: not a face */
    CHECK(fc_store_faces_reject(s, face4, 1, err) == 0);
    CHECK(raw_int(db, "SELECT rejected FROM faces WHERE id = 4") == 1);
    const int64_t ghost[] = {999};
    CHECK(fc_store_faces_reject(s, ghost, 1, err) == -ENOENT && strstr(err, "no face 999"));
    CHECK(raw_int(db, "SELECT count(*) FROM journal") == 4); /* merge, move, not, reject */
    int problems = 0;
    CHECK(fc_store_check(s, count_problem, &problems, err) == 0);

    /* undo, newest first: each change reverted whole */
    char said[128];
    CHECK(undo_said(s, said, sizeof said, err) == 0 && strstr(said, "reject"));
    CHECK(raw_int(db, "SELECT rejected FROM faces WHERE id = 4") == 0);
    CHECK(raw_int(db, "SELECT person FROM assignments WHERE face = 4") == to);
    CHECK(undo_said(s, said, sizeof said, err) == 0 && strstr(said, "not"));
    CHECK(raw_int(db, "SELECT person FROM assignments WHERE face = 3") == 1);
    CHECK(raw_int(db, "SELECT count(*) FROM not_person") == 0);
    CHECK(undo_said(s, said, sizeof said, err) == 0 && strstr(said, "move"));
    CHECK(raw_int(db, "SELECT count(*) FROM assignments WHERE face = 4") == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM people WHERE id = ?1 OR id > 3") == 0); /* --new gone */
    CHECK(undo_said(s, said, sizeof said, err) == 0 && strstr(said, "merge"));
    CHECK(raw_int(db, "SELECT person FROM assignments WHERE face = 3") == 2);
    CHECK(raw_int(db, "SELECT by_user FROM assignments WHERE face = 3") == 0);
    CHECK(raw_int(db, "SELECT by_user FROM assignments WHERE face = 1") == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM people") == 3);
    CHECK(undo_said(s, said, sizeof said, err) == -ENOENT);
    /* a change of several entries (naming, then a two-person merge) goes back whole */
    CHECK(fc_store_person_name(s, 2, "Cy", err) == 0);
    const int64_t ada_2[] = {1, 2};
    CHECK(fc_store_people_merge(s, ada_2, 2, err) == -EEXIST); /* Ada and Cy */
    CHECK(undo_said(s, said, sizeof said, err) == 0 && strstr(said, "name"));
    CHECK(raw_int(db, "SELECT count(*) FROM people WHERE name = 'Cy'") == 0);
    fc_store_indexed third = indexed(23, faces, 1, "m1");
    fc_file_identity c = ident(93);
    CHECK(fc_store_put_indexed(s, "/c/three.jpg", &c, &third, NULL, err) == 0); /* face 5 */
    raw_exec(db, "INSERT INTO people (id, created_at) VALUES (4, 1)");
    raw_exec(db, "INSERT INTO assignments VALUES (5, 4, 0, 1)");
    const int64_t ada_2_4[] = {1, 2, 4}; /* faces 1, 3, 5: three photos */
    CHECK(fc_store_people_merge(s, ada_2_4, 3, err) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM assignments WHERE person = 1") == 3);
    CHECK(undo_said(s, said, sizeof said, err) == 0 && strstr(said, "2 entries"));
    CHECK(raw_int(db, "SELECT person FROM assignments WHERE face = 3") == 2);
    CHECK(raw_int(db, "SELECT person FROM assignments WHERE face = 5") == 4);
    CHECK(raw_int(db, "SELECT count(*) FROM people WHERE id = 1 AND name = 'Ada'") == 1);
    CHECK(raw_int(db, "SELECT count(*) FROM assignments WHERE by_user = 1") == 0);
    CHECK(fc_store_check(s, count_problem, &problems, err) == 0);

    /* hide and cover, and their undo */
    int listed = 0;
    CHECK(fc_store_person_hide(s, 1, 1, err) == 0);
    CHECK(fc_store_people(s, 1, 0, 0, count_people, &listed, err) == 0);
    const int visible = listed;
    listed = 0;
    CHECK(fc_store_people(s, 1, 0, 1, count_people, &listed, err) == 0 && listed == visible + 1);
    CHECK(fc_store_person_cover(s, 1, 3, err) == -ENOENT); /* face 3 is person 2's */
    CHECK(fc_store_person_cover(s, 1, 1, err) == 0);
    CHECK(raw_int(db, "SELECT cover_face FROM people WHERE id = 1") == 1);
    char said2[128];
    CHECK(undo_said(s, said2, sizeof said2, err) == 0 && strstr(said2, "cover"));
    CHECK(raw_int(db, "SELECT count(*) FROM people WHERE id = 1 AND cover_face IS NULL") == 1);
    CHECK(undo_said(s, said2, sizeof said2, err) == 0 && strstr(said2, "hide"));
    CHECK(raw_int(db, "SELECT hidden FROM people WHERE id = 1") == 0);
    sqlite3_close(db);
    fc_store_close(s);
}

static void test_photo_is_all_or_nothing(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    sqlite3 *db = raw_open(path);
    raw_exec(db, "CREATE TRIGGER refuse BEFORE INSERT ON faces WHEN NEW.x > 200 "
                 "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    fc_face faces[3];
    make_faces(faces, 3, 0);
    fc_store_indexed w = indexed(2, faces, 3, "m1");
    fc_file_identity id = ident(12);
    CHECK(fc_store_put_indexed(s, "/p/x.jpg", &id, &w, NULL, err) < 0);
    CHECK_MSG(strstr(err, "refused by the test") != NULL, "%s", err);
    CHECK(raw_int(db, "SELECT count(*) FROM photos") == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM faces") == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM files") == 0);
    raw_exec(db, "DROP TRIGGER refuse");
    CHECK(fc_store_put_indexed(s, "/p/x.jpg", &id, &w, NULL, err) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM faces") == 3);
    sqlite3_close(db);
    fc_store_close(s);
}

static void test_copies_renames_and_missing(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    fc_face faces[2];
    make_faces(faces, 2, 0);
    fc_store_indexed w = indexed(3, faces, 2, "m1");
    fc_file_identity a = ident(21), b = ident(22), c = ident(23);
    int64_t photo;
    CHECK(fc_store_put_indexed(s, "/r/album/one.jpg", &a, &w, &photo, err) == 0);
    /* the same bytes at a second path: linked, not indexed again */
    CHECK(fc_store_file_put(s, "/r/copies/one.jpg", &b, photo, err) == 0);
    CHECK(fc_store_file_put(s, "/r/album2/two.jpg", &c, photo, err) == 0);
    fc_store_status st;
    CHECK(fc_store_status_get(s, &st, err) == 0 && st.photos == 1 && st.faces == 2);

    /* a decision about one of its faces, to see it survive renames and the disk going */
    sqlite3 *raw = raw_open(path);
    raw_exec(raw, "INSERT INTO people (id, name, created_at) VALUES (1, 'Ada', 1)");
    raw_exec(raw, "INSERT INTO assignments SELECT min(id), 1, 1, 1 FROM faces");

    /* a directory renamed: its files follow; a sibling sharing the prefix does not */
    CHECK(fc_store_file_rename(s, "/r/album", "/r/holiday", err) == 1);
    fc_store_file f;
    CHECK(fc_store_file_get(s, "/r/holiday/one.jpg", &f, err) == 1 && f.photo == photo);
    CHECK(fc_store_file_get(s, "/r/album/one.jpg", &f, err) == 0);
    CHECK(fc_store_file_get(s, "/r/album2/two.jpg", &f, err) == 1);

    int listed = 0;
    CHECK(fc_store_files_under(s, "/r", count_files, &listed, err) == 0 && listed == 3);
    listed = 0;
    CHECK(fc_store_files_under(s, "/r/holiday", count_files, &listed, err) == 0 && listed == 1);

    /* every file gone (an unmounted disk): the photo is missing, faces kept */
    CHECK(fc_store_file_missing(s, "/r/holiday/one.jpg", 5000, err) == 1);
    CHECK(fc_store_file_missing(s, "/r/copies/one.jpg", 5000, err) == 1);
    CHECK(fc_store_status_get(s, &st, err) == 0 && st.photos == 1 && st.missing == 0);
    CHECK(fc_store_file_missing(s, "/r/album2/two.jpg", 5000, err) == 1);
    CHECK(fc_store_file_missing(s, "/r/nowhere.jpg", 5000, err) == 0);
    CHECK(fc_store_status_get(s, &st, err) == 0 && st.photos == 0 && st.missing == 1);
    listed = 0;
    CHECK(fc_store_files_under(s, "/r", count_files, &listed, err) == 0 && listed == 0);
    /* the disk comes back: the same photo, its faces, nothing re-run */
    CHECK(fc_store_file_put(s, "/r/holiday/one.jpg", &a, photo, err) == 0);
    CHECK(fc_store_status_get(s, &st, err) == 0 && st.photos == 1 && st.missing == 0 &&
          st.faces == 2);
    CHECK(raw_int(raw, "SELECT count(*) FROM assignments a JOIN people p ON p.id = a.person "
                       "WHERE p.name = 'Ada' AND a.by_user = 1") == 1);
    sqlite3_close(raw);

    /* purged only when missing longer than asked */
    CHECK(fc_store_file_missing(s, "/r/holiday/one.jpg", 6000, err) == 1);
    CHECK(fc_store_purge_missing(s, 5500, err) == 0); /* files of 5000 go; photo is newer */
    CHECK(fc_store_status_get(s, &st, err) == 0 && st.missing == 1);
    CHECK(fc_store_purge_missing(s, 6001, err) == 1);
    CHECK(fc_store_status_get(s, &st, err) == 0 && st.missing == 0 && st.photos == 0);
    sqlite3 *db = raw_open(path);
    CHECK(raw_int(db, "SELECT count(*) FROM faces") == 0);
    sqlite3_close(db);
    fc_store_close(s);
}

/* Decisions about photo `photo`'s faces, made through a second connection (the people
 * commands come with the next issue): face 1 placed by the user on person 1, face 2 "not
 * person 1", the two "different people", face 3 rejected, person 1's cover face 1. */
static void decide(sqlite3 *db)
{
    raw_exec(db, "INSERT INTO people (id, name, created_at) VALUES (1, 'Ada', 1)");
    raw_exec(db, "INSERT INTO assignments SELECT min(id), 1, 1, 1 FROM faces");
    raw_exec(db, "INSERT INTO not_person SELECT min(id) + 1, 1 FROM faces");
    raw_exec(db, "INSERT INTO different_faces SELECT min(id), min(id) + 1 FROM faces");
    raw_exec(db, "UPDATE faces SET rejected = 1 WHERE id = (SELECT min(id) + 2 FROM faces)");
    raw_exec(db, "UPDATE people SET cover_face = (SELECT min(id) FROM faces)");
}

/* The decisions sit on the faces at x = 10, 110 and 210 of the newest faces. */
static void check_decisions_on_new_faces(sqlite3 *db)
{
    CHECK(raw_int(db, "SELECT count(*) FROM faces") == 3);
    CHECK(raw_int(db, "SELECT round(f.x) FROM assignments a JOIN faces f ON f.id = a.face "
                      "WHERE a.person = 1 AND a.by_user = 1") == 12);
    CHECK(raw_int(db, "SELECT round(f.x) FROM not_person n JOIN faces f ON f.id = n.face") == 112);
    CHECK(raw_int(db, "SELECT count(*) FROM different_faces d JOIN faces a ON a.id = d.face_a "
                      "JOIN faces b ON b.id = d.face_b WHERE round(a.x) = 12 AND "
                      "round(b.x) = 112") == 1);
    CHECK(raw_int(db, "SELECT round(x) FROM faces WHERE rejected") == 212);
    CHECK(raw_int(db, "SELECT round(f.x) FROM people p JOIN faces f ON f.id = p.cover_face") == 12);
}

static void test_edit_and_model_change_keep_decisions(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    sqlite3 *db = raw_open(path);
    fc_face faces[3];
    make_faces(faces, 3, 0);
    fc_store_indexed w = indexed(4, faces, 3, "m1");
    fc_file_identity id = ident(31);
    CHECK(fc_store_put_indexed(s, "/e/p.jpg", &id, &w, NULL, err) == 0);
    decide(db);

    /* the photo edited (new bytes, faces moved by 2 px): re-indexed, decisions carried */
    make_faces(faces, 3, 2);
    fc_store_indexed edited = indexed(5, faces, 3, "m1");
    id.mtime_ns += 1000;
    CHECK(fc_store_put_indexed(s, "/e/p.jpg", &id, &edited, NULL, err) == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM photos") == 1);
    check_decisions_on_new_faces(db);

    /* a new model: the same photo's faces replaced, decisions carried again */
    CHECK(fc_store_stale_faces(s, "m2", err) == 3);
    edited.model_version = "m2";
    CHECK(fc_store_put_indexed(s, "/e/p.jpg", &id, &edited, NULL, err) == 0);
    CHECK(fc_store_stale_faces(s, "m2", err) == 0);
    check_decisions_on_new_faces(db);
    CHECK(raw_int(db, "SELECT count(*) FROM faces WHERE model = 'm2'") == 3);
    sqlite3_close(db);
    fc_store_close(s);
}

static void test_failures_retry_then_bad(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    uint8_t hash[FC_STORE_HASH_BYTES];
    make_hash(hash, 6);
    fc_file_identity id = ident(41);
    int status = -1;
    /* truncated: pending, retried when due, bad after the third try */
    CHECK(fc_store_put_failed(s, "/f/t.jpg", &id, hash, "premature end of JPEG", 1, 0, 100, 3,
                              &status, err) == 0 &&
          status == FC_PHOTO_PENDING);
    int due = 0;
    CHECK(fc_store_due_retries(s, 99, count_files, &due, err) == 0 && due == 0);
    CHECK(fc_store_due_retries(s, 100, count_files, &due, err) == 0 && due == 1);
    CHECK(fc_store_put_failed(s, "/f/t.jpg", &id, hash, "premature end of JPEG", 1, 0, 100, 3,
                              &status, err) == 0 &&
          status == FC_PHOTO_PENDING);
    due = 0; /* backing off: twice the wait after the second failure */
    CHECK(fc_store_due_retries(s, 199, count_files, &due, err) == 0 && due == 0);
    CHECK(fc_store_due_retries(s, 200, count_files, &due, err) == 0 && due == 1);
    CHECK(fc_store_put_failed(s, "/f/t.jpg", &id, hash, "premature end of JPEG", 1, 0, 100, 3,
                              &status, err) == 0 &&
          status == FC_PHOTO_BAD);
    /* not an image: bad at once */
    uint8_t text_hash[FC_STORE_HASH_BYTES];
    make_hash(text_hash, 7);
    fc_file_identity id2 = ident(42);
    CHECK(fc_store_put_failed(s, "/f/notes.jpg", &id2, text_hash, "not a JPEG or PPM file", 0, 0, 0,
                              3, &status, err) == 0 &&
          status == FC_PHOTO_BAD);
    fc_store_status st;
    CHECK(fc_store_status_get(s, &st, err) == 0 && st.bad == 2 && st.pending == 0);
    bad_seen seen = {0};
    CHECK(fc_store_bad_files(s, collect_bad, &seen, err) == 0 && seen.n == 2);
    CHECK(strcmp(seen.first, "/f/notes.jpg") == 0 &&
          strcmp(seen.reason, "not a JPEG or PPM file") == 0 && seen.tries == 1);

    /* the file corrected: indexed; its bad version is forgotten */
    fc_face faces[1];
    make_faces(faces, 1, 0);
    fc_store_indexed w = indexed(8, faces, 1, "m1");
    id.size += 5000;
    CHECK(fc_store_put_indexed(s, "/f/t.jpg", &id, &w, NULL, err) == 0);
    CHECK(fc_store_status_get(s, &st, err) == 0 && st.bad == 1 && st.photos == 1);
    int64_t gone;
    CHECK(fc_store_photo_find(s, hash, &gone, NULL, err) == 0);
    fc_store_close(s);
}

/* Another process holding the write lock: a clear -EBUSY, nothing half-written. */
/* Between regroups: a photo's faces read for placing, placed (a new person made, a face
 * placed meanwhile keeping its person, a person gone taking nothing); a regroup computed
 * before the user's edit is refused whole. */
static void test_place_faces_and_overtaken_regroup(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    fc_face faces[3];
    make_faces(faces, 3, 0);
    faces[2].score = 0.3f; /* too low to seed */
    fc_store_indexed w = indexed(21, faces, 3, "m1");
    fc_file_identity id = ident(91);
    int64_t photo = 0;
    CHECK(fc_store_put_indexed(s, "/p/place.jpg", &id, &w, &photo, err) == 0 && photo > 0);
    fc_store_photo_face *got;
    fc_cluster_not *nots;
    int count, n_nots;
    CHECK_MSG(fc_store_photo_faces(s, photo, &got, &count, &nots, &n_nots, err) == 0, "%s", err);
    CHECK(count == 3 && got[0].person == 0 && got[0].can_seed && !got[2].can_seed);
    CHECK(n_nots == 0);
    free(nots);
    sqlite3 *db = raw_open(path);
    raw_exec(db, "INSERT INTO people (id, created_at) VALUES (70, 1), (71, 1), (72, 1)");
    /* the user said: face 0 is not 72; face 1 is someone else than a face of 70 */
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO not_person VALUES (%lld, 72)", (long long)got[0].face);
    raw_exec(db, sql);
    free(got);
    CHECK(fc_store_photo_faces(s, photo, &got, &count, &nots, &n_nots, err) == 0);
    CHECK(n_nots == 1 && nots[0].face == 0 && nots[0].person == 72);
    free(nots);
    int64_t refused[1] = {72}; /* placing a face where the user said it is not: nothing */
    CHECK(fc_store_place_faces(s, &got[0].face, refused, 1, err) == 0 && refused[0] == 0);
    int64_t face[3] = {got[0].face, got[1].face, got[2].face}, person[3] = {0, 70, 71};
    raw_exec(db, "DELETE FROM people WHERE id = 71"); /* merged away meanwhile */
    CHECK_MSG(fc_store_place_faces(s, face, person, 3, err) == 0, "%s", err);
    CHECK(person[0] > 71 && person[1] == 70 && person[2] == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM assignments WHERE by_user = 0") == 2);
    int64_t again[1] = {70}; /* a face placed already keeps its person */
    CHECK(fc_store_place_faces(s, face, again, 1, err) == 0 && again[0] == person[0]);
    free(got);
    /* a regroup loaded before an edit (and one before an undo) is not written */
    fc_store_faces f;
    CHECK(fc_store_faces_load(s, &f, err) == 0 && f.n == 3);
    CHECK(fc_store_person_name(s, 70, "Eve", err) == 0);
    const int group[3] = {0, 0, -1};
    int64_t ids[1] = {0};
    CHECK(fc_store_apply_groups(s, &f, group, 1, ids, err) == -EAGAIN);
    CHECK(raw_int(db, "SELECT count(*) FROM assignments WHERE person = 70") == 1);
    fc_store_faces_free(&f);
    CHECK(fc_store_faces_load(s, &f, err) == 0);
    char said[200];
    CHECK(undo_said(s, said, sizeof said, err) == 0);
    CHECK(fc_store_apply_groups(s, &f, group, 1, ids, err) == -EAGAIN);
    fc_store_faces_free(&f);
    CHECK(fc_store_faces_load(s, &f, err) == 0); /* loaded after: written */
    CHECK(fc_store_apply_groups(s, &f, group, 1, ids, err) >= 0);
    CHECK(raw_int(db, "SELECT count(DISTINCT person) FROM assignments") == 1);
    fc_store_faces_free(&f);
    sqlite3_close(db);
    fc_store_close(s);
}

/* The learned head: stored and read back whole, one in use, removed without touching
 * anything else; a store of schema 1 gains the table when opened. */
static void test_learned_head(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    fc_store_head got;
    CHECK(fc_store_head_get(s, &got, err) == 0 && got.weights == NULL);
    static float w[32 * FC_EMBED_DIM];
    for (int i = 0; i < 32 * FC_EMBED_DIM; i++) w[i] = (float)i * 0.25f - 3;
    fc_store_head head = {.dim = 32,
                          .weights = w,
                          .version = 1,
                          .cluster_threshold = 0.07f,
                          .recognize_threshold = 0.05f,
                          .faces = 1200,
                          .people = 40};
    snprintf(head.embedding_model, sizeof head.embedding_model, "m1");
    CHECK_MSG(fc_store_head_put(s, &head, err) == 0, "%s", err);
    head.dim = 16; /* a newer one replaces it */
    CHECK(fc_store_head_put(s, &head, err) == 0);
    CHECK(fc_store_head_get(s, &got, err) == 1);
    CHECK(got.dim == 16 && memcmp(got.weights, w, 16 * FC_EMBED_DIM * sizeof *w) == 0);
    CHECK(got.cluster_threshold == 0.07f && got.people == 40 && got.trained_at > 0);
    CHECK(strcmp(got.embedding_model, "m1") == 0);
    free(got.weights);
    head.dim = 0;
    CHECK(fc_store_head_put(s, &head, err) == -EINVAL);
    CHECK(fc_store_head_delete(s, err) == 1);
    CHECK(fc_store_head_get(s, &got, err) == 0);
    CHECK(fc_store_head_delete(s, err) == 0); /* none left */
    fc_store_close(s);
    /* schema 1 -> 2 (and on to the latest) */
    sqlite3 *db = raw_open(path);
    raw_exec(db, "DROP TABLE heads");
    raw_exec(db, "DROP TABLE regions");
    raw_exec(db, "PRAGMA user_version = 1");
    sqlite3_close(db);
    CHECK(fc_store_open(path, FC_STORE_READ_ONLY, &s, err) == -EPROTO); /* the CLI waits */
    CHECK(strstr(err, "upgrade") != NULL);
    CHECK(fc_store_open(path, 0, &s, err) == 0);
    CHECK(fc_store_head_get(s, &got, err) == 0);
    fc_store_close(s);
    db = raw_open(path);
    CHECK(raw_int(db, "PRAGMA user_version") == FC_STORE_SCHEMA_VERSION);
    CHECK(raw_int(db, "SELECT count(*) FROM regions") == 0);
    sqlite3_close(db);
}

/* The head mark moves with every head stored or removed, so that the daemon notices; a
 * head is used only on the faces of the model it was trained on, and of its version. */
static void test_head_mark_and_use(void)
{
    char path[512], err[FC_ERR_MAX], note[256];
    fc_store *s = new_store(path, sizeof path);
    int64_t mark = -1, before;
    CHECK_MSG(fc_store_head_mark(s, &mark, err) == 0 && mark == 0, "%s", err);
    static float w[8 * FC_EMBED_DIM];
    fc_store_head head = {.dim = 8, .weights = w, .version = FC_HEAD_VERSION}, got;
    snprintf(head.embedding_model, sizeof head.embedding_model, "m1");
    CHECK(fc_store_head_put(s, &head, err) == 0);
    before = mark;
    CHECK(fc_store_head_mark(s, &mark, err) == 0 && mark != before);
    before = mark;
    CHECK(fc_store_head_put(s, &head, err) == 0); /* a head replaced: it moves again */
    CHECK(fc_store_head_mark(s, &mark, err) == 0 && mark != before);
    /* no photo yet: nothing contradicts it */
    CHECK(fc_store_head_in_use(s, NULL, &got, note, sizeof note, err) == 1 && got.dim == 8);
    free(got.weights);
    fc_face faces[1];
    make_faces(faces, 1, 0);
    fc_store_indexed one = indexed(31, faces, 1, "m1");
    fc_file_identity a = ident(101), b = ident(102);
    CHECK(fc_store_put_indexed(s, "/h/one.jpg", &a, &one, NULL, err) == 0);
    CHECK(fc_store_head_in_use(s, "m1", &got, note, sizeof note, err) == 1 && !note[0]);
    free(got.weights);
    /* the daemon now makes faces with another model: not used, and said why */
    CHECK(fc_store_head_in_use(s, "m2", &got, note, sizeof note, err) == 0);
    CHECK_MSG(strstr(note, "another model") && strstr(note, "m2"), "%s", note);
    CHECK(got.weights == NULL && got.dim == 0);
    /* photos of two models (being embedded again), then all of the other one */
    fc_store_indexed two = indexed(32, faces, 1, "m2");
    CHECK(fc_store_put_indexed(s, "/h/two.jpg", &b, &two, NULL, err) == 0);
    CHECK(fc_store_head_in_use(s, NULL, &got, note, sizeof note, err) == 0);
    CHECK_MSG(strstr(note, "embedded again"), "%s", note);
    one.model_version = "m2";
    CHECK(fc_store_put_indexed(s, "/h/one.jpg", &a, &one, NULL, err) == 0);
    CHECK(fc_store_head_in_use(s, NULL, &got, note, sizeof note, err) == 0);
    CHECK_MSG(strstr(note, "trained on another model's embeddings (m1; the faces are now m2)"),
              "%s", note);
    snprintf(head.embedding_model, sizeof head.embedding_model, "m2");
    head.version = FC_HEAD_VERSION + 1; /* weights this code cannot read */
    CHECK(fc_store_head_put(s, &head, err) == 0);
    CHECK(fc_store_head_in_use(s, NULL, &got, note, sizeof note, err) == 0);
    CHECK_MSG(strstr(note, "version"), "%s", note);
    before = mark;
    CHECK(fc_store_head_mark(s, &mark, err) == 0 && mark != before);
    before = mark;
    CHECK(fc_store_head_delete(s, err) == 1);
    CHECK(fc_store_head_mark(s, &mark, err) == 0 && mark != before);
    before = mark;
    CHECK(fc_store_head_delete(s, err) == 0); /* nothing removed: nothing to notice */
    CHECK(fc_store_head_mark(s, &mark, err) == 0 && mark == before);
    CHECK(fc_store_head_in_use(s, NULL, &got, note, sizeof note, err) == 0 && !note[0]);
    fc_store_close(s);
}

/* What a head learns from: named people's faces by label, a "not" about a named person as
 * a known negative (its face kept though in no named person), nothing of unnamed people,
 * rejected faces or missing photos. */
static void test_training_data(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    fc_store_training t;
    CHECK(fc_store_training_load(s, &t, err) == 0 && t.n == 0 && t.people == 0 && !t.model[0]);
    fc_store_training_free(&t);
    fc_face faces[3];
    make_faces(faces, 3, 0);
    fc_store_indexed w[4] = {indexed(41, faces, 2, "m1"), indexed(42, faces, 2, "m1"),
                             indexed(43, faces, 3, "m1"), indexed(44, faces, 1, "m1")};
    const char *paths[4] = {"/t/a.jpg", "/t/b.jpg", "/t/c.jpg", "/t/d.jpg"};
    for (int i = 0; i < 4; i++) { /* faces 1-2, 3-4, 5-7, 8 */
        fc_file_identity id = ident(111 + i);
        CHECK(fc_store_put_indexed(s, paths[i], &id, &w[i], NULL, err) == 0);
    }
    sqlite3 *db = raw_open(path);
    raw_exec(db, "INSERT INTO people (id, name, created_at) VALUES (5, 'Bob', 1), (3, 'Ada', 1), "
                 "(9, NULL, 1)");
    raw_exec(db, "INSERT INTO assignments VALUES (1, 3, 1, 1), (3, 3, 1, 1), (2, 5, 1, 1), "
                 "(4, 5, 0, 1), (5, 9, 0, 1), (7, 3, 1, 1), (8, 5, 1, 1)");
    raw_exec(db, "INSERT INTO not_person VALUES (5, 3), (6, 9)");
    raw_exec(db, "UPDATE faces SET rejected = 1 WHERE id = 7");
    CHECK(fc_store_file_missing(s, "/t/d.jpg", 1000, err) == 1); /* face 8 away */
    CHECK_MSG(fc_store_training_load(s, &t, err) == 0, "%s", err);
    CHECK(strcmp(t.model, "m1") == 0);
    CHECK(t.people == 2 && t.person[0] == 3 && t.person[1] == 5); /* Ada 0, Bob 1 */
    CHECK_MSG(t.n == 5, "%d faces", t.n);
    const int64_t want_face[5] = {1, 2, 3, 4, 5};
    const int want_label[5] = {0, 1, 0, 1, -1};
    for (int i = 0; i < 5 && i < t.n; i++)
        CHECK_MSG(t.face[i] == want_face[i] && t.label[i] == want_label[i],
                  "face %d: %lld label %d", i, (long long)t.face[i], t.label[i]);
    /* face 5 is not Ada (label 0); the "not" about unnamed person 9 teaches nothing */
    CHECK(t.n_nots == 1 && t.nots[0].face == 4 && t.nots[0].person == 0);
    float norm = 0;
    for (int k = 0; k < FC_EMBED_DIM; k++) norm += t.embedding[4][k] * t.embedding[4][k];
    CHECK(fabsf(norm - 1.0f) < 1e-5f);
    fc_store_training_free(&t);
    /* photos of two models: a head must learn from one */
    fc_store_indexed other = indexed(45, faces, 1, "m2");
    fc_file_identity id = ident(120);
    CHECK(fc_store_put_indexed(s, "/t/e.jpg", &id, &other, NULL, err) == 0);
    CHECK(fc_store_training_load(s, &t, err) == -EAGAIN && strstr(err, "embedded again"));
    CHECK(t.n == 0 && t.face == NULL);
    sqlite3_close(db);
    fc_store_close(s);
}

static void test_database_in_use(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    fc_store_set_busy_timeout(s, 50);
    sqlite3 *db = raw_open(path);
    raw_exec(db, "BEGIN IMMEDIATE");
    fc_face faces[1];
    make_faces(faces, 1, 0);
    fc_store_indexed w = indexed(9, faces, 1, "m1");
    fc_file_identity id = ident(51);
    CHECK(fc_store_put_indexed(s, "/b/x.jpg", &id, &w, NULL, err) == -EBUSY);
    CHECK_MSG(strstr(err, "in use") != NULL, "%s", err);
    raw_exec(db, "COMMIT");
    CHECK(fc_store_put_indexed(s, "/b/x.jpg", &id, &w, NULL, err) == 0);
    fc_store_status st;
    CHECK(fc_store_status_get(s, &st, err) == 0 && st.photos == 1 && st.faces == 1);
    sqlite3_close(db);
    fc_store_close(s);
}

static int count_conflict(void *ctx, const fc_store_conflict *c)
{
    CHECK(c->source && c->name && c->reason && c->reason[0]);
    ++*(int *)ctx;
    return 0;
}

/* The region of face i of make_faces' 640 x 480 photo, as a person would draw it: a little
 * larger than the detector's box. */
static fc_store_region region_on(const char *name, int i)
{
    return (fc_store_region){name, {(5 + 100.0f * i) / 640, 10.0f / 480, 70.0f / 640, 85.0f / 480}};
}

static void test_regions_import(void)
{
    char path[512], err[FC_ERR_MAX];
    fc_store *s = new_store(path, sizeof path);
    sqlite3 *db = raw_open(path);
    fc_face faces[3];
    make_faces(faces, 3, 0);
    fc_store_indexed w = indexed(40, faces, 3, "m1");
    fc_file_identity id = ident(40);
    int64_t photo = 0;
    CHECK(fc_store_put_indexed(s, "/r/a.jpg", &id, &w, &photo, err) == 0);
    const int64_t face0 = raw_int(db, "SELECT min(id) FROM faces"), face1 = face0 + 1;
    fc_store_import out;

    /* a region names the face under it: a person made for the name, a decision of the user's */
    fc_store_region r[2] = {region_on("Ada Lovelace", 0), {"Nobody", {0.9f, 0.9f, 0.05f, 0.05f}}};
    CHECK(fc_store_regions_put(s, photo, "/r/a.jpg.xmp", r, 2, &out, err) == 0);
    CHECK_MSG(out.applied == 1 && out.unmatched == 1, "applied %d unmatched %d", out.applied,
              out.unmatched);
    CHECK(raw_int(db, "SELECT count(*) FROM people WHERE name = 'Ada Lovelace'") == 1);
    char q[256];
    snprintf(q, sizeof q,
             "SELECT by_user FROM assignments a JOIN people p ON p.id = a.person WHERE "
             "p.name = 'Ada Lovelace' AND a.face = %lld",
             (long long)face0);
    CHECK(raw_int(db, q) == 2);
    const int64_t journal = raw_int(db, "SELECT count(*) FROM journal WHERE action = 'import'");
    CHECK(journal == 1);

    /* read again unchanged: nothing happens, nothing journalled */
    CHECK(fc_store_regions_put(s, photo, "/r/a.jpg.xmp", r, 2, &out, err) == 0);
    CHECK(out.unchanged == 1 && out.applied == 0);
    CHECK(raw_int(db, "SELECT count(*) FROM journal WHERE action = 'import'") == journal);

    /* the user moves the face elsewhere in facecluster: reading the file again keeps that */
    int64_t elsewhere = 0;
    CHECK(fc_store_faces_move(s, &face0, 1, 0, &elsewhere, err) == 0 && elsewhere > 0);
    CHECK(fc_store_regions_put(s, photo, "/r/a.jpg.xmp", r, 2, &out, err) == 0);
    snprintf(q, sizeof q, "SELECT person FROM assignments WHERE face = %lld", (long long)face0);
    CHECK_MSG(raw_int(db, q) == elsewhere, "the file undid the user's move");

    /* the region moves to the second face: the name goes with it */
    r[0] = region_on("Ada Lovelace", 1);
    CHECK(fc_store_regions_put(s, photo, "/r/a.jpg.xmp", r, 2, &out, err) == 0);
    CHECK(out.applied == 1 && out.removed == 1);
    snprintf(q, sizeof q,
             "SELECT count(*) FROM assignments a JOIN people p ON p.id = a.person WHERE p.name "
             "= 'Ada Lovelace' AND a.face = %lld AND a.by_user = 2",
             (long long)face1);
    CHECK(raw_int(db, q) == 1);
    CHECK(raw_int(db, "SELECT count(*) FROM regions") == 2);

    /* one person per name: another photo's region, written in another case */
    fc_face more[1];
    make_faces(more, 1, 0);
    w = indexed(41, more, 1, "m1");
    id = ident(41);
    int64_t photo2 = 0;
    CHECK(fc_store_put_indexed(s, "/r/b.jpg", &id, &w, &photo2, err) == 0);
    fc_store_region lower = region_on("ada lovelace", 0);
    CHECK(fc_store_regions_put(s, photo2, "/r/b.jpg", &lower, 1, &out, err) == 0);
    CHECK(out.applied == 1);
    CHECK(raw_int(db, "SELECT count(*) FROM people WHERE name LIKE 'ada lovelace'") == 1);

    /* the user said face1 is not Ada: a file saying it is, is kept aside and reported */
    int64_t ada = 0;
    CHECK(fc_store_person_by_name(s, "Ada Lovelace", &ada, err) == 0);
    CHECK(fc_store_faces_not(s, &face1, 1, ada, err) == 0);
    fc_store_region moved = r[0];
    moved.box[0] += 0.01f; /* a changed region: read as new */
    CHECK(fc_store_regions_put(s, photo, "/r/a.jpg.xmp", &moved, 1, &out, err) == 0);
    CHECK_MSG(out.contradicted == 1, "contradicted %d applied %d", out.contradicted, out.applied);
    fc_store_status st;
    CHECK(fc_store_status_get(s, &st, err) == 0 && st.region_conflicts == 1);
    int conflicts = 0;
    CHECK(fc_store_region_conflicts(s, count_conflict, &conflicts, err) == 0 && conflicts == 1);

    /* the file loses its regions: faces named by it go back to the clustering */
    CHECK(fc_store_regions_put(s, photo2, "/r/b.jpg", NULL, 0, &out, err) == 0);
    CHECK(out.removed == 1);
    CHECK(raw_int(db, "SELECT count(*) FROM regions WHERE source = '/r/b.jpg'") == 0);
    snprintf(q, sizeof q,
             "SELECT count(*) FROM assignments WHERE by_user != 0 AND face IN (SELECT id FROM "
             "faces WHERE photo = %lld)",
             (long long)photo2);
    CHECK(raw_int(db, q) == 0);

    /* undo takes the last import back: the face is Ada's again, as the file had said */
    int64_t change = 0;
    CHECK(fc_store_undo(s, &change, err) == 0);
    CHECK(raw_int(db, q) == 1);
    fc_store_region nameless = {"", {0, 0, 0.1f, 0.1f}};
    CHECK(fc_store_regions_put(s, photo, "/r/a.jpg.xmp", &nameless, 1, &out, err) == -EINVAL);
    sqlite3_close(db);
    fc_store_close(s);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fc-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_open_makes_private_store);
    RUN(test_indexed_photo_and_status);
    RUN(test_photo_is_all_or_nothing);
    RUN(test_check_finds_problems);
    RUN(test_rename_over_a_file);
    RUN(test_people_regroup_round_trip);
    RUN(test_corrections);
    RUN(test_copies_renames_and_missing);
    RUN(test_edit_and_model_change_keep_decisions);
    RUN(test_failures_retry_then_bad);
    RUN(test_place_faces_and_overtaken_regroup);
    RUN(test_learned_head);
    RUN(test_head_mark_and_use);
    RUN(test_training_data);
    RUN(test_database_in_use);
    RUN(test_regions_import);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return harness_exit();
}
